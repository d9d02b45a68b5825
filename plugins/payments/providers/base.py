"""The provider adapter interface: what the payments plugins ask of a payment provider.

One adapter per provider, one module each (``sandbox``, and e.g. ``alipay``,
``wechatpay``, ``stripe_connect``). Every call that moves money carries ``ref``: our
instruction id, sent as the provider's idempotency key, so a retried call never moves
money twice. Calls return an :class:`Ack` (accepted, not yet done): money moves in our
ledger only when the provider's signed notification confirms it.

Adapters are called outside database transactions (from ``@outside_transaction`` timers
and routes), and raise :class:`~bazaar.sdk.errors.ProviderError` on failure (the timer
retries with backoff).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Protocol

import msgspec

NoticeType = Literal[
    "payment.succeeded",
    "payment.failed",
    "payment.closed",
    "release.succeeded",
    "release.failed",
    "refund.succeeded",
    "refund.failed",
    "payout.succeeded",
    "payout.failed",
    "compensate.succeeded",
    "compensate.failed",
]


class Split(msgspec.Struct, frozen=True, kw_only=True):
    """One part of a payment: which order (split key), how much, whose settlement account."""

    key: str
    amount: int
    account_ref: str | None = None


class CreatePayment(msgspec.Struct, frozen=True, kw_only=True):
    ref: str
    currency: str
    amount: int
    #: ``hold``: funds stay in the provider's custody until released (escrow);
    #: ``capture``: funds settle to each split's merchant account at once (instant)
    mode: Literal["hold", "capture"]
    splits: tuple[Split, ...]
    notify_url: str
    description: str = ""
    commission_bps: int = 0


class Ack(msgspec.Struct, frozen=True, kw_only=True):
    """The provider accepted an instruction; the outcome comes by notification."""

    provider_ref: str
    pay_url: str | None = None


class PaymentStatus(msgspec.Struct, frozen=True, kw_only=True):
    provider_ref: str
    status: Literal["created", "succeeded", "declined", "closed"]
    amount: int
    currency: str


class Notice(msgspec.Struct, frozen=True, kw_only=True):
    """A verified, parsed notification."""

    id: str
    type: NoticeType
    payment_ref: str | None = None
    instruction_ref: str | None = None
    amount: int = 0
    currency: str = ""
    occurred_at: datetime | None = None


class StatementLine(msgspec.Struct, frozen=True, kw_only=True):
    """One movement on the provider's statement, keyed by our ref (payment or instruction id)."""

    ref: str
    type: Literal["payment", "release", "commission", "refund", "payout", "compensation"]
    amount: int
    currency: str
    at: datetime
    split_key: str | None = None


class BadNotification(Exception):
    """A notification failed verification; ``code`` says why (bad_signature, stale, malformed)."""

    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        super().__init__(detail)


class AlreadyPaid(Exception):
    """The provider refuses to close a payment the buyer has already paid (Alipay
    ``ACQ.TRADE_STATUS_ERROR``, WeChat Pay ``ORDERPAID``, Stripe: a succeeded intent cannot be
    cancelled). Final: retrying cannot help; the payment's own notice brings the money."""


class ProviderAdapter(Protocol):
    """A payment provider as the payments plugins use it."""

    id: str

    async def create_payment(self, request: CreatePayment) -> Ack:
        """Create a payment (hold or capture) for a checkout; ``Ack.pay_url`` is its hosted page."""
        ...

    async def query_payment(self, provider_ref: str) -> PaymentStatus:
        """The payment's state at the provider."""
        ...

    async def close_payment(self, ref: str, provider_ref: str) -> Ack:
        """Close an unpaid (or declined) payment: timeout, cancelled checkout; its ``payment.closed``
        notice confirms. Raises :class:`AlreadyPaid` when the buyer paid first."""
        ...

    async def release(
        self, ref: str, provider_ref: str, split_key: str, currency: str, merchant_amount: int,
        commission: int, account_ref: str,
    ) -> Ack:
        """Settle a held split: ``merchant_amount`` to the merchant, ``commission`` to the platform."""
        ...

    async def refund(
        self, ref: str, provider_ref: str, split_key: str, currency: str, amount: int,
        source: Literal["hold", "merchant", "suspense"], account_ref: str | None,
    ) -> Ack:
        """Refund to the original method, from the hold or (after release) the merchant account."""
        ...

    async def payout(self, ref: str, account_ref: str, currency: str, amount: int) -> Ack:
        """Pay a merchant account's balance out to its verified bank account."""
        ...

    async def compensate(self, ref: str, provider_ref: str, split_key: str, currency: str, amount: int,
                         payer: Literal["merchant", "platform"], account_ref: str | None) -> Ack:
        """Pay the buyer of the payment ``amount`` beyond the goods, from the merchant's account or the platform's."""
        ...

    async def register_account(self, owner_ref: str, holder_name: str, bank_account: str) -> str:
        """Open (or find) the merchant's settlement account; answers its verified ref."""
        ...

    def verify(self, headers: dict[str, str], body: bytes, now: datetime) -> Notice:
        """Check the signature and freshness of a notification and parse it (raises BadNotification)."""
        ...

    async def statement(self, since: datetime, until: datetime) -> list[StatementLine]:
        """Every movement in ``[since, until)``."""
        ...


def decode_detail(value: Any) -> dict[str, Any]:
    """A JSON column as a dict (SQLite answers text, PostgreSQL may too)."""
    if isinstance(value, str | bytes):
        return msgspec.json.decode(value) if value else {}
    return dict(value or {})
