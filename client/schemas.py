"""The API's request and response shapes, as the client sees them (no server code).

These mirror the server's Structs field for field (``tests/contract/test_client_schemas.py``
checks it); they validate nothing the server does not, and ignore fields they do not know,
so a newer server (which only ever adds fields) still decodes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Generic, Literal, TypeVar

import msgspec

T = TypeVar("T")


class _Out(msgspec.Struct, frozen=True, kw_only=True):
    """Base of the decoded answers (frozen; unknown fields ignored)."""


class _In(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Base of the request bodies."""


class Money(_Out, frozen=True, kw_only=True):
    """An amount in minor units (fen, cents) and its currency."""

    amount: int
    currency: str


class Deadline(_Out, frozen=True, kw_only=True):
    """Something that falls due in the current state (``pay_by``, ``auto_confirm``, ``ship_by``)."""

    name: str
    due_at: datetime


class Page(_Out, Generic[T], frozen=True, kw_only=True):
    """One page of a list; pass ``next_cursor`` back as ``cursor`` for the next."""

    items: list[T]
    next_cursor: str | None = None


# --- accounts ----------------------------------------------------------------------------


class TokenOut(_Out, frozen=True, kw_only=True):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MerchantRole(_Out, frozen=True, kw_only=True):
    id: str
    role: str


class UserOut(_Out, frozen=True, kw_only=True):
    id: str
    email: str
    name: str
    roles: list[str]
    merchants: list[MerchantRole] = []
    phone: str | None = None
    created_at: datetime | None = None


# --- storefront --------------------------------------------------------------------------


class CategoryOut(_Out, frozen=True, kw_only=True):
    id: str
    parent_id: str | None
    name: str
    slug: str
    path: list[str]
    depth: int
    position: int
    licence_kind: str | None
    no_reason_return_excluded: bool


class MerchantBrief(_Out, frozen=True, kw_only=True):
    id: str
    name: str
    status: str
    badges: list[str] = []


class CategoryCrumb(_Out, frozen=True, kw_only=True):
    id: str
    name: str
    slug: str


class Variant(_Out, frozen=True, kw_only=True):
    """A buyable SKU: its price and availability (``in_stock``, ``low``, ``out``)."""

    id: str
    code: str
    price: Money
    attributes: dict[str, str]
    availability: str
    available: int | None = None


class ProductCard(_Out, frozen=True, kw_only=True):
    id: str
    name: str
    merchant: MerchantBrief
    category_id: str | None
    image_url: str | None
    price_min: Money
    price_max: Money
    in_stock: bool
    created_at: datetime
    score: float | None = None


class ProductDetail(_Out, frozen=True, kw_only=True):
    id: str
    name: str
    description: str
    merchant: MerchantBrief
    category_id: str | None
    categories: list[CategoryCrumb]
    image_urls: list[str]
    attributes: dict[str, str]
    price_min: Money
    price_max: Money
    in_stock: bool
    variants: list[Variant]
    published_at: datetime | None
    created_at: datetime


# --- buying ------------------------------------------------------------------------------


class PriceSeen(_In, frozen=True, kw_only=True):
    """The unit price the customer was shown (the server refuses a stale one)."""

    amount: int
    currency: str


class CheckoutLineIn(_In, frozen=True, kw_only=True):
    sku_id: str
    quantity: int
    unit_price: PriceSeen


class ShippingAddressIn(_In, frozen=True, kw_only=True):
    name: str
    phone: str
    country: str
    region: str
    city: str
    line1: str
    line2: str | None = None
    postcode: str | None = None


class CheckoutCreate(_In, frozen=True, kw_only=True):
    lines: list[CheckoutLineIn]
    shipping_address: ShippingAddressIn
    payment_method: str
    buyer_note: str = ""
    #: ids of the acknowledgements the buyer ticked (``GET /checkout/acknowledgements``); never pre-ticked
    acknowledgements: list[str] = []


class PaymentMethod(_Out, frozen=True, kw_only=True):
    id: str
    label: str
    provider: str
    kind: Literal["online", "on_delivery"] = "online"


class PaymentMethodsOut(_Out, frozen=True, kw_only=True):
    items: list[PaymentMethod]
    subtotal: Money


class Totals(_Out, frozen=True, kw_only=True):
    subtotal: Money
    shipping: Money
    discount: Money
    total: Money
    refunded: Money | None = None


class CheckoutOrderOut(_Out, frozen=True, kw_only=True):
    id: str
    merchant_id: str
    state: str
    totals: Totals
    allowed_actions: list[str] = []


class PaymentOut(_Out, frozen=True, kw_only=True):
    """How to pay: follow ``pay_url`` (``None`` when nothing is due now)."""

    provider: str | None
    method: str
    payment_id: str | None
    pay_url: str | None
    expires_at: datetime | None


class CheckoutOut(_Out, frozen=True, kw_only=True):
    id: str
    customer_id: str
    status: str
    totals: Totals
    orders: list[CheckoutOrderOut]
    payment: PaymentOut
    buyer_note: str
    created_at: datetime
    allowed_actions: list[str] = []
    deadlines: list[Deadline] = []


# --- orders ------------------------------------------------------------------------------


class OrderSummary(_Out, frozen=True, kw_only=True):
    id: str
    checkout_id: str
    merchant_id: str
    customer_id: str
    state: str
    total: Money
    item_count: int
    aftersales_open: bool
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[str] = []


class OrderLineOut(_Out, frozen=True, kw_only=True):
    id: str
    product_id: str
    sku_id: str
    name: str
    sku_code: str
    attributes: dict[str, str]
    quantity: int
    unit_price: Money
    line_total: Money
    refunded_quantity: int = 0


class Address(_Out, frozen=True, kw_only=True):
    name: str
    phone: str
    country: str
    region: str
    city: str
    line1: str
    line2: str | None = None
    postcode: str | None = None
    masked: bool = False


class TransitionOut(_Out, frozen=True, kw_only=True):
    from_state: str
    to_state: str
    event: str
    actor_id: str | None
    actor_kind: str
    plugin: str | None
    reason: str | None
    at: datetime


class AcknowledgementRecord(_Out, frozen=True, kw_only=True):
    """An acknowledgement the buyer ticked at checkout, kept with the order as evidence."""

    id: str
    text: str
    sku_ids: list[str] = []
    plugin: str | None = None
    accepted_at: datetime | None = None


class OrderOut(_Out, frozen=True, kw_only=True):
    """An order in full; ``allowed_actions`` are what the caller may do with it now, ``deadlines``
    what falls due in its state."""

    id: str
    checkout_id: str
    merchant_id: str
    customer_id: str
    state: str
    totals: Totals
    payment_method: str
    payment_provider: str | None
    aftersales_open: bool
    lines: list[OrderLineOut]
    shipping_address: Address | None
    buyer_note: str
    carrier: str | None
    tracking_number: str | None
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    history: list[TransitionOut]
    allowed_actions: list[str] = []
    deadlines: list[Deadline] = []
    acknowledgements: list[AcknowledgementRecord] = []
