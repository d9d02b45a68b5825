"""Frozen snapshots and small result types passed through hooks.

Hook arguments are these Structs plus a narrow :class:`HookContext`; never ORM rows,
requests or the app. Hooks evolve by adding fields and arguments, never by changing them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from bazaar.sdk.money import Money


class HookContext(msgspec.Struct, frozen=True, kw_only=True):
    """What every hook may know about the call: the time, who acts, the request id."""

    now: datetime
    request_id: str | None = None
    actor_id: str | None = None
    actor_roles: tuple[str, ...] = ()


class Objection(msgspec.Struct, frozen=True, kw_only=True):
    """A veto returned by an ``*_objections`` hook; the action stops with ``plugin_vetoed``."""

    reason: str
    code: str | None = None


class ReadinessCheck(msgspec.Struct, frozen=True, kw_only=True):
    """One line of ``GET /ready``: a named check, whether it passed, and why not."""

    name: str
    ok: bool
    detail: str | None = None


# --- commerce snapshots -------------------------------------------------------------

MerchantStatus = Literal["pending", "active", "restricted", "suspended", "closed"]


class MerchantSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    """A store: name, status and owner (no contact data)."""

    id: str
    name: str
    status: MerchantStatus
    owner_id: str
    created_at: datetime


class SkuSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    code: str
    price: Money
    attributes: dict[str, str] = {}


class ListingSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    """A product as submitted for review."""

    id: str
    merchant_id: str
    name: str
    description: str
    category_id: str | None
    category_path: tuple[str, ...] = ()
    category_flags: tuple[str, ...] = ()
    image_urls: tuple[str, ...] = ()
    skus: tuple[SkuSnapshot, ...] = ()
    status: str = "draft"


class ReviewFinding(msgspec.Struct, frozen=True, kw_only=True):
    """One finding of a listing review: ``reject`` rejects, ``review`` queues for an operator."""

    outcome: Literal["reject", "review"]
    field: str
    reason: str
    position: int | None = None


class ProductSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    merchant_id: str
    category_id: str | None
    price_min: int
    created_at: datetime


class LineSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    sku_id: str
    product_id: str
    merchant_id: str
    quantity: int
    unit_price: Money
    category_flags: tuple[str, ...] = ()


class CheckoutQuote(msgspec.Struct, frozen=True, kw_only=True):
    """What payment methods, shipping and discount hooks see of a checkout being built."""

    customer_id: str | None
    currency: str
    lines: tuple[LineSnapshot, ...]
    subtotal: Money
    country: str | None = None
    region: str | None = None


class OrderDraft(msgspec.Struct, frozen=True, kw_only=True):
    """One merchant's part of a checkout, before it is written."""

    merchant_id: str
    currency: str
    lines: tuple[LineSnapshot, ...]
    subtotal: Money
    country: str | None = None
    region: str | None = None


PromotionKind = Literal["promotion", "coupon", "points", "bundle", "gift", "free_shipping"]


class Discount(msgspec.Struct, frozen=True, kw_only=True):
    """A discount a plugin grants on one merchant's order; amounts are summed, capped at the subtotal.

    The optional terms are recorded with the order so a refund can be explained and re-priced:
    ``sku_ids`` the lines it covers (none: every line), ``min_quantity`` the units a ``bundle``
    needs, ``gift_sku_id`` the SKU a ``gift`` makes free (``amount`` = its price).
    """

    code: str
    label: str
    amount: Money
    kind: PromotionKind = "promotion"
    sku_ids: tuple[str, ...] = ()
    min_quantity: int | None = None
    gift_sku_id: str | None = None


class OrderPromotion(msgspec.Struct, frozen=True, kw_only=True):
    """A discount as recorded on an order (after the cap), or ``free_shipping``: the fee waived because
    the subtotal reached ``threshold``."""

    code: str
    label: str
    kind: PromotionKind
    amount: Money
    sku_ids: tuple[str, ...] = ()
    min_quantity: int | None = None
    gift_sku_id: str | None = None
    threshold: int | None = None
    plugin: str | None = None


class Acknowledgement(msgspec.Struct, frozen=True, kw_only=True):
    """A confirmation the buyer must tick at checkout (never pre-ticked), e.g. that an item is not
    returnable without reason. ``sku_ids``: the lines it is about (none: the whole checkout)."""

    id: str
    text: str
    sku_ids: tuple[str, ...] = ()


