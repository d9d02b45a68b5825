"""Signs of fake or bought reviews, recorded for the operator (ECL 17; UCPD Annex I 23b).

Nothing is hidden automatically: a signal is a row (once per ``key``) and a
``reviews.signal_raised`` event; the operator looks and, if it is fake, hides the review
on the ground ``fake`` (which takes its rating out of the average).

* ``burst``: ``signals.burst_count`` reviews of one product within ``signals.burst_hours``.
* ``staff_attempt``: a merchant's staff tried to review the store (refused, and recorded).
* ``linked_reviewer``: a review by someone once refused as the store's staff.
* ``refund_after_five_star``: a refund or cash-back on an order within
  ``signals.refund_after_review_days`` after its five-star review.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bazaar.plugins.reviews import policy
from bazaar.plugins.reviews.events import ReviewSignalRaised, SignalKind
from bazaar.plugins.reviews.schemas import SignalOut
from bazaar.plugins.reviews.settings import values
from bazaar.sdk.api import new_id
from bazaar.sdk.runtime import PluginRuntime


async def raise_signal(rt: PluginRuntime, kind: SignalKind, key: str, *, merchant_id: str, detail: str,
                       product_id: str | None = None, review_id: str | None = None,
                       order_id: str | None = None, customer_id: str | None = None) -> str | None:
    """Record a signal once per ``key`` and emit ``reviews.signal_raised``; ``None`` when known already."""
    signal_id = new_id("rvs")
    rows = await rt.db.execute(
        "INSERT INTO reviews_signal (id, key, kind, merchant_id, product_id, review_id, order_id, customer_id, "
        "detail, at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT (key) DO NOTHING RETURNING id",
        signal_id, key, kind, merchant_id, product_id, review_id, order_id, customer_id, detail, rt.clock.now(),
    )
    if not rows:
        return None
    await rt.emit(ReviewSignalRaised(signal_id=signal_id, kind=kind, merchant_id=merchant_id,
                                     product_id=product_id, review_id=review_id, order_id=order_id))
    return signal_id


async def after_review(rt: PluginRuntime, review: dict[str, Any]) -> None:
    """Checks that run in the transaction of a new review: a burst on its product, a linked reviewer."""
    p = values(rt)
    now = rt.clock.now()
    hours = p["signals.burst_hours"]
    row = await rt.db.fetchrow(
        "SELECT COUNT(*) AS n FROM reviews_review WHERE product_id = {} AND kind = 'review' AND created_at > {}",
        review["product_id"], now - timedelta(hours=hours),
    )
    recent = int(row["n"]) if row else 0
    if policy.is_burst(recent, p["signals.burst_count"]):
        await raise_signal(
            rt, "burst", f"burst:{review['product_id']}:{policy.burst_bucket(now, hours)}",
            merchant_id=review["merchant_id"], product_id=review["product_id"], review_id=review["id"],
            detail=f"{recent} reviews of this product within {hours} hours",
        )
    linked = await rt.db.fetchrow(
        "SELECT id FROM reviews_signal WHERE kind = 'staff_attempt' AND merchant_id = {} AND customer_id = {}",
        review["merchant_id"], review["customer_id"],
    )
    if linked:
        await raise_signal(
            rt, "linked_reviewer", f"linked:{review['id']}", merchant_id=review["merchant_id"],
            product_id=review["product_id"], review_id=review["id"], order_id=review["order_id"],
            customer_id=review["customer_id"], detail="the reviewer was refused earlier as staff of this store",
        )


async def staff_attempt(rt: PluginRuntime, *, merchant_id: str, customer_id: str, line_id: str,
                        order_id: str, product_id: str) -> None:
    """A store's staff tried to review it: refused by the caller, recorded here (own unit of work)."""
    async with rt.unit_of_work():
        await raise_signal(
            rt, "staff_attempt", f"staff:{merchant_id}:{customer_id}:{line_id}", merchant_id=merchant_id,
            product_id=product_id, order_id=order_id, customer_id=customer_id,
            detail="staff of the store tried to review it (refused)",
        )


async def refund_after_review(rt: PluginRuntime, order_id: str, refunded_at: datetime, source: str) -> int:
    """Signal every five-star review of ``order_id`` written shortly before this refund; how many."""
    days = values(rt)["signals.refund_after_review_days"]
    rows = await rt.db.fetch(
        "SELECT id, merchant_id, product_id, customer_id FROM reviews_review WHERE order_id = {} "
        "AND kind = 'review' AND rating = 5 AND created_at <= {} AND created_at >= {}",
        order_id, refunded_at, refunded_at - timedelta(days=days),
    )
    raised = 0
    for r in rows:
        made = await raise_signal(
            rt, "refund_after_five_star", f"refund:{r['id']}", merchant_id=r["merchant_id"],
            product_id=r["product_id"], review_id=r["id"], order_id=order_id, customer_id=r["customer_id"],
            detail=f"{source} within {days} days after a five-star review",
        )
        raised += made is not None
    return raised


async def list_signals(rt: PluginRuntime, *, merchant_id: str | None, kind: str | None,
                       limit: int, cursor: str | None) -> tuple[list[SignalOut], str | None]:
    """Signals newest first, optionally of one store or one kind; the cursor is the last id."""
    where, args = [], []
    for column, value in (("merchant_id", merchant_id), ("kind", kind)):
        if value is not None:
            where.append(f"{column} = {{}}")
            args.append(value)
    if cursor is not None:
        where.append("id < {}")
        args.append(cursor)
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    rows = await rt.db.fetch(f"SELECT * FROM reviews_signal {clause} ORDER BY id DESC LIMIT {{}}", *args, limit + 1)
    items = [
        SignalOut(id=r["id"], kind=r["kind"], merchant_id=r["merchant_id"], product_id=r["product_id"],
                  review_id=r["review_id"], order_id=r["order_id"], customer_id=r["customer_id"],
                  detail=r["detail"], at=r["at"])
        for r in rows[:limit]
    ]
    return items, (rows[limit - 1]["id"] if len(rows) > limit else None)
