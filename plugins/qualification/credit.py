"""Credit rating: facts from domain events, the published formula, nightly recomputation, ranking.

Each subscribed event becomes at most one fact (keyed by the event id, so redelivery is a
no-op); the merchant's score is recomputed from the facts inside ``credit.window_days``
at once and again every night (facts age out of the window).
"""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction
from typing import Any

from bazaar.plugins.qualification import policy, service
from bazaar.plugins.qualification.schemas import (
    CreditComponent,
    CreditOut,
    CreditRuleComponent,
    CreditRules,
)
from bazaar.sdk.events import AnyEvent, event_data
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due
from bazaar.sdk.types import ProductSummary

NIGHTLY = "qualification.credit_nightly"
ORDER_KINDS = ("order", "shipped_on_time", "shipped_late", "cancelled")


async def ensure_nightly(rt: PluginRuntime) -> None:
    """Schedule tonight's recomputation (one timer per night; the subject is the date)."""
    now = rt.clock.now()
    night = rt.calendar.local_date(now)
    await rt.timers.schedule(NIGHTLY, night.isoformat(), rt.calendar.end_of_day(night), {})


async def merchant_of(rt: PluginRuntime, data: dict[str, Any], order_id: str | None) -> str | None:
    """The merchant a fact is about: named by the event, else known from an earlier fact of the same order.

    Only this plugin's own table is read (a plugin never reads the core's tables).
    """
    found = data.get("merchant_id")
    if isinstance(found, str):
        return found
    if order_id is None:
        return None
    row = await rt.db.fetchrow(
        "SELECT merchant_id FROM qualification_credit_fact WHERE order_id = {} ORDER BY occurred_at LIMIT 1", order_id
    )
    return row["merchant_id"] if row else None


async def record(rt: PluginRuntime, event: AnyEvent) -> bool:
    """Turn one event into a fact and recompute that merchant; ``False`` when it counts for nothing."""
    data = event_data(event)
    fact = policy.credit_fact(event.type, data)
    if fact is None:
        return False
    order_id = data.get("order_id") or (event.subject if event.type.startswith("order.") else None)
    merchant_id = await merchant_of(rt, data, order_id)
    if merchant_id is None:
        return False
    rows = await rt.db.execute(
        "INSERT INTO qualification_credit_fact (event_id, merchant_id, order_id, kind, value, occurred_at) "
        "VALUES ({}, {}, {}, {}, {}, {}) ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
        event.id, merchant_id, order_id, fact[0], fact[1], event.occurred_at,
    )
    if rows:
        await recompute(rt, merchant_id)
    return bool(rows)


async def counts(rt: PluginRuntime, merchant_id: str) -> policy.CreditCounts:
    """The merchant's facts inside the window; an order counts once however many facts it has."""
    since = rt.clock.now() - timedelta(days=service.values(rt)["credit.window_days"])
    rows = await rt.db.fetch(
        "SELECT kind, COUNT(*) AS n, SUM(value) AS total, COUNT(DISTINCT order_id) AS orders "
        "FROM qualification_credit_fact WHERE merchant_id = {} AND occurred_at >= {} GROUP BY kind",
        merchant_id, since,
    )
    by = {r["kind"]: (int(r["n"]), int(r["total"] or 0), int(r["orders"])) for r in rows}
    kinds = ", ".join("{}" for _ in ORDER_KINDS)
    orders = await rt.db.fetchrow(
        f"SELECT COUNT(DISTINCT order_id) AS n FROM qualification_credit_fact WHERE merchant_id = {{}} "
        f"AND occurred_at >= {{}} AND kind IN ({kinds})",
        merchant_id, since, *ORDER_KINDS,
    )
    shipped = await rt.db.fetchrow(
        "SELECT COUNT(DISTINCT order_id) AS n FROM qualification_credit_fact WHERE merchant_id = {} "
        "AND occurred_at >= {} AND kind IN ('shipped_on_time', 'shipped_late')",
        merchant_id, since,
    )
    n = lambda kind: by.get(kind, (0, 0, 0))[0]  # noqa: E731
    late = by.get("shipped_late", (0, 0, 0))[2]
    shipped_orders = int(shipped["n"]) if shipped else 0
    return policy.CreditCounts(
        orders=int(orders["n"]) if orders else 0,
        shipped=shipped_orders,
        shipped_on_time=shipped_orders - late,
        cancelled=n("cancelled"),
        returned=n("returned"),
        complaints_upheld=n("complaint_upheld"),
        reviews=n("review"),
        rating_sum=by.get("review", (0, 0, 0))[1],
    )


