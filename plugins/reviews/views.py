"""Rows into responses: what each caller sees of a review, and what it may do next.

The caller's roles are relative to the review: ``customer`` is its reviewer, ``merchant``
the reviewed store's staff, ``operator`` platform staff; anyone else is the public. Text
and photos of a hidden review are withheld from all but its reviewer and operators; the
ground and the published reason are shown to everyone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from bazaar.plugins.reviews import policy
from bazaar.plugins.reviews.schemas import (
    FollowupOut,
    HiddenOut,
    PhotoOut,
    ReplyOut,
    ReviewOut,
)
from bazaar.plugins.reviews.settings import values
from bazaar.plugins.reviews.states import MODERATION, VISIBLE
from bazaar.sdk.api import Actor
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.states import deadlines

#: the columns of a joined follow-up (``LEFT JOIN reviews_review f``), prefixed ``f_``
FOLLOWUP_COLUMNS = ("id", "text", "photos", "state", "ground", "hide_reason", "hidden_at", "appeal_by",
                    "reply_text", "replied_at", "created_at", "customer_id", "merchant_id")
FOLLOWUP_SELECT = ", ".join(f"f.{c} AS f_{c}" for c in FOLLOWUP_COLUMNS)


def roles_for(viewer: Actor | None, row: dict[str, Any]) -> set[str]:
    """The caller's roles towards this review (empty for the public)."""
    roles: set[str] = set()
    if viewer is None or viewer.user_id is None:
        return roles
    if viewer.user_id == row["customer_id"]:
        roles.add("customer")
    if row["merchant_id"] in viewer.merchants:
        roles.add("merchant")
    if viewer.is_operator:
        roles.add("operator")
    return roles


def photo_ids(raw: Any) -> list[str]:
    if isinstance(raw, str | bytes):
        raw = msgspec.json.decode(raw)
    return list(raw or [])


def _photos(raw: Any) -> list[PhotoOut]:
    return [PhotoOut(id=i, url=f"/api/v1/reviews/photos/{i}") for i in photo_ids(raw)]


def _hidden(row: dict[str, Any]) -> HiddenOut | None:
    if row["state"] in VISIBLE or row["hidden_at"] is None:
        return None
    return HiddenOut(ground=row["ground"], reason=row["hide_reason"] or "", hidden_at=row["hidden_at"],
                     appeal_by=row["appeal_by"])


def _reply(row: dict[str, Any]) -> ReplyOut | None:
    return ReplyOut(text=row["reply_text"], replied_at=row["replied_at"]) if row["reply_text"] is not None else None


def _actions(row: dict[str, Any], roles: set[str], now: datetime) -> list[str]:
    actions = set(MODERATION.allowed_actions(row["state"], roles))
    if "appeal" in actions and (row["appeal_by"] is None or now >= row["appeal_by"]):
        actions.discard("appeal")
    if "merchant" in roles and row["reply_text"] is None:
        actions.add("reply")
    return sorted(actions)


def followup_from(row: dict[str, Any]) -> dict[str, Any] | None:
    """The ``f_``-prefixed columns of a joined row as a follow-up row, or ``None``."""
    if row.get("f_id") is None:
        return None
    return {c: row[f"f_{c}"] for c in FOLLOWUP_COLUMNS}


def followup_out(row: dict[str, Any], viewer: Actor | None, now: datetime) -> FollowupOut:
    roles = roles_for(viewer, row)
    shown = row["state"] in VISIBLE or roles & {"customer", "operator"}
    return FollowupOut(
        id=row["id"], text=row["text"] if shown else None, photos=_photos(row["photos"]) if shown else [],
        state=row["state"], hidden=_hidden(row), reply=_reply(row), created_at=row["created_at"],
        allowed_actions=_actions(row, roles, now),
        deadlines=deadlines(appeal_by=row["appeal_by"] if row["state"] == "hidden" else None),
    )


def review_out(rt: PluginRuntime, row: dict[str, Any], viewer: Actor | None, *,
               followup: dict[str, Any] | None = None, completed_at: datetime | None = None) -> ReviewOut:
    """A review row (with its follow-up row, if any) as ``viewer`` may see it.

    ``completed_at`` (the order's completion) lets the reviewer's view offer ``followup``.
    """
    now = rt.clock.now()
    roles = roles_for(viewer, row)
    shown = row["state"] in VISIBLE or bool(roles & {"customer", "operator"})
    actions = _actions(row, roles, now)
    followup_by = None
    if "customer" in roles and followup is None and completed_at is not None:
        due = policy.window_end(rt.calendar, completed_at, values(rt)["followup_days"])
        if policy.open_until(now, due):
            actions = sorted({*actions, "followup"})
            followup_by = due
    private = bool(roles)
    return ReviewOut(
        id=row["id"], product_id=row["product_id"], merchant_id=row["merchant_id"],
        reviewer=policy.pseudonym(row["customer_id"]), rating=row["rating"],
        service_rating=row["service_rating"], delivery_rating=row["delivery_rating"],
        text=row["text"] if shown else None, photos=_photos(row["photos"]) if shown else [],
        state=row["state"], rating_counts=bool(row["counts"]), hidden=_hidden(row), reply=_reply(row),
        followup=followup_out(followup, viewer, now) if followup else None, created_at=row["created_at"],
        order_id=row["order_id"] if private else None, line_id=row["line_id"] if private else None,
        allowed_actions=actions,
        deadlines=deadlines(appeal_by=row["appeal_by"] if row["state"] == "hidden" else None,
                            followup_by=followup_by),
    )
