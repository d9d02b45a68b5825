"""Domain events: one frozen, tagged msgspec Struct per fact (``bazaar.sdk.events``).

Emit with ``await rt.emit(OrderShipped(order_id=..., ...))`` inside a unit of work: the
kernel stamps ``id`` and ``occurred_at``, writes the event to the outbox in the same
transaction and, after commit, hands the *decoded Struct* to every subscribing plugin's
``bazaar_handle_event(event, ctx)`` and to matching webhooks. Delivery is at least once:
handlers dedupe by ``event.id``.

Each class's tag is its type (``order.shipped``); ``Plugin.subscribes`` takes type globs
(``"order.*"``). The core's events are defined here; a plugin defines its own in its
``events.py`` and lists them on ``Plugin(events=...)``, so ``docs/events.md`` (generated,
tested current) covers every event with its emitter and subscribers. A plugin never
imports another plugin's events: an event whose class is not loaded reaches a subscriber
as :class:`UnknownEvent` (type and raw ``data``); :func:`event_data` reads either.

**Evolution rule**: events already in the outbox must still decode. Only ever *add*
fields, and every added field has a default. Never rename, remove or retype a field;
a new meaning is a new event type.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

import msgspec
from msgspec import Meta

from bazaar.sdk.money import Money

ActorKind = Literal["customer", "merchant", "operator", "service", "system", "plugin"]

#: the id fields every event about that object carries
OrderId = Annotated[str, Meta(description="the order (``ord_...``)")]
CheckoutId = Annotated[str, Meta(description="the checkout that placed the order (``chk_...``)")]
MerchantId = Annotated[str, Meta(description="the store (``mch_...``)")]
CustomerId = Annotated[str, Meta(description="the buyer's user id (``usr_...``)")]
ProductId = Annotated[str, Meta(description="the product / listing (``prd_...``)")]
UserId = Annotated[str, Meta(description="a user id (``usr_...``)")]
At = Annotated[datetime, Meta(tz=True)]


class By(msgspec.Struct, frozen=True, kw_only=True):
    """Who caused a change: a person (``kind`` + ``id``), a plugin (``plugin``) or the system."""

    kind: ActorKind
    id: str | None = None
    plugin: str | None = None


SYSTEM = By(kind="system")


class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every domain event. ``id`` and ``occurred_at`` are stamped by the kernel at emit.

    Subclasses set ``tag="<noun>.<verb>"`` and ``subject_field`` (the field naming what the
    event is about, used as the outbox subject).
    """

    id: str = ""
    occurred_at: At | None = None

    subject_field: ClassVar[str | None] = None

    @classmethod
    def event_type(cls) -> str:
        """The tag, e.g. ``"order.shipped"``."""
        tag = cls.__struct_config__.tag
        if not isinstance(tag, str):
            raise TypeError(f"{cls.__name__} has no tag")
        return tag

    @property
    def type(self) -> str:
        return self.event_type()

    @property
    def subject(self) -> str | None:
        return getattr(self, self.subject_field) if self.subject_field else None


class UnknownEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An outbox event whose class is not loaded (its plugin is absent or disabled): raw fields only."""

    id: str
    type: str
    occurred_at: datetime | None
    subject: str | None = None
    data: dict[str, Any] = {}


#: what ``bazaar_handle_event`` receives
AnyEvent = Event | UnknownEvent


#: what a tag looks like: ``<noun>.<verb>`` in lower case (``order.shipped``, ``payments.refund_settled``)
TAG_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


def check_event_class(cls: object) -> str | None:
    """Why ``cls`` cannot be listed on ``Plugin(events=...)``, or ``None`` when it can."""
    if not (isinstance(cls, type) and issubclass(cls, Event)) or cls is Event:
        return f"{cls!r} is not a subclass of bazaar.sdk.events.Event"
    tag = cls.__struct_config__.tag
    if not isinstance(tag, str) or not TAG_PATTERN.match(tag):
        return f"{cls.__qualname__} needs tag=\"<noun>.<verb>\" (has {tag!r})"
    if not (cls.__dict__.get("__doc__") or "").strip():
        return f"{cls.__qualname__} needs a docstring saying what happened"
    if cls.subject_field is not None and cls.subject_field not in cls.__struct_fields__:
        return f"{cls.__qualname__}.subject_field names no field: {cls.subject_field!r}"
    return None


def event_classes() -> dict[str, type[Event]]:
    """Every event class defined so far (core and imported plugins), by type."""
    found: dict[str, type[Event]] = {}
    stack: list[type[Event]] = list(Event.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        tag = cls.__struct_config__.tag
        if isinstance(tag, str) and not cls.__name__.startswith("_"):
            other = found.get(tag)
            if other is not None and other is not cls:
                raise TypeError(f"event type {tag!r} is defined twice: {other.__qualname__}, {cls.__qualname__}")
            found[tag] = cls
    return found


def decode_event(type: str, data: dict[str, Any], *, id: str, occurred_at: datetime | None,
                 subject: str | None = None) -> Event | UnknownEvent:
    """An outbox row back into its typed Struct (unknown fields of newer writers are ignored).

    Rows written before typed events (v1) are brought to today's shape first
    (:mod:`bazaar.sdk.event_upgrades`); a type with no loaded class stays an :class:`UnknownEvent`.
    """
    from bazaar.sdk.event_upgrades import upgrade

    type, data = upgrade(type, data, occurred_at)
    cls = event_classes().get(type)
    if cls is None:
        return UnknownEvent(id=id, type=type, occurred_at=occurred_at, subject=subject, data=data)
    return msgspec.convert({**data, "type": type, "id": id, "occurred_at": occurred_at}, cls)


def event_data(event: Event | UnknownEvent) -> dict[str, Any]:
    """The event's own fields (without type, id, occurred_at), as JSON-ready builtins.

    Works on an :class:`UnknownEvent` too (its ``data``), so a subscriber can read another
    plugin's event by field name without importing its class.
    """
    if isinstance(event, UnknownEvent):
        return dict(event.data)
    data = msgspec.to_builtins(event)
    for key in ("type", "id", "occurred_at"):
        data.pop(key, None)
    return data


# --- users ---------------------------------------------------------------------------------


class UserRegistered(Event, frozen=True, kw_only=True, tag="user.registered"):
    """A person created an account."""

    user_id: UserId
    subject_field = "user_id"


# --- merchants -----------------------------------------------------------------------------

MerchantStatusName = Literal["pending", "active", "restricted", "suspended", "closed"]
MerchantEventName = Literal["activate", "restrict", "suspend", "restore", "close"]


class MerchantApplied(Event, frozen=True, kw_only=True, tag="merchant.applied"):
    """A user applied to open a store (status ``pending``) and became its owner."""

    merchant_id: MerchantId
    owner_id: UserId
    subject_field = "merchant_id"


class MerchantStatusChanged(Event, frozen=True, kw_only=True, tag="merchant.status_changed"):
    """A store's status changed (``from_status`` -> ``to_status``), with who (``by``) and why (``reason``)."""

    merchant_id: MerchantId
    from_status: MerchantStatusName
    to_status: MerchantStatusName
    reason: str | None = None
    by: By = SYSTEM
    event: Annotated[
        MerchantEventName | None, Meta(description="the move of the merchant machine (absent in rows written before v1)")
    ] = None
    subject_field = "merchant_id"


class MerchantStaffInvited(Event, frozen=True, kw_only=True, tag="merchant.staff_invited"):
    """A store invited a person (by e-mail) to its staff; notifiers deliver the invitation."""

    merchant_id: MerchantId
    invitation_id: str
    email: str
    subject_field = "merchant_id"


# --- catalogue -----------------------------------------------------------------------------

ListingStatusName = Literal["draft", "in_review", "live", "rejected", "delisted"]
ListingEventName = Literal["submit", "revise", "approve", "reject", "edit", "delist", "take_down", "reinstate"]


class ProductCreated(Event, frozen=True, kw_only=True, tag="product.created"):
    """A merchant created a product (a draft listing)."""

    product_id: ProductId
    merchant_id: MerchantId
    subject_field = "product_id"


class ListingReason(msgspec.Struct, frozen=True, kw_only=True):
    """One reason given for a listing move: the field concerned, the text, the outcome, who gave it."""

    field: str
    reason: str
    outcome: str
    plugin: str | None = None


class ListingStatusChanged(Event, frozen=True, kw_only=True, tag="product.status_changed"):
    """A listing moved by ``event`` (``submit``, ``approve``, ``reject``, ``take_down``, ...), with every reason."""

    product_id: ProductId
    merchant_id: MerchantId
    from_status: ListingStatusName
    to_status: ListingStatusName
    event: ListingEventName
    reasons: tuple[ListingReason, ...] = ()
    by: By = SYSTEM
    subject_field = "product_id"


class SkuPriceChanged(Event, frozen=True, kw_only=True, tag="sku.price_changed"):
    """A SKU's price changed (minor units, in the marketplace currency)."""

    sku_id: str
    product_id: ProductId
    from_minor: int
    to_minor: int
    by: By = SYSTEM
    subject_field = "product_id"


# --- checkout ------------------------------------------------------------------------------

CheckoutOutcome = Literal["paid", "placed", "expired", "cancelled"]


class CheckoutCreated(Event, frozen=True, kw_only=True, tag="checkout.created"):
    """A checkout was placed: one order per merchant under one payment (``order.created`` follows per order)."""

    checkout_id: CheckoutId
    customer_id: CustomerId
    order_ids: tuple[str, ...]
    total: Annotated[Money | None, Meta(description="the amount to pay (absent only in rows written before v1)")] = None
    payment_method: str | None = None
    subject_field = "checkout_id"


class CheckoutSettled(Event, frozen=True, kw_only=True, tag="checkout.settled"):
    """No order of the checkout waits for payment any more: ``paid``, ``placed`` (pay on delivery),
    ``expired`` (the payment window ran out) or ``cancelled``."""

    checkout_id: CheckoutId
    customer_id: CustomerId
    outcome: CheckoutOutcome
    subject_field = "checkout_id"


