"""Writing reviews: who may review which line until when, follow-ups, the merchant's reply.

Each write runs in one unit of work and reads only this plugin's tables plus the
``is_merchant_staff`` facade. The order of checks: the line is the caller's (else ``404``,
as for a missing one), the caller is not the store's staff (``403``, and the attempt is
recorded as a signal), the order was completed and paid or collected, the window is open,
the slot is free (a unique key, so two racing requests make one review).
"""

from __future__ import annotations

from typing import Any

import msgspec

from bazaar.plugins.reviews import photos, policy, signals, summary
from bazaar.plugins.reviews.errors import (
    AlreadyReplied,
    AlreadyReviewed,
    FollowupExists,
    LineNotFound,
    NotEligible,
    ReviewNotFound,
    StaffRefused,
    WindowClosed,
)
from bazaar.plugins.reviews.events import ReviewCreated, ReviewReplied
from bazaar.plugins.reviews.schemas import FollowupCreate, ReplyCreate, ReviewCreate, ReviewOut
from bazaar.plugins.reviews.settings import values
from bazaar.plugins.reviews.views import FOLLOWUP_SELECT, followup_from, review_out
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.events import By
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.services import is_merchant_staff


async def _line(rt: PluginRuntime, customer_id: str, line_id: str) -> dict[str, Any]:
    row = await rt.db.fetchrow(
        "SELECT l.line_id, l.order_id, l.product_id, o.merchant_id, o.customer_id, o.paid_at, o.completed_at "
        "FROM reviews_line l JOIN reviews_order o ON o.order_id = l.order_id WHERE l.line_id = {}",
        line_id,
    )
    if row is None or row["customer_id"] != customer_id:
        raise LineNotFound("no such order line of yours")
    return row


def _check_window(rt: PluginRuntime, line: dict[str, Any], key: str) -> None:
    if line["completed_at"] is None or line["paid_at"] is None:
        raise NotEligible("only a completed order that was paid (or collected on delivery) can be reviewed")
    due = policy.window_end(rt.calendar, line["completed_at"], values(rt)[key])
    if not policy.open_until(rt.clock.now(), due):
        raise WindowClosed(f"the window ({key}) ended at {due.isoformat()}", extra={"due_at": due.isoformat()})


async def _insert(rt: PluginRuntime, line: dict[str, Any], kind: str, *, review_id: str, parent_id: str | None,
                  rating: int | None, service_rating: int | None, delivery_rating: int | None,
                  text: str, photo_ids: list[str]) -> dict[str, Any] | None:
    now = rt.clock.now()
    rows = await rt.db.execute(
        "INSERT INTO reviews_review (id, slot, kind, parent_id, line_id, order_id, product_id, merchant_id, "
        "customer_id, rating, service_rating, delivery_rating, text, photos, has_photos, state, counts, month, "
        "created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 'published', "
        "{}, {}, {}, {}) ON CONFLICT (slot) DO NOTHING RETURNING *",
        review_id, f"{line['line_id']}:{kind}", kind, parent_id, line["line_id"], line["order_id"],
        line["product_id"], line["merchant_id"], line["customer_id"], rating, service_rating, delivery_rating,
        text, _json_list(photo_ids), bool(photo_ids), True, policy.month_of(rt.calendar, now), now, now,
    )
    return rows[0] if rows else None


def _json_list(items: list[str]) -> str:
    return msgspec.json.encode(items).decode()


async def _refuse_staff(rt: PluginRuntime, line: dict[str, Any]) -> StaffRefused:
    await signals.staff_attempt(rt, merchant_id=line["merchant_id"], customer_id=line["customer_id"],
                                line_id=line["line_id"], order_id=line["order_id"], product_id=line["product_id"])
    return StaffRefused("staff of a store may never review it")


