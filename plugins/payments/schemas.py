"""Structs in and out of the payments API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from bazaar.sdk.states import Deadline

Tz = Annotated[datetime, Meta(tz=True)]
Amount = Annotated[int, Meta(ge=1, le=10**12)]


class _In(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class RefundCreate(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    amount: Amount
    currency: Annotated[str, Meta(pattern="^[A-Z]{3}$")]
    reason: Annotated[str, Meta(min_length=1, max_length=500)]


class SettlementAccountIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    holder_name: Annotated[str, Meta(min_length=1, max_length=100)]
    bank_account: Annotated[str, Meta(pattern=r"^[0-9]{8,34}$")]


class Resolution(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    action: Literal["refund", "dismiss"]
    note: Annotated[str, Meta(min_length=1, max_length=1000)]


class ReconciliationIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    period_from: Tz | None = None
    period_to: Tz | None = None


class SandboxApprove(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Approve on the sandbox page; ``amount``/``currency`` simulate a provider-side mismatch."""

    amount: Annotated[int, Meta(ge=0, le=10**12)] | None = None
    currency: Annotated[str, Meta(pattern="^[A-Z]{3}$")] | None = None


class Money(msgspec.Struct, frozen=True, kw_only=True):
    amount: int
    currency: str


class OrderPaymentOut(msgspec.Struct, frozen=True, kw_only=True):
    """An order's money (``payments.order_money``): what was paid, held, released, refunded."""

    order_id: str
    payment_id: str
    merchant_id: str
    state: str
    allowed_actions: list[str]
    #: ``auto_confirm`` while the receipt clock runs (not paused by an after-sales case)
    deadlines: list[Deadline]
    amount: Money
    paid: int
    held: int
    released: int
    refunded: int
    commission: int
    shipped_at: Tz | None = None
    confirm_due_at: Tz | None = None
    extensions: int = 0
    paused: bool = False


class PaymentOut(msgspec.Struct, frozen=True, kw_only=True):
    """One payment of a checkout (``payments.payment``) and the money of each of its orders."""

    id: str
    checkout_id: str
    plugin: str
    provider: str
    state: str
    allowed_actions: list[str]
    #: ``pay_by`` while the payer may still pay
    deadlines: list[Deadline]
    amount: Money
    pay_url: str
    review_reason: str | None = None
    received: Money | None = None
    created_at: Tz
    expires_at: Tz | None = None
    paid_at: Tz | None = None
    resolution: str | None = None
    orders: list[OrderPaymentOut] = []


class BalanceOut(msgspec.Struct, frozen=True, kw_only=True):
    merchant_id: str
    currency: str
    held: int
    payable: int
    paid_out: int
    debt: int
    payouts_in_flight: int
    settlement_account: dict[str, Any] | None = None


class LedgerLine(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    entry_id: str
    kind: str
    account: str
    owner: str
    order_id: str | None
    amount: int
    currency: str
    instruction_id: str | None
    notification_id: str | None
    memo: str
    created_at: Tz


class InstructionOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: str
    status: str
    allowed_actions: list[str]
    amount: Money
    order_id: str | None = None
    merchant_id: str | None = None
    detail: dict[str, Any] = {}
    reason: str | None = None
    error: str | None = None
    created_at: Tz
    finished_at: Tz | None = None


class OrderLedgerOut(msgspec.Struct, frozen=True, kw_only=True):
    order: OrderPaymentOut
    lines: list[LedgerLine]
    instructions: list[InstructionOut]


class ReconciliationOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    provider: str
    period_from: Tz
    period_to: Tz
    matched: int
    mismatches: list[dict[str, Any]]
    created_at: Tz


class PayoutRun(msgspec.Struct, frozen=True, kw_only=True):
    payouts: list[dict[str, Any]]


class NotifyAck(msgspec.Struct, frozen=True, kw_only=True):
    outcome: str


class SettlementAccountOut(msgspec.Struct, frozen=True, kw_only=True):
    merchant_id: str
    provider: str
    holder_name: str
    account_last4: str
    verified: bool