class AcknowledgementRecord(msgspec.Struct, frozen=True, kw_only=True):
    """An acknowledgement the buyer ticked, kept with the order as evidence."""

    id: str
    text: str
    sku_ids: tuple[str, ...] = ()
    plugin: str | None = None
    accepted_at: datetime | None = None


class PaymentMethod(msgspec.Struct, frozen=True, kw_only=True):
    """A way to pay offered at checkout; ``provider`` is the payment provider id that takes it."""

    id: str
    label: str
    provider: str
    kind: Literal["online", "on_delivery"] = "online"


class OrderLineSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    """One line of an order as bought: SKU, product, quantity, unit price and the category flags then."""

    id: str
    sku_id: str
    product_id: str
    name: str
    sku_code: str
    quantity: int
    unit_price: Money
    refunded_quantity: int = 0
    #: ``licence:<kind>``, ``no_reason_return_excluded`` of the product's category at checkout
    category_flags: tuple[str, ...] = ()


class OrderSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    """An order: who, what state, how much, how paid, and (from ``services.order_snapshot``)
    its lines, destination and the time of each step.

    Hook arguments built inside a transition may leave ``lines`` empty and ``country`` unset;
    ``bazaar.sdk.services.order_snapshot`` always fills them.
    """

    id: str
    checkout_id: str
    merchant_id: str
    customer_id: str
    state: str
    total: Money
    payment_method: str
    payment_provider: str | None = None
    aftersales_open: bool = False
    lines: tuple[OrderLineSnapshot, ...] = ()
    #: ISO 3166-1 alpha-2 country and the region of the shipping address (never the street)
    country: str | None = None
    region: str | None = None
    refunded: Money | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    cancel_reason: str | None = None
    created_at: datetime | None = None
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    subtotal: Money | None = None
    shipping: Money | None = None
    discount: Money | None = None
    #: the discounts granted (with their terms) and any free shipping, as recorded at checkout
    promotions: tuple[OrderPromotion, ...] = ()
    #: what the buyer confirmed at checkout (``bazaar_collect_checkout_acknowledgements``)
    acknowledgements: tuple[AcknowledgementRecord, ...] = ()


class CheckoutSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    customer_id: str
    payment_method: str
    total: Money
    orders: tuple[OrderSnapshot, ...]
    idempotency_key: str | None = None


class PaymentStart(msgspec.Struct, frozen=True, kw_only=True):
    """What a payment provider answers when a checkout hands it the payment."""

    payment_id: str
    status: Literal["pending", "paid", "on_delivery"] = "pending"
    pay_url: str | None = None
    expires_at: datetime | None = None


class RefundRequest(msgspec.Struct, frozen=True, kw_only=True):
    order: OrderSnapshot
    amount: Money
    reason: str
    idempotency_key: str
    lines: tuple[tuple[str, int], ...] = ()


class RefundResult(msgspec.Struct, frozen=True, kw_only=True):
    refund_id: str
    status: Literal["pending", "succeeded", "failed"]
    amount: Money


class CompensationRequest(msgspec.Struct, frozen=True, kw_only=True):
    """Money paid to the buyer beyond the goods refund; ``payer`` bears it."""

    order: OrderSnapshot
    amount: Money
    payer: Literal["merchant", "platform"]
    reason: str
    idempotency_key: str


class CollectedPayment(msgspec.Struct, frozen=True, kw_only=True):
    """Cash a carrier collected on delivery and remitted to the licensed provider (net of ``fee``)."""

    order_id: str
    amount: Money
    fee: Money
    carrier: str
    waybill: str
    collected_at: datetime
    idempotency_key: str
    #: the order's parties, when the caller knows them (saves the recorder a look-up per order)
    merchant_id: str | None = None
    customer_id: str | None = None
    checkout_id: str | None = None


class UserSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    """A person as plugins may see them: id, display name, status and roles; no contact data.

    ``roles``: ``customer`` always, ``merchant`` when on a store's staff, ``operator`` for
    platform staff. Contact data only through ``services.user_contact`` (personal data).
    """

    id: str
    name: str
    status: str
    roles: tuple[str, ...]
    created_at: datetime


class UserContact(msgspec.Struct, frozen=True, kw_only=True):
    """A person's contact data (personal data: ask only for a stated purpose, never store it)."""

    id: str
    name: str
    email: str
    phone: str | None = None


class ShippingAddress(msgspec.Struct, frozen=True, kw_only=True):
    """An order's full shipping address (personal data: for booking a carrier, never shown or stored)."""

    name: str
    phone: str
    country: str
    region: str
    city: str
    line1: str
    line2: str | None = None
    postcode: str | None = None
