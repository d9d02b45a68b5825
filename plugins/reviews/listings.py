"""The buyer's and the store's lists: lines waiting for a review, own reviews, a store's reviews."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from bazaar.plugins.reviews import policy
from bazaar.plugins.reviews.schemas import EligibleLine, ReviewOut
from bazaar.plugins.reviews.settings import values
from bazaar.plugins.reviews.storefront import page
from bazaar.sdk.api import Actor
from bazaar.sdk.runtime import PluginRuntime


async def eligible(rt: PluginRuntime, actor: Actor) -> list[EligibleLine]:
    """Lines the caller may review now, then reviews they may follow up, each with its deadline.

    Lines of stores the caller is staff of are left out: staff never review their store.
    """
    p = values(rt)
    now = rt.clock.now()
    since = now - timedelta(days=max(p["window_days"], p["followup_days"]) + 31)
    rows = await rt.db.fetch(
        "SELECT l.line_id, l.order_id, l.product_id, l.name, o.merchant_id, o.completed_at, "
        "r.id AS review_id, f.id AS followup_id FROM reviews_line l "
        "JOIN reviews_order o ON o.order_id = l.order_id "
        "LEFT JOIN reviews_review r ON r.line_id = l.line_id AND r.kind = 'review' "
        "LEFT JOIN reviews_review f ON f.line_id = l.line_id AND f.kind = 'followup' "
        "WHERE o.customer_id = {} AND o.completed_at IS NOT NULL AND o.paid_at IS NOT NULL "
        "AND o.completed_at > {} ORDER BY o.completed_at DESC, l.line_id",
        actor.user_id, since,
    )
    out: list[EligibleLine] = []
    for r in rows:
        if r["merchant_id"] in actor.merchants or r["followup_id"] is not None:
            continue
        action: Literal["review", "followup"] = "review" if r["review_id"] is None else "followup"
        key = "window_days" if action == "review" else "followup_days"
        due = policy.window_end(rt.calendar, r["completed_at"], p[key])
        if policy.open_until(now, due):
            out.append(EligibleLine(line_id=r["line_id"], order_id=r["order_id"], product_id=r["product_id"],
                                    name=r["name"], action=action, review_id=r["review_id"],
                                    completed_at=r["completed_at"], due_at=due))
    return out


async def mine(rt: PluginRuntime, actor: Actor, *, limit: int, cursor: str | None) -> tuple[list[ReviewOut], str | None]:
    """The caller's reviews, newest first, with what they may still do (follow up, appeal)."""
    return await page(rt, ["r.customer_id = {}"], [actor.user_id], limit=limit, cursor=cursor, viewer=actor,
                      with_order=True)


async def for_merchant(rt: PluginRuntime, actor: Actor, merchant_id: str, *, unreplied: bool, limit: int,
                       cursor: str | None) -> tuple[list[ReviewOut], str | None]:
    """A store's reviews, newest first; ``unreplied`` keeps those still waiting for the store's reply."""
    where = ["r.merchant_id = {}"]
    if unreplied:
        where.append("(r.reply_text IS NULL OR (f.id IS NOT NULL AND f.reply_text IS NULL))")
    return await page(rt, where, [merchant_id], limit=limit, cursor=cursor, viewer=actor)