async def create_review(rt: PluginRuntime, actor: Actor, data: ReviewCreate) -> ReviewOut:
    """Review one line of a completed, paid order within ``window_days`` of completion."""
    customer_id = actor.user_id or ""
    async with rt.unit_of_work():
        line = await _line(rt, customer_id, data.line_id)
        if not await is_merchant_staff(rt, line["merchant_id"], customer_id):
            _check_window(rt, line, "window_days")
            row = await _insert(rt, line, "review", review_id=new_id("rvw"), parent_id=None, rating=data.rating,
                                service_rating=data.service_rating, delivery_rating=data.delivery_rating,
                                text=data.text, photo_ids=data.photo_ids)
            if row is None:
                raise AlreadyReviewed("this line already has its review; add a follow-up instead")
            await photos.attach(rt, row["id"], customer_id, data.photo_ids)
            await summary.adjust(rt, row["product_id"], row["merchant_id"], rating=data.rating, counted=1,
                                 photo=1 if data.photo_ids else 0)
            await rt.emit(ReviewCreated(
                review_id=row["id"], order_id=row["order_id"], merchant_id=row["merchant_id"],
                product_id=row["product_id"], rating=data.rating, service_rating=data.service_rating,
                delivery_rating=data.delivery_rating, followup=False, customer_id=customer_id,
                line_id=row["line_id"], has_photos=bool(data.photo_ids),
            ))
            await signals.after_review(rt, row)
            return review_out(rt, row, actor, completed_at=line["completed_at"])
    raise await _refuse_staff(rt, line)


async def create_followup(rt: PluginRuntime, actor: Actor, review_id: str, data: FollowupCreate) -> ReviewOut:
    """The one follow-up of a review, within ``followup_days`` of the order's completion."""
    customer_id = actor.user_id or ""
    async with rt.unit_of_work():
        parent = await rt.db.fetchrow(
            "SELECT * FROM reviews_review WHERE id = {} AND kind = 'review' AND customer_id = {}",
            review_id, customer_id,
        )
        if parent is None:
            raise ReviewNotFound("no such review of yours")
        line = await _line(rt, customer_id, parent["line_id"])
        if not await is_merchant_staff(rt, line["merchant_id"], customer_id):
            _check_window(rt, line, "followup_days")
            row = await _insert(rt, line, "followup", review_id=new_id("rvw"), parent_id=parent["id"], rating=None,
                                service_rating=None, delivery_rating=None, text=data.text, photo_ids=data.photo_ids)
            if row is None:
                raise FollowupExists("this review already has its follow-up")
            await photos.attach(rt, row["id"], customer_id, data.photo_ids)
            await rt.emit(ReviewCreated(
                review_id=row["id"], order_id=row["order_id"], merchant_id=row["merchant_id"],
                product_id=row["product_id"], rating=parent["rating"], service_rating=parent["service_rating"],
                delivery_rating=parent["delivery_rating"], followup=True, customer_id=customer_id,
                line_id=row["line_id"], has_photos=bool(data.photo_ids),
            ))
            return review_out(rt, parent, actor, followup=row, completed_at=line["completed_at"])
    raise await _refuse_staff(rt, line)


async def reply(rt: PluginRuntime, actor: Actor, merchant_id: str, review_id: str, data: ReplyCreate) -> ReviewOut:
    """The store's one public reply to a review or to a follow-up (``409 reviews.already_replied``)."""
    async with rt.unit_of_work():
        rows = await rt.db.execute(
            "UPDATE reviews_review SET reply_text = {}, replied_at = {}, replied_by = {}, updated_at = {} "
            "WHERE id = {} AND merchant_id = {} AND reply_text IS NULL RETURNING *",
            data.text, rt.clock.now(), actor.user_id, rt.clock.now(), review_id, merchant_id,
        )
        if not rows:
            if await rt.db.fetchrow("SELECT id FROM reviews_review WHERE id = {} AND merchant_id = {}",
                                    review_id, merchant_id):
                raise AlreadyReplied("the store already replied to this review")
            raise ReviewNotFound("no such review of this store")
        row = rows[0]
        await rt.emit(ReviewReplied(
            review_id=row["id"], merchant_id=merchant_id, product_id=row["product_id"],
            customer_id=row["customer_id"], followup=row["kind"] == "followup",
            by=By(kind="merchant", id=actor.user_id),
        ))
    return await get_review(rt, actor, row["parent_id"] or row["id"])


async def get_review(rt: PluginRuntime, actor: Actor | None, review_id: str) -> ReviewOut:
    """One review with its follow-up, as the caller may see it (a follow-up id answers its review)."""
    row = await rt.db.fetchrow(
        f"SELECT r.*, o.completed_at AS order_completed_at, {FOLLOWUP_SELECT} FROM reviews_review r "
        "LEFT JOIN reviews_review f ON f.parent_id = r.id "
        "LEFT JOIN reviews_order o ON o.order_id = r.order_id "
        "WHERE r.kind = 'review' AND (r.id = {} OR f.id = {})",
        review_id, review_id,
    )
    if row is None:
        raise ReviewNotFound("no such review")
    return review_out(rt, row, actor, followup=followup_from(row), completed_at=row["order_completed_at"])
