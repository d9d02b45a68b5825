"""The plugin's tables; every name starts with ``reviews_``. No foreign keys: ids are plain columns.

Eligibility comes from order events recorded here (``reviews_order``, ``reviews_line``), so
writing a review never reads the core's tables. There is no delete anywhere: a review's
moderation is its ``state`` plus the append-only ``reviews_moderation`` log.
"""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class ReviewOrder(Table, tablename="reviews_order"):
    """What this plugin learnt about an order from events: buyer, store, paid (or COD-collected), completed."""

    order_id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    customer_id = Varchar(length=40, index=True)
    paid_at = Timestamptz(null=True, default=None)
    #: ``online`` (order.paid) or ``cod`` (cod.collected)
    paid_via = Varchar(length=8, null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz()


class ReviewLine(Table, tablename="reviews_line"):
    """A line of a completed order: what may be reviewed, once."""

    line_id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, index=True)
    product_id = Varchar(length=40, index=True)
    sku_id = Varchar(length=40)
    name = Varchar(length=200)


class Review(Table, tablename="reviews_review"):
    """A review of an order line, or its one follow-up (``kind``, ``parent_id``); ``slot`` keeps one of each."""

    id = Varchar(length=40, primary_key=True)
    #: ``<line_id>:review`` or ``<line_id>:followup``: unique, so a second one is refused race-free
    slot = Varchar(length=60, unique=True)
    kind = Varchar(length=10)
    parent_id = Varchar(length=40, null=True, default=None, index=True)
    line_id = Varchar(length=40)
    order_id = Varchar(length=40, index=True)
    product_id = Varchar(length=40)
    merchant_id = Varchar(length=40)
    customer_id = Varchar(length=40, index=True)
    rating = Integer(null=True, default=None)
    service_rating = Integer(null=True, default=None)
    delivery_rating = Integer(null=True, default=None)
    text = Text(default="")
    photos = JSON(default="[]")
    has_photos = Boolean(default=False)
    state = Varchar(length=16, default="published")
    #: whether the rating is in the product's average (false only while hidden as fake)
    counts = Boolean(default=True)
    ground = Varchar(length=20, null=True, default=None)
    hide_reason = Text(null=True, default=None)
    hidden_at = Timestamptz(null=True, default=None)
    appeal_by = Timestamptz(null=True, default=None)
    appeal_statement = Text(null=True, default=None)
    reply_text = Text(null=True, default=None)
    replied_at = Timestamptz(null=True, default=None)
    replied_by = Varchar(length=40, null=True, default=None)
    #: ``YYYY-MM`` in the calendar's zone (transparency figures)
    month = Varchar(length=7)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ProductSummary(Table, tablename="reviews_summary"):
    """The aggregate of a product's counted ratings, updated in the transaction of each change."""

    product_id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    review_count = Integer(default=0)
    rating_sum = Integer(default=0)
    r1 = Integer(default=0)
    r2 = Integer(default=0)
    r3 = Integer(default=0)
    r4 = Integer(default=0)
    r5 = Integer(default=0)
    photo_reviews = Integer(default=0)
    updated_at = Timestamptz()


class Moderation(Table, tablename="reviews_moderation"):
    """Append-only: every hide, appeal and outcome, with ground, reason, who and when."""

    id = Varchar(length=40, primary_key=True)
    review_id = Varchar(length=40, index=True)
    action = Varchar(length=12)
    ground = Varchar(length=20, null=True, default=None)
    reason = Text(default="")
    actor_id = Varchar(length=40, null=True, default=None)
    month = Varchar(length=7, index=True)
    at = Timestamptz()


class Signal(Table, tablename="reviews_signal"):
    """A sign of a fake or bought review for the operator; ``key`` makes each one once."""

    id = Varchar(length=40, primary_key=True)
    key = Varchar(length=160, unique=True)
    kind = Varchar(length=30, index=True)
    merchant_id = Varchar(length=40, index=True)
    product_id = Varchar(length=40, null=True, default=None)
    review_id = Varchar(length=40, null=True, default=None)
    order_id = Varchar(length=40, null=True, default=None)
    customer_id = Varchar(length=40, null=True, default=None)
    detail = Text(default="")
    at = Timestamptz(index=True)


class Photo(Table, tablename="reviews_photo"):
    """A stored file (``rt.files``, use ``reviews.photo``) attached to one review; a file serves once."""

    file_id = Varchar(length=40, primary_key=True)
    review_id = Varchar(length=40, index=True)
    customer_id = Varchar(length=40)
    position = Integer(default=0)
    created_at = Timestamptz()
