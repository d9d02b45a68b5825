"""Structs in and out of the checkout API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from bazaar.core.orders.schemas import Totals
from bazaar.sdk.fields import Code, Currency, Name, Note, Phone, PriceMinor
from bazaar.sdk.money import Money
from bazaar.sdk.states import Deadline
from bazaar.sdk.types import PaymentMethod

#: bounded so a huge number is refused at decoding; the real limit is ``checkout.max_quantity_per_line``
LineQuantity = Annotated[int, Meta(ge=-(2**31), le=2**31 - 1)]
AddressPart = Annotated[str, Meta(min_length=1, max_length=100)]
AddressLine = Annotated[str, Meta(min_length=1, max_length=200)]
Country = Annotated[str, Meta(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
Postcode = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$")]


class PriceSeen(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The unit price the customer was shown, in minor units."""

    amount: PriceMinor
    currency: Currency


class CheckoutLineIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    sku_id: Annotated[str, Meta(min_length=1, max_length=60)]
    quantity: LineQuantity
    unit_price: PriceSeen


class ShippingAddressIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Name
    phone: Phone
    country: Country
    region: AddressPart
    city: AddressPart
    line1: AddressLine
    line2: AddressLine | None = None
    postcode: Postcode | None = None


class CheckoutCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A purchase: lines at the prices seen, where to ship, how to pay."""

    lines: Annotated[list[CheckoutLineIn], Meta(min_length=1, max_length=500)]
    shipping_address: ShippingAddressIn
    payment_method: Code
    buyer_note: Note = ""
    #: ids of the acknowledgements the buyer ticked (``GET /checkout/acknowledgements``); never pre-ticked
    acknowledgements: Annotated[list[Annotated[str, Meta(min_length=1, max_length=200)]], Meta(max_length=100)] = []


class CheckoutOrderOut(msgspec.Struct, frozen=True, kw_only=True):
    """One merchant's order inside a checkout."""

    id: str
    merchant_id: str
    state: str
    totals: Totals
    #: what the customer may do with the order now (``cancel``, ``confirm_receipt``)
    allowed_actions: list[str] = []


class PaymentOut(msgspec.Struct, frozen=True, kw_only=True):
    provider: str | None
    method: str
    payment_id: str | None
    pay_url: str | None
    expires_at: datetime | None


class CheckoutOut(msgspec.Struct, frozen=True, kw_only=True):
    """A checkout: its status, totals (the sum of its orders), orders and how to pay."""

    id: str
    customer_id: str
    status: Literal["pending_payment", "paid", "placed", "cancelled"]
    #: the customer fires no checkout event (it settles from its orders): always empty today
    allowed_actions: list[str] = []
    #: ``pay_by`` while ``pending_payment``
    deadlines: list[Deadline] = []
    totals: Totals
    orders: list[CheckoutOrderOut]
    payment: PaymentOut
    buyer_note: str
    created_at: datetime


class PaymentMethodsOut(msgspec.Struct, frozen=True, kw_only=True):
    """The payment methods offered for these lines (``items`` sorted by id) and their subtotal."""

    items: list[PaymentMethod]
    subtotal: Money
    next_cursor: None = None
