"""Work queues and statistics: the merchant's cases waiting on it (soonest deadline first), the
operator's escalated and overdue cases, the buyer's cases, and each merchant's after-sales quality
(return rate, time to refund, auto-accepted, rulings against, deadlines missed)."""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from bazaar.plugins.aftersales.cases import jsonish, summary
from bazaar.plugins.aftersales.schemas import CaseSummary, StatsOut
from bazaar.sdk.errors import FieldProblem, ValidationFailed
from bazaar.sdk.money import Money
from bazaar.sdk.runtime import PluginRuntime

FAR = "9999-12-31T00:00:00+00:00"


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed("bad cursor", code="aftersales.invalid_cursor",
                            errors=[FieldProblem(field="cursor", reason="use next_cursor as given")])


def _cursor(cursor: str | None) -> tuple[str, str] | None:
    if cursor is None:
        return None
    key, _, case_id = cursor.partition("|")
    if not case_id.startswith("asc_") or len(case_id) > 40 or len(key) > 40:
        raise _bad_cursor()
    return key, case_id


def _due(key: str) -> datetime:
    try:
        due = datetime.fromisoformat(key)
    except ValueError:
        raise _bad_cursor() from None
    if due.tzinfo is None:
        raise _bad_cursor()
    return due


def _due_key(row: dict[str, Any]) -> str:
    due = row["due_at"]
    return due.isoformat() if isinstance(due, datetime) else FAR


async def merchant_queue(rt: PluginRuntime, merchant_id: str, *, waiting: bool, limit: int,
                         cursor: str | None) -> tuple[list[CaseSummary], str | None]:
    """The merchant's open cases; ``waiting``: only those whose clock runs against the merchant,
    soonest deadline first."""
    where = "merchant_id = {} AND state <> 'closed'" + (" AND clock_actor = 'merchant'" if waiting else "")
    c = _cursor(cursor)
    args: list[Any] = [merchant_id]
    if c is not None:
        due = _due(c[0])
        where += " AND (due_at > {} OR (due_at = {} AND id > {}))"
        args += [due, due, c[1]]
    rows = await rt.db.fetch(f"SELECT * FROM aftersales_case WHERE {where} AND due_at IS NOT NULL "
                             "ORDER BY due_at, id LIMIT {}", *args, limit + 1)
    now = rt.clock.now()
    items = [summary(rt, r, now) for r in rows[:limit]]
    return items, (f"{_due_key(rows[limit - 1])}|{rows[limit - 1]['id']}" if len(rows) > limit else None)


async def operator_queue(rt: PluginRuntime, *, limit: int, cursor: str | None) -> tuple[list[CaseSummary], str | None]:
    """Cases for the platform: escalated, waiting for evidence, ruled or appealed, and any open case
    whose clock ran out (overdue), soonest deadline first."""
    now = rt.clock.now()
    where = ("state <> 'closed' AND due_at IS NOT NULL AND (state IN ('escalated', 'awaiting_evidence', 'appealed') "
             "OR overdue = {} OR due_at <= {})")
    args: list[Any] = [True, now]
    c = _cursor(cursor)
    if c is not None:
        due = _due(c[0])
        where += " AND (due_at > {} OR (due_at = {} AND id > {}))"
        args += [due, due, c[1]]
    rows = await rt.db.fetch(f"SELECT * FROM aftersales_case WHERE {where} ORDER BY due_at, id LIMIT {{}}",
                             *args, limit + 1)
    items = [summary(rt, r, now) for r in rows[:limit]]
    return items, (f"{_due_key(rows[limit - 1])}|{rows[limit - 1]['id']}" if len(rows) > limit else None)


async def buyer_cases(rt: PluginRuntime, customer_id: str, *, limit: int,
                      cursor: str | None) -> tuple[list[CaseSummary], str | None]:
    """The buyer's cases, newest first (ids are time-ordered)."""
    where, args = "customer_id = {}", [customer_id]
    if cursor is not None:
        c = _cursor(f"x|{cursor}")
        where += " AND id < {}"
        args.append(c[1] if c else cursor)
    rows = await rt.db.fetch(f"SELECT * FROM aftersales_case WHERE {where} ORDER BY id DESC LIMIT {{}}", *args, limit + 1)
    now = rt.clock.now()
    return [summary(rt, r, now) for r in rows[:limit]], (rows[limit - 1]["id"] if len(rows) > limit else None)


async def stats(rt: PluginRuntime, merchant_id: str) -> StatsOut:
    """A merchant's after-sales quality."""
    delivered = await rt.db.fetchrow(
        "SELECT COUNT(*) AS n FROM aftersales_order WHERE merchant_id = {} AND delivered_at IS NOT NULL", merchant_id)
    rows = await rt.db.fetch("SELECT * FROM aftersales_case WHERE merchant_id = {}", merchant_id)
    returns = [r for r in rows if r["type"] in ("return_refund", "withdrawal") and r["outcome"] in ("refunded", "withdrawn")]
    hours = [(r["closed_at"] - r["requested_at"]).total_seconds() / 3600 for r in rows
             if r["closed_at"] is not None and r["refunded_minor"]]
    missed = sum(1 for r in rows for m in jsonish(r["missed_deadlines"], []) if m.get("actor") == "merchant")
    n = int(delivered["n"]) if delivered else 0
    currency = rows[0]["currency"] if rows else None
    total = sum(int(r["refunded_minor"]) for r in rows)
    return StatsOut(
        merchant_id=merchant_id, delivered_orders=n, cases=len(rows),
        open_cases=sum(1 for r in rows if r["state"] != "closed"), returns_refunded=len(returns),
        return_rate_bps=(len(returns) * 10_000 // n) if n else 0,
        refunded=Money(amount=total, currency=currency) if currency else None,
        median_hours_to_refund=round(statistics.median(hours), 2) if hours else None,
        auto_accepted=sum(1 for r in rows if r["auto_accepted"]),
        rulings=sum(1 for r in rows if r["ruling_id"]),
        rulings_against=sum(1 for r in rows if r["ruled_against_merchant"]),
        deadlines_missed=missed,
    )
