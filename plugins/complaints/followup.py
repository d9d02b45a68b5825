"""The follow-up survey after each completed order (seed 000: a return visit after every order).

On ``order.completed`` the buyer gets one optional survey (``followup_survey``), open for
``followup_window_days``; it never blocks anything. Answers (1-5) count per merchant in
the statistics.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from bazaar.plugins.complaints.errors import AlreadyAnswered, SurveyNotFound
from bazaar.plugins.complaints.events import SurveyAnswered
from bazaar.plugins.complaints.records import for_update, values
from bazaar.sdk.api import Actor
from bazaar.sdk.runtime import PluginRuntime


class SurveyOut(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str
    merchant_id: str
    opened_at: datetime
    closes_at: datetime
    score: int | None = None
    answered_at: datetime | None = None


def _out(r: dict[str, Any]) -> SurveyOut:
    return SurveyOut(order_id=r["order_id"], merchant_id=r["merchant_id"], opened_at=r["opened_at"],
                     closes_at=r["closes_at"], score=r["score"], answered_at=r["answered_at"])


async def open_for(rt: PluginRuntime, order_id: str, customer_id: str, merchant_id: str) -> bool:
    """Open the survey of a completed order once (``False`` when off or already there)."""
    vals = values(rt)
    if not vals["followup_survey"]:
        return False
    now = rt.clock.now()
    closes = rt.calendar.add_days(now, int(vals["followup_window_days"]))
    rows = await rt.db.execute(
        "INSERT INTO complaints_survey (order_id, customer_id, merchant_id, opened_at, closes_at) "
        "VALUES ({}, {}, {}, {}, {}) ON CONFLICT (order_id) DO NOTHING RETURNING order_id",
        order_id, customer_id, merchant_id, now, closes,
    )
    return bool(rows)


async def mine(rt: PluginRuntime, actor: Actor) -> list[SurveyOut]:
    """The caller's surveys still open."""
    rows = await rt.db.fetch(
        "SELECT * FROM complaints_survey WHERE customer_id = {} AND answered_at IS NULL AND closes_at > {} "
        "ORDER BY opened_at DESC, order_id LIMIT 100", actor.user_id, rt.clock.now())
    return [_out(r) for r in rows]


async def answer(rt: PluginRuntime, order_id: str, score: int, comment: str | None, actor: Actor) -> SurveyOut:
    """Answer a survey once, while it is open (someone else's survey is ``404``)."""
    async with rt.unit_of_work():
        row = await rt.db.fetchrow(f"SELECT * FROM complaints_survey WHERE order_id = {{}}{for_update(rt)}", order_id)
        if row is None or row["customer_id"] != actor.user_id or rt.clock.now() > row["closes_at"]:
            raise SurveyNotFound("no open survey for this order")
        if row["answered_at"] is not None:
            raise AlreadyAnswered("this survey was answered already")
        now = rt.clock.now()
        await rt.db.execute("UPDATE complaints_survey SET score = {}, comment = {}, answered_at = {} WHERE order_id = {}",
                            score, comment, now, order_id)
        await rt.emit(SurveyAnswered(order_id=order_id, merchant_id=row["merchant_id"], score=score))
        return _out({**row, "score": score, "answered_at": now})
