"""The events the reviews plugin emits (``reviews.*``); fields are only ever added, with defaults.

``reviews.created`` is what the qualification credit rating counts: one per review, with
``followup`` true for a follow-up (which carries the first review's ratings again, so a
score counts only ``followup = false``). ``reviews.hidden`` with ``rating_counts`` false
(ground ``fake``) and ``reviews.appeal_decided`` / ``reviews.reinstated`` say when a
rating leaves or re-enters the average.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from bazaar.sdk.events import SYSTEM, By, Event


class ReviewCreated(Event, frozen=True, kw_only=True, tag="reviews.created"):
    """A buyer reviewed a line of a completed order (or added its one follow-up)."""

    review_id: str
    order_id: str
    merchant_id: str
    product_id: str
    rating: int
    service_rating: int | None = None
    delivery_rating: int | None = None
    followup: bool = False
    customer_id: str | None = None
    line_id: str | None = None
    has_photos: bool = False
    subject_field = "review_id"


class ReviewReplied(Event, frozen=True, kw_only=True, tag="reviews.replied"):
    """The merchant published its one reply to a review or to a follow-up."""

    review_id: str
    merchant_id: str
    product_id: str
    customer_id: str
    followup: bool = False
    by: By = SYSTEM
    subject_field = "review_id"


class ReviewHidden(Event, frozen=True, kw_only=True, tag="reviews.hidden"):
    """An operator hid a review on a ground with a published reason: the reviewer is told and may appeal."""

    review_id: str
    order_id: str
    merchant_id: str
    product_id: str
    customer_id: str
    ground: str
    reason: str
    rating_counts: bool
    appeal_by: datetime | None = None
    followup: bool = False
    by: By = SYSTEM
    subject_field = "review_id"


class ReviewAppealed(Event, frozen=True, kw_only=True, tag="reviews.appealed"):
    """The reviewer appealed against a hide; an operator decides."""

    review_id: str
    merchant_id: str
    product_id: str
    customer_id: str
    subject_field = "review_id"


class ReviewAppealDecided(Event, frozen=True, kw_only=True, tag="reviews.appeal_decided"):
    """An operator decided an appeal: ``reinstated`` (shown again) or ``upheld`` (stays hidden)."""

    review_id: str
    merchant_id: str
    product_id: str
    customer_id: str
    outcome: Literal["reinstated", "upheld"]
    reason: str
    rating_counts: bool
    by: By = SYSTEM
    subject_field = "review_id"


class ReviewReinstated(Event, frozen=True, kw_only=True, tag="reviews.reinstated"):
    """An operator reinstated a hidden review on its own motion (no appeal pending)."""

    review_id: str
    merchant_id: str
    product_id: str
    customer_id: str
    reason: str
    by: By = SYSTEM
    subject_field = "review_id"


SignalKind = Literal["burst", "staff_attempt", "linked_reviewer", "refund_after_five_star"]


class ReviewSignalRaised(Event, frozen=True, kw_only=True, tag="reviews.signal_raised"):
    """A sign of a fake or bought review, for the operator (nothing is hidden automatically)."""

    signal_id: str
    kind: SignalKind
    merchant_id: str
    product_id: str | None = None
    review_id: str | None = None
    order_id: str | None = None
    subject_field = "merchant_id"


EVENTS = (
    ReviewCreated,
    ReviewReplied,
    ReviewHidden,
    ReviewAppealed,
    ReviewAppealDecided,
    ReviewReinstated,
    ReviewSignalRaised,
)