async def recompute(rt: PluginRuntime, merchant_id: str) -> tuple[int | None, str]:
    """Score and grade from the facts in the window; stored on the merchant's row."""
    p = service.values(rt)
    c = await counts(rt, merchant_id)
    score = policy.credit_score(c, p["credit.weights"])
    grade = policy.grade(score, p["credit.grades"])
    await service.qual_row(rt, merchant_id)
    await service.update_qual(rt, merchant_id, score=score, grade=grade, credit_updated_at=rt.clock.now())
    return score, grade


async def nightly(rt: PluginRuntime, due: Due) -> None:
    """``qualification.credit_nightly``: recompute every rated or known merchant, then tomorrow's timer."""
    rows = await rt.db.fetch(
        "SELECT merchant_id FROM qualification_merchant UNION SELECT merchant_id FROM qualification_credit_fact"
    )
    for row in rows:
        await recompute(rt, row["merchant_id"])
    night = rt.calendar.local_date(rt.clock.now())
    if night.isoformat() == due.subject:  # ran before midnight: tomorrow
        night = night + timedelta(days=1)
    await rt.timers.schedule(NIGHTLY, night.isoformat(), rt.calendar.end_of_day(night), {})


async def credit(rt: PluginRuntime, merchant_id: str) -> CreditOut:
    """A merchant's score with each component's quality."""
    await service.load_merchant(rt, merchant_id)
    p = service.values(rt)
    c = await counts(rt, merchant_id)
    q = policy.qualities(c)
    qual = await rt.db.fetchrow("SELECT * FROM qualification_merchant WHERE merchant_id = {}", merchant_id)
    score = policy.credit_score(c, p["credit.weights"])
    return CreditOut(
        merchant_id=merchant_id, score=score, grade=policy.grade(score, p["credit.grades"]), orders=c.orders,
        components=[
            CreditComponent(name=k, weight=w, quality_bps=int(q[k] * 10000 + Fraction(1, 2)))
            for k, w in p["credit.weights"].items() if k in q
        ],
        updated_at=qual["credit_updated_at"] if qual else None,
    )


def rules(rt: PluginRuntime) -> CreditRules:
    p = service.values(rt)
    return CreditRules(
        formula="score = round_half_up(100 * sum(weight[c] * quality[c]) / sum(weight)); quality in 0..1, "
        "1 is best; a component with no observations has quality 1; no orders in the window: unrated (N)",
        components=[
            CreditRuleComponent(name=k, measures=m, higher_is_better=h, weight=p["credit.weights"].get(k, 0))
            for k, (m, h) in policy.COMPONENTS.items()
        ],
        grades=dict(p["credit.grades"]),
        ranking_boost=dict(p["credit.ranking_boost"]),
        window_days=p["credit.window_days"],
        events=(policy.credit_fact.__doc__ or "").strip(),
    )


async def ranking(rt: PluginRuntime, products: list[ProductSummary]) -> dict[str, float]:
    """Each product's boost from its merchant's grade (``credit.ranking_boost``)."""
    merchant_ids = sorted({p.merchant_id for p in products})
    if not merchant_ids:
        return {}
    marks = ", ".join("{}" for _ in merchant_ids)
    rows = await rt.db.fetch(
        f"SELECT merchant_id, grade FROM qualification_merchant WHERE merchant_id IN ({marks})", *merchant_ids
    )
    boost = service.values(rt)["credit.ranking_boost"]
    grades = {r["merchant_id"]: r["grade"] for r in rows}
    return {p.id: float(boost[grades[p.merchant_id]]) for p in products
            if grades.get(p.merchant_id) in boost and boost[grades[p.merchant_id]]}
