"""Structs in and out of the after-sales API (inbound ones refuse unknown fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from bazaar.plugins.aftersales.breakdown import Breakdown
from bazaar.plugins.aftersales.eligibility import LineEligibility
from bazaar.sdk import states
from bazaar.sdk.money import Money

Id = Annotated[str, Meta(min_length=1, max_length=40)]
Text = Annotated[str, Meta(min_length=1, max_length=2000)]
Short = Annotated[str, Meta(min_length=1, max_length=120)]
Code = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
Waybill = Annotated[str, Meta(min_length=4, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]
Quantity = Annotated[int, Meta(ge=1, le=100_000)]
CaseType = Literal["refund_only", "return_refund", "exchange", "repair", "withdrawal"]
Party = Literal["customer", "merchant"]


class _In(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class LineIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    order_line_id: Id
    quantity: Quantity


class CaseCreate(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A buyer's request. ``ground``: ``no_reason`` or a fault (``defective``, ``not_as_described``,
    ``damaged_in_transit``, ``wrong_item``, ``missing_parts``), or ``not_received`` / ``not_shipped`` /
    ``missing_item`` for a refund only. ``refund_method`` with ``refund_consent`` for a cash-on-delivery
    order (the consumer chooses how the cash comes back)."""

    order_id: Id
    type: Literal["refund_only", "return_refund", "exchange", "repair"]
    ground: Code
    lines: Annotated[list[LineIn], Meta(min_length=1, max_length=100)]
    description: Annotated[str, Meta(max_length=2000)] = ""
    refund_method: Code | None = None
    refund_consent: bool = False


class ReasonIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Text


class InfoRequestIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Ask once, listing everything missing."""

    missing: Annotated[list[Short], Meta(min_length=1, max_length=20)]
    message: Annotated[str, Meta(max_length=2000)] = ""


class Address(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Short
    phone: Annotated[str, Meta(min_length=5, max_length=20, pattern=r"^\+?[0-9 ()-]{5,20}$")]
    country: Annotated[str, Meta(pattern=r"^[A-Z]{2}$")]
    region: Short
    city: Short
    line1: Annotated[str, Meta(min_length=1, max_length=200)]
    line2: Annotated[str, Meta(max_length=200)] | None = None


class AddressIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A return address for this case; none: the merchant's default (``PUT .../settings``)."""

    address: Address | None = None


class ShipmentIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The buyer's return parcel: carrier and waybill, and what the buyer paid for it."""

    carrier: Short
    waybill: Waybill
    shipping_cost: Money | None = None


class ReceiptLineIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    case_line_id: Id
    received_quantity: Annotated[int, Meta(ge=0, le=100_000)]
    disposition: Literal["restock", "damaged", "missing"]
    findings: Annotated[list[Code], Meta(max_length=10)] = []
    diminished_value: Money | None = None


class ReceiptIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What arrived, line by line: counted, inspected (``findings`` from ``intact_rules``), disposed of."""

    lines: Annotated[list[ReceiptLineIn], Meta(min_length=1, max_length=100)]
    note: Annotated[str, Meta(max_length=2000)] = ""


class EvidenceRequestIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    party: Party
    note: Text


class RulingIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The platform's ruling: ``refund`` (money now, the goods stay where they are), ``return`` (the
    merchant must take the goods back: the case goes on to the return address) or ``reject``; the
    refund (none: what the calculator gives for the case's lines), who pays return shipping and how
    much, and the reasoning both parties see."""

    outcome: Literal["refund", "return", "reject"]
    reasoning: Annotated[str, Meta(min_length=10, max_length=4000)]
    refund: Money | None = None
    return_shipping_payer: Literal["merchant", "consumer", "platform"] = "consumer"
    return_shipping: Money | None = None


class ShipIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A parcel the merchant sends (a replacement, a repaired item); with logistics it may be empty."""

    carrier: Short | None = None
    waybill: Waybill | None = None


class ChoiceIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    note: Annotated[str, Meta(max_length=2000)] = ""


class MessageIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``all``: every party; ``private``: only the platform and the author's side."""

    body: Text
    visibility: Literal["all", "private"] = "all"
    evidence_ids: Annotated[list[Id], Meta(max_length=9)] = []


class ProductRuleIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A merchant's declaration: an excluded kind (``no_reason.excluded``), a confirmable kind
    (``no_reason.confirmable``: the buyer ticks it at checkout), the goods class for inspection."""

    excluded_kind: Code | None = None
    confirmable_kind: Code | None = None
    intact_class: Code = "default"


class SettingsIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    return_address: Address


class WithdrawalIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Step one of the withdrawal function: the order and (optionally) which lines; none: all of it."""

    order_id: Id
    lines: Annotated[list[LineIn], Meta(max_length=100)] = []


# --- out --------------------------------------------------------------------------------------


class Deadline(states.Deadline, frozen=True, kw_only=True):
    """A running clock (the kernel's ``name`` and ``due_at``), who must act and what happens when it runs out."""

    actor: str
    on_expiry: str
    calendar_version: str = ""


class CaseLineOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    order_line_id: str
    sku_id: str
    quantity: int
    received_quantity: int | None = None
    disposition: str | None = None
    findings: list[str] = []
    refund: Money | None = None


class RulingOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    appeal: bool
    outcome: str
    refund: Money
    return_shipping_payer: str
    return_shipping: Money
    reasoning: str
    at: datetime
    executed_at: datetime | None = None


class HistoryOut(msgspec.Struct, frozen=True, kw_only=True):
    from_state: str
    to_state: str
    event: str
    actor: str
    note: str | None
    at: datetime


class CaseOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    order_id: str
    merchant_id: str
    customer_id: str
    type: str
    ground: str
    state: str
    outcome: str | None
    description: str
    lines: list[CaseLineOut]
    allowed_actions: list[str]
    deadlines: list[Deadline]
    overdue: bool
    info_request: str | None = None
    info_reply: str | None = None
    reject_reason: str | None = None
    return_address: dict[str, Any] | None = None
    return_parcel: dict[str, Any] | None = None
    replacement: dict[str, Any] | None = None
    repair_failures: int = 0
    escalation: dict[str, Any] | None = None
    rulings: list[RulingOut] = []
    refunded: Money | None = None
    compensated: Money | None = None
    breakdown: Breakdown | None = None
    penalty_exposure: bool | None = None
    requested_at: datetime | None = None
    received_at: datetime | None = None
    closed_at: datetime | None = None
    history: list[HistoryOut] = []


class CaseSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    order_id: str
    merchant_id: str
    type: str
    state: str
    outcome: str | None
    due_at: datetime | None
    clock: str | None
    overdue: bool
    penalty_exposure: bool
    requested_at: datetime


class OrderEligibility(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str
    window_start: datetime | None
    window_start_source: str | None
    calendar_version: str
    lines: list[LineEligibility]


class MessageOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    author: str
    visibility: str
    body: str
    evidence_ids: list[str]
    at: datetime


class EvidenceOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    party: str
    filename: str
    content_type: str
    size: int
    sha256: str
    at: datetime


class StatsOut(msgspec.Struct, frozen=True, kw_only=True):
    """After-sales quality of a merchant (these feed the credit rating through ``aftersales.case_closed``)."""

    merchant_id: str
    delivered_orders: int
    cases: int
    open_cases: int
    returns_refunded: int
    return_rate_bps: int
    refunded: Money | None
    median_hours_to_refund: float | None
    auto_accepted: int
    rulings: int
    rulings_against: int
    deadlines_missed: int


class WithdrawalOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    order_id: str
    status: str
    lines: list[dict[str, Any]]
    created_at: datetime
    confirmed_at: datetime | None = None
    case_id: str | None = None
    #: the text the buyer confirms (step two), and after confirmation where to download the acknowledgement
    statement: str = ""
    acknowledgement_url: str | None = None
    allowed_actions: list[str] = []


class ProductRuleOut(msgspec.Struct, frozen=True, kw_only=True):
    product_id: str
    merchant_id: str
    excluded_kind: str | None
    confirmable_kind: str | None
    intact_class: str