# --- orders --------------------------------------------------------------------------------

OrderStateName = Literal["pending_payment", "paid", "placed", "shipped", "delivered", "completed", "cancelled"]
CancelReason = Literal[
    "customer_request",  # the buyer cancelled before shipment
    "merchant_request",  # the store cancelled (out of stock, cannot serve the address)
    "operator_action",  # platform staff cancelled
    "unpaid_timeout",  # the checkout's payment window ran out
    "late_shipment",  # the buyer cancelled an order not shipped by its ship-by deadline
    "payment_failed",  # the provider refused or closed the payment
    "delivery_refused",  # a pay-on-delivery parcel was refused
    "other",
]
#: cancellations the merchant caused (the credit rating counts these against it)
MERCHANT_CAUSED: frozenset[str] = frozenset({"merchant_request", "late_shipment"})


class OrderCreated(Event, frozen=True, kw_only=True, tag="order.created"):
    """An order was written (state ``pending_payment``)."""

    order_id: OrderId
    checkout_id: CheckoutId
    merchant_id: MerchantId
    customer_id: CustomerId
    total: Money
    subject_field = "order_id"


class _OrderMoved(Event, frozen=True, kw_only=True):
    order_id: OrderId
    checkout_id: CheckoutId
    merchant_id: MerchantId
    customer_id: CustomerId
    from_state: OrderStateName
    by: By = SYSTEM
    reason: Annotated[str | None, Meta(description="free text given with the change")] = None
    subject_field = "order_id"


class OrderPaid(_OrderMoved, frozen=True, kw_only=True, tag="order.paid"):
    """The provider confirmed payment; ``paid_at`` starts ship-by clocks."""

    paid_at: At


class OrderPlaced(_OrderMoved, frozen=True, kw_only=True, tag="order.placed"):
    """A pay-on-delivery order was accepted without online payment; ``placed_at`` starts ship-by clocks."""

    placed_at: At


class OrderShipped(_OrderMoved, frozen=True, kw_only=True, tag="order.shipped"):
    """The order left the merchant (first hand-over). ``on_time`` is ``None`` when no ship-by applied."""

    shipped_at: At
    ship_by: At | None = None
    on_time: bool | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    shipping_method: Annotated[
        Literal["express", "postal", "virtual"] | None, Meta(description="picks the receipt window (default express)")
    ] = None


class OrderDelivered(_OrderMoved, frozen=True, kw_only=True, tag="order.delivered"):
    """Every parcel was delivered with a proof that counts (``delivered_at`` starts return windows)."""

    delivered_at: At
    proof: Annotated[str | None, Meta(description="what proves the delivery (e.g. ``signed``)")] = None


class OrderCompleted(_OrderMoved, frozen=True, kw_only=True, tag="order.completed"):
    """Receipt confirmed by the buyer (``auto`` false) or by the receipt clock (``auto`` true)."""

    completed_at: At
    auto: bool = False


class OrderCancelled(_OrderMoved, frozen=True, kw_only=True, tag="order.cancelled"):
    """The order was cancelled: who (``by``) and why (``cancel_reason``, plus free text ``reason``).

    ``refunded`` is what the cancellation refunded of a paid order (``None``: nothing was paid).
    """

    cancelled_at: At
    cancel_reason: CancelReason = "other"
    refunded: Money | None = None


class OrderAftersalesOpened(Event, frozen=True, kw_only=True, tag="order.aftersales_opened"):
    """An after-sales case opened on the order: payments pause auto-confirm and release."""

    order_id: OrderId
    merchant_id: MerchantId
    plugin: Annotated[str | None, Meta(description="the plugin that owns the case")] = None
    case_id: str | None = None
    subject_field = "order_id"


class OrderAftersalesClosed(Event, frozen=True, kw_only=True, tag="order.aftersales_closed"):
    """The last open after-sales case of the order closed: payments resume."""

    order_id: OrderId
    merchant_id: MerchantId
    plugin: Annotated[str | None, Meta(description="the plugin that owns the case")] = None
    case_id: str | None = None
    subject_field = "order_id"


__all__ = [
    "MERCHANT_CAUSED",
    "SYSTEM",
    "AnyEvent",
    "By",
    "CancelReason",
    "CheckoutCreated",
    "CheckoutSettled",
    "Event",
    "ListingReason",
    "ListingStatusChanged",
    "MerchantApplied",
    "MerchantStaffInvited",
    "MerchantStatusChanged",
    "OrderAftersalesClosed",
    "OrderAftersalesOpened",
    "OrderCancelled",
    "OrderCompleted",
    "OrderCreated",
    "OrderDelivered",
    "OrderPaid",
    "OrderPlaced",
    "OrderShipped",
    "ProductCreated",
    "SkuPriceChanged",
    "UnknownEvent",
    "UserRegistered",
    "check_event_class",
    "decode_event",
    "event_classes",
    "event_data",
]
