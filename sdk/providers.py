"""Provider interfaces: objects a plugin registers (``bazaar_register_providers``) and the core calls by id.

The core keeps the provider id on the row it concerns (an order's ``payment_provider``)
and calls that provider directly: directed dispatch, never a broadcast hook.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Protocol, runtime_checkable

from bazaar.sdk.carriers import Push, Waybill, WaybillRequest
from bazaar.sdk.types import (
    CheckoutSnapshot,
    CollectedPayment,
    CompensationRequest,
    HookContext,
    PaymentStart,
    RefundRequest,
    RefundResult,
)


@runtime_checkable
class PaymentProvider(Protocol):
    """Takes payment for checkouts and refunds orders (the payments plugins register these).

    ``start_payment`` and ``refund`` run inside the core's transaction: they record
    instructions in their own tables; calls to the outside world happen after commit.
    """

    kind: ClassVar[str]  # "payment"
    id: str

    async def start_payment(self, ctx: HookContext, checkout: CheckoutSnapshot) -> PaymentStart:
        """Begin payment for a checkout (all its orders); return how the customer pays."""
        ...

    async def refund(self, ctx: HookContext, request: RefundRequest) -> RefundResult:
        """Refund (part of) an order to the original method; idempotent by ``request.idempotency_key``."""
        ...

    async def cancel_payment(self, ctx: HookContext, checkout: CheckoutSnapshot, reason: str) -> None:
        """An unpaid checkout was cancelled (timeout or by the customer): void the pending payment."""
        ...

    async def compensate(self, ctx: HookContext, request: CompensationRequest) -> RefundResult:
        """Pay the buyer of ``request.order`` an amount beyond the goods refund (late-shipment
        compensation, return shipping a ruling put on the merchant, a complaint remedy),
        charged to ``request.payer`` (``merchant``: from their balance, then debt;
        ``platform``: from the platform's account). Idempotent by ``request.idempotency_key``."""
        ...


@runtime_checkable
class CollectionRecorder(Protocol):
    """Implemented by payment providers that can take money collected outside them (cash on delivery)."""

    async def record_collection(self, ctx: HookContext, collection: CollectedPayment) -> str:
        """A carrier collected cash for ``collection.order_id`` and remitted it to the licensed
        provider: enter it in the ledger (then the normal hold / release / payout flow follows).
        Idempotent by ``collection.idempotency_key``; returns the ledger reference."""
        ...

    async def record_collections(self, ctx: HookContext, collections: tuple[CollectedPayment, ...]) -> list[str]:
        """The same for many collections at once (a remittance file): one set of multi-row
        statements instead of a round trip per line. Returns the ledger references in order."""
        ...


class FulfilmentProvider(Protocol):
    """What the logistics plugin offers other plugins (``rt.provider("fulfilment", "logistics")``)."""

    kind: ClassVar[str]  # "fulfilment"
    id: str

    async def intercept(self, ctx: HookContext, order_id: str, *, reason: str, case_id: str | None = None) -> str:
        """Ask the carrier to stop every parcel of the order in transit and return it; returns the
        interception id. The carrier's answer arrives later as ``shipment.intercepted`` /
        ``shipment.intercept_failed`` events. ``404`` when nothing of the order is in transit."""
        ...

    async def track_return(self, ctx: HookContext, *, case_id: str, order_id: str, carrier: str, waybill: str) -> str:
        """Register the buyer's return parcel so its scans arrive as ``return_parcel.status_changed``
        events (``in_transit``, ``delivered`` = received by the merchant); returns the parcel id."""
        ...

    async def ship_replacement(self, ctx: HookContext, *, case_id: str, order_id: str,
                               lines: tuple[tuple[str, int], ...]) -> str:
        """Open a replacement shipment (exchange) for ``(sku_id, quantity)`` lines; returns its id."""
        ...


@runtime_checkable
class CarrierProvider(Protocol):
    """A carrier or tracking aggregator (the logistics plugin registers these; types in
    :mod:`bazaar.sdk.carriers`).

    ``codes`` are the deployment's carrier codes it serves (``SF``, ``JD``, ...). Calls that
    reach the carrier (``create_waybill``, ``cancel_waybill``, ``intercept``, ``subscribe``)
    are made outside any database transaction and raise
    :class:`~bazaar.sdk.errors.ProviderError` on failure; ``verify_push`` is pure.
    """

    kind: ClassVar[str]  # "carrier"
    id: str
    codes: tuple[str, ...]

    async def create_waybill(self, ctx: HookContext, request: WaybillRequest) -> Waybill:
        """Book a parcel and return its waybill number and label; idempotent by ``request.ref``.
        A pure tracking aggregator raises ``ProviderError`` (the merchant enters the number)."""
        ...

    async def cancel_waybill(self, ctx: HookContext, carrier: str, waybill: str) -> bool:
        """Cancel a booked parcel before pick-up; ``False`` when the carrier already has it."""
        ...

    async def intercept(self, ctx: HookContext, carrier: str, waybill: str, *, ref: str) -> str:
        """Ask the carrier to stop a parcel in transit and return it; answers the carrier's
        request reference. The outcome arrives later as an ``intercepted`` /
        ``intercept_failed`` tracking event. Idempotent by ``ref``."""
        ...

    async def subscribe(self, ctx: HookContext, carrier: str, waybill: str, *, callback_url: str,
                        phone: str | None = None) -> None:
        """Ask for tracking pushes of a waybill to ``callback_url``."""
        ...

    def verify_push(self, headers: dict[str, str], body: bytes, now: datetime) -> Push:
        """Check a push's signature (and freshness, when the format has a timestamp) and parse
        it into normalised events; raises :class:`~bazaar.sdk.carriers.BadPush`. Headers are
        lower-cased. Pure: no I/O."""
        ...


ProviderLike = Any
