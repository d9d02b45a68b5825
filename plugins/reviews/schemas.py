"""Structs in and out of the reviews API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from bazaar.plugins.reviews.config import Ground
from bazaar.sdk.fields import PublicId, Reason
from bazaar.sdk.states import Deadline

Tz = Annotated[datetime, Meta(tz=True)]
Rating = Annotated[int, Meta(ge=1, le=5)]
ReviewText = Annotated[str, Meta(max_length=2000)]
PhotoIds = Annotated[list[PublicId], Meta(max_length=20)]


# --- in ------------------------------------------------------------------------------------


class ReviewCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A review of one line of a completed order: product rating, optional service and delivery ratings."""

    line_id: PublicId
    rating: Rating
    service_rating: Rating | None = None
    delivery_rating: Rating | None = None
    text: ReviewText = ""
    photo_ids: PhotoIds = []


class FollowupCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The one follow-up of a review: text and photos (the ratings stay those of the review)."""

    text: Annotated[str, Meta(min_length=1, max_length=2000)]
    photo_ids: PhotoIds = []


class ReplyCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The merchant's one public reply."""

    text: Annotated[str, Meta(min_length=1, max_length=1000)]


class HideCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Hide on one ground of ``hide_grounds``; ``reason`` is published with the review."""

    ground: Ground
    reason: Reason


class AppealCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The reviewer's appeal against a hide."""

    statement: Annotated[str, Meta(min_length=1, max_length=2000)]


class AppealDecide(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An operator's decision on an appeal, with its reason (sent to the reviewer)."""

    outcome: Literal["reinstate", "uphold"]
    reason: Reason


class ReinstateCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Reason


# --- out -----------------------------------------------------------------------------------


class PhotoOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    url: str


class HiddenOut(msgspec.Struct, frozen=True, kw_only=True):
    """Why a review is hidden: published with it (the text and photos are withheld)."""

    ground: str
    reason: str
    hidden_at: Tz
    appeal_by: Tz | None = None


class ReplyOut(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    replied_at: Tz


class FollowupOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    text: str | None
    photos: list[PhotoOut]
    state: str
    hidden: HiddenOut | None = None
    reply: ReplyOut | None = None
    created_at: Tz
    allowed_actions: list[str] = []
    deadlines: list[Deadline] = []


class ReviewOut(msgspec.Struct, frozen=True, kw_only=True):
    """A review as the caller may see it; ``text`` and ``photos`` are withheld while hidden."""

    id: str
    product_id: str
    merchant_id: str
    reviewer: str
    rating: int
    service_rating: int | None = None
    delivery_rating: int | None = None
    text: str | None
    photos: list[PhotoOut]
    state: str
    rating_counts: bool
    hidden: HiddenOut | None = None
    reply: ReplyOut | None = None
    followup: FollowupOut | None = None
    created_at: Tz
    order_id: str | None = None
    line_id: str | None = None
    allowed_actions: list[str] = []
    deadlines: list[Deadline] = []


class SummaryOut(msgspec.Struct, frozen=True, kw_only=True):
    """A product's counted ratings: average (two decimals), count, histogram by star."""

    product_id: str
    average: float | None
    count: int
    histogram: dict[str, int]
    with_photos: int


class EligibleLine(msgspec.Struct, frozen=True, kw_only=True):
    """A line the caller may review now (``action = review``) or follow up (``followup``)."""

    line_id: str
    order_id: str
    product_id: str
    name: str
    action: Literal["review", "followup"]
    review_id: str | None = None
    completed_at: Tz
    due_at: Tz


class PhotoStored(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    content_type: str
    size: int
    sha256: str


class ModerationOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    review_id: str
    action: str
    ground: str | None = None
    reason: str
    at: Tz


class SignalOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: str
    merchant_id: str
    product_id: str | None = None
    review_id: str | None = None
    order_id: str | None = None
    customer_id: str | None = None
    detail: str
    at: Tz


class AppealOut(msgspec.Struct, frozen=True, kw_only=True):
    """A pending appeal in the operator's queue (oldest first)."""

    review_id: str
    merchant_id: str
    product_id: str
    ground: str
    hide_reason: str
    statement: str
    appealed_at: Tz


class TransparencyMonth(msgspec.Struct, frozen=True, kw_only=True):
    """One month's public moderation figures (nothing is ever deleted, so nothing is missing)."""

    month: str
    reviews: int
    hidden: int
    hidden_by_ground: dict[str, int]
    appeals: int
    reinstated: int
    upheld: int


class RulesOut(msgspec.Struct, frozen=True, kw_only=True):
    """The published review rules in force."""

    window_days: int
    followup_days: int
    appeal_window_days: int
    hide_grounds: list[str]
    platform_may_delete: bool
    verified_purchase_only: bool
    merchant_staff_may_review: bool
    uncounted_ground: str


class PolicyLineOut(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    value: Any
    origin: str
    source: str
    basis: str
