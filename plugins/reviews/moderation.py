"""Hiding unlawful content (never deleting), appeals, outcomes, and the public monthly figures.

An operator hides a review on a ground of ``hide_grounds`` with a reason that is published
with it (NTSM 15; DSA 16-17); the reviewer is told (``reviews.hidden``) and may appeal
within ``appeal_window_days`` (DSA 20); an operator reinstates or upholds. The rating
stays in the average unless the ground is ``fake``. Every step is a row of the
append-only ``reviews_moderation`` log, counted per month in the transparency figures.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bazaar.plugins.reviews import policy, summary
from bazaar.plugins.reviews.errors import (
    AppealWindowClosed,
    GroundRefused,
    ReviewChanged,
    ReviewNotFound,
)
from bazaar.plugins.reviews.events import (
    ReviewAppealDecided,
    ReviewAppealed,
    ReviewHidden,
    ReviewReinstated,
)
from bazaar.plugins.reviews.schemas import (
    AppealCreate,
    AppealDecide,
    AppealOut,
    HideCreate,
    ModerationOut,
    ReviewOut,
    TransparencyMonth,
)
from bazaar.plugins.reviews.service import get_review
from bazaar.plugins.reviews.settings import values
from bazaar.plugins.reviews.states import MODERATION, VISIBLE, ModerationEvent, ModerationState
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import FieldProblem, InvalidTransition
from bazaar.sdk.events import By
from bazaar.sdk.runtime import PluginRuntime


async def _load(rt: PluginRuntime, review_id: str) -> dict[str, Any]:
    row = await rt.db.fetchrow("SELECT * FROM reviews_review WHERE id = {}", review_id)
    if row is None:
        raise ReviewNotFound("no such review")
    return row


async def _log(rt: PluginRuntime, review_id: str, action: str, reason: str, actor_id: str | None,
               ground: str | None = None) -> None:
    now = rt.clock.now()
    await rt.db.execute(
        "INSERT INTO reviews_moderation (id, review_id, action, ground, reason, actor_id, month, at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
        new_id("rvm"), review_id, action, ground, reason, actor_id, policy.month_of(rt.calendar, now), now,
    )


async def _move(rt: PluginRuntime, row: dict[str, Any], event: ModerationEvent, *, counts: bool,
                **changes: Any) -> ModerationState:
    """Apply ``event``; keep the product's aggregate in step with the rating and the photos shown.

    The write is conditional on the state read (compare and set), so of two racing decisions
    one wins and the other is ``409 reviews.changed``, on either engine.
    """
    target = MODERATION.transition(row["state"], event)
    changes.update(state=str(target), counts=counts, updated_at=rt.clock.now())
    sets = ", ".join(f"{column} = {{}}" for column in changes)
    done = await rt.db.execute(f"UPDATE reviews_review SET {sets} WHERE id = {{}} AND state = {{}} RETURNING id",
                               *changes.values(), row["id"], row["state"])
    if not done:
        raise ReviewChanged("the review changed meanwhile: read it again")
    if row["kind"] == "review":
        was_shown, now_shown = row["state"] in VISIBLE, target in VISIBLE
        await summary.adjust(
            rt, row["product_id"], row["merchant_id"], rating=row["rating"],
            counted=int(counts) - int(bool(row["counts"])),
            photo=(int(now_shown) - int(was_shown)) if row["has_photos"] else 0,
        )
    return target


async def hide(rt: PluginRuntime, actor: Actor, review_id: str, data: HideCreate) -> ReviewOut:
    """Hide a review (right ``reviews.moderate``): ground from the closed list, published reason."""
    grounds = values(rt)["hide_grounds"]
    if data.ground not in grounds:
        raise GroundRefused(
            f"{data.ground!r} is not a ground in force",
            errors=[FieldProblem(field="ground", reason=f"one of {', '.join(grounds)}", value=data.ground)],
        )
    async with rt.unit_of_work():
        row = await _load(rt, review_id)
        counts = policy.counts_in_rating(data.ground)
        appeal_by = policy.window_end(rt.calendar, rt.clock.now(), values(rt)["appeal_window_days"])
        await _move(rt, row, ModerationEvent.hide, counts=counts, ground=data.ground, hide_reason=data.reason,
                    hidden_at=rt.clock.now(), appeal_by=appeal_by, appeal_statement=None)
        await _log(rt, review_id, "hide", data.reason, actor.user_id, data.ground)
        await rt.emit(ReviewHidden(
            review_id=review_id, order_id=row["order_id"], merchant_id=row["merchant_id"],
            product_id=row["product_id"], customer_id=row["customer_id"], ground=data.ground, reason=data.reason,
            rating_counts=counts, appeal_by=appeal_by, followup=row["kind"] == "followup",
            by=By(kind="operator", id=actor.user_id),
        ))
    return await get_review(rt, actor, review_id)


async def appeal(rt: PluginRuntime, actor: Actor, review_id: str, data: AppealCreate) -> ReviewOut:
    """The reviewer appeals against a hide within ``appeal_window_days``."""
    async with rt.unit_of_work():
        row = await _load(rt, review_id)
        if row["customer_id"] != actor.user_id:
            raise ReviewNotFound("no such review of yours")
        MODERATION.transition(row["state"], ModerationEvent.appeal)
        if row["appeal_by"] is None or rt.clock.now() >= row["appeal_by"]:
            raise AppealWindowClosed("the appeal window has closed", extra={"due_at": str(row["appeal_by"])})
        await _move(rt, row, ModerationEvent.appeal, counts=bool(row["counts"]), appeal_statement=data.statement)
        await _log(rt, review_id, "appeal", data.statement, actor.user_id, row["ground"])
        await rt.emit(ReviewAppealed(review_id=review_id, merchant_id=row["merchant_id"],
                                     product_id=row["product_id"], customer_id=row["customer_id"]))
    return await get_review(rt, actor, review_id)


async def decide(rt: PluginRuntime, actor: Actor, review_id: str, data: AppealDecide) -> ReviewOut:
    """Decide an appeal (right ``reviews.moderate``): ``reinstate`` shows it again, ``uphold`` keeps it hidden."""
    async with rt.unit_of_work():
        row = await _load(rt, review_id)
        event = ModerationEvent(data.outcome)
        if row["state"] != ModerationState.appeal_pending:
            raise InvalidTransition("no appeal is pending on this review",
                                    extra={"from": row["state"], "event": str(event),
                                           "allowed": MODERATION.allowed_events(row["state"])})
        if event is ModerationEvent.reinstate:
            await _reinstate(rt, row, data.reason, actor)
        else:
            await _move(rt, row, event, counts=bool(row["counts"]))
            await _log(rt, review_id, "uphold", data.reason, actor.user_id, row["ground"])
            await rt.emit(ReviewAppealDecided(
                review_id=review_id, merchant_id=row["merchant_id"], product_id=row["product_id"],
                customer_id=row["customer_id"], outcome="upheld", reason=data.reason,
                rating_counts=bool(row["counts"]), by=By(kind="operator", id=actor.user_id),
            ))
    return await get_review(rt, actor, review_id)


async def reinstate(rt: PluginRuntime, actor: Actor, review_id: str, reason: str) -> ReviewOut:
    """Reinstate a hidden review on the operator's own motion (right ``reviews.moderate``)."""
    async with rt.unit_of_work():
        await _reinstate(rt, await _load(rt, review_id), reason, actor)
    return await get_review(rt, actor, review_id)


