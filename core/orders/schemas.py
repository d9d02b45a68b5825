"""Structs in and out of the orders API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from bazaar.sdk.events import CancelReason
from bazaar.sdk.fields import Reason
from bazaar.sdk.money import Money
from bazaar.sdk.states import Deadline
from bazaar.sdk.types import AcknowledgementRecord

Carrier = Annotated[str, Meta(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9._ -]*$")]
TrackingNumber = Annotated[str, Meta(min_length=3, max_length=100, pattern=r"^[A-Za-z0-9-]+$")]


class OrderCancel(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Reason


class AdminOrderCancel(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An operator's cancellation: the text, and why in one word (default ``operator_action``)."""

    reason: Reason
    cancel_reason: CancelReason = "operator_action"


class OrderShip(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    carrier: Carrier
    tracking_number: TrackingNumber


class Totals(msgspec.Struct, frozen=True, kw_only=True):
    """An order's or a checkout's money: every amount in minor units of one currency."""

    subtotal: Money
    shipping: Money
    discount: Money
    total: Money
    refunded: Money | None = None


class Address(msgspec.Struct, frozen=True, kw_only=True):
    """A shipping address as a reader may see it (masked for some readers)."""

    name: str
    phone: str
    country: str
    region: str
    city: str
    line1: str
    line2: str | None = None
    postcode: str | None = None
    masked: bool = False


class OrderLineOut(msgspec.Struct, frozen=True, kw_only=True):
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


class TransitionOut(msgspec.Struct, frozen=True, kw_only=True):
    """One line of an order's history."""

    from_state: str
    to_state: str
    event: str
    actor_id: str | None
    actor_kind: str
    plugin: str | None
    reason: str | None
    at: datetime


class OrderSummary(msgspec.Struct, frozen=True, kw_only=True):
    """An order in a list."""

    id: str
    checkout_id: str
    merchant_id: str
    customer_id: str
    state: str
    allowed_actions: list[str]
    total: Money
    item_count: int
    aftersales_open: bool
    created_at: datetime
    updated_at: datetime


class OrderOut(msgspec.Struct, frozen=True, kw_only=True):
    """An order in full: lines, totals, state, history, shipping address."""

    id: str
    checkout_id: str
    merchant_id: str
    customer_id: str
    state: str
    allowed_actions: list[str]
    deadlines: list[Deadline]
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
    #: what the buyer ticked at checkout (kept as evidence)
    acknowledgements: list[AcknowledgementRecord] = []