async def _reinstate(rt: PluginRuntime, row: dict[str, Any], reason: str, actor: Actor) -> None:
    appealed = row["state"] == ModerationState.appeal_pending
    await _move(rt, row, ModerationEvent.reinstate, counts=True, ground=None, hide_reason=None, hidden_at=None,
                appeal_by=None)
    await _log(rt, row["id"], "reinstate", reason, actor.user_id, row["ground"])
    by = By(kind="operator", id=actor.user_id)
    common = dict(review_id=row["id"], merchant_id=row["merchant_id"], product_id=row["product_id"],
                  customer_id=row["customer_id"], reason=reason, by=by)
    if appealed:
        await rt.emit(ReviewAppealDecided(**common, outcome="reinstated", rating_counts=True))
    else:
        await rt.emit(ReviewReinstated(**common))


async def history(rt: PluginRuntime, review_id: str) -> list[ModerationOut]:
    """Every hide, appeal and outcome of a review, oldest first."""
    await _load(rt, review_id)
    rows = await rt.db.fetch("SELECT * FROM reviews_moderation WHERE review_id = {} ORDER BY at, id", review_id)
    return [ModerationOut(id=r["id"], review_id=r["review_id"], action=r["action"], ground=r["ground"],
                          reason=r["reason"], at=r["at"]) for r in rows]


async def appeals(rt: PluginRuntime, limit: int) -> list[AppealOut]:
    """Pending appeals, oldest first (the operator's queue)."""
    rows = await rt.db.fetch(
        "SELECT r.id, r.merchant_id, r.product_id, r.ground, r.hide_reason, r.appeal_statement, "
        "(SELECT MAX(m.at) FROM reviews_moderation m WHERE m.review_id = r.id AND m.action = 'appeal') AS appealed_at "
        "FROM reviews_review r WHERE r.state = 'appeal_pending' ORDER BY r.updated_at, r.id LIMIT {}",
        limit,
    )
    return [AppealOut(review_id=r["id"], merchant_id=r["merchant_id"], product_id=r["product_id"],
                      ground=r["ground"] or "", hide_reason=r["hide_reason"] or "",
                      statement=r["appeal_statement"] or "", appealed_at=_tz(r["appealed_at"])) for r in rows]


def _tz(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def transparency(rt: PluginRuntime, month: str | None) -> list[TransparencyMonth]:
    """Per month (newest first): reviews written, hidden (by ground), appeals, reinstated, upheld."""
    filt, args = ("WHERE month = {}", [month]) if month else ("", [])
    written = await rt.db.fetch(
        f"SELECT month, COUNT(*) AS n FROM reviews_review {filt} GROUP BY month", *args)
    steps = await rt.db.fetch(
        f"SELECT month, action, ground, COUNT(*) AS n FROM reviews_moderation {filt} GROUP BY month, action, ground",
        *args,
    )
    months: dict[str, dict[str, Any]] = {}

    def bucket(m: str) -> dict[str, Any]:
        return months.setdefault(m, {"reviews": 0, "hidden": 0, "hidden_by_ground": {}, "appeals": 0,
                                     "reinstated": 0, "upheld": 0})

    for r in written:
        bucket(r["month"])["reviews"] = int(r["n"])
    for r in steps:
        b, n = bucket(r["month"]), int(r["n"])
        if r["action"] == "hide":
            b["hidden"] += n
            b["hidden_by_ground"][r["ground"]] = b["hidden_by_ground"].get(r["ground"], 0) + n
        else:
            b[{"appeal": "appeals", "reinstate": "reinstated", "uphold": "upheld"}[r["action"]]] += n
    return [TransparencyMonth(month=m, **months[m]) for m in sorted(months, reverse=True)]
