"""Provider interfaces: objects a plugin registers (``bazaar_register_providers``) and the core calls by id.

The core keeps the provider id on the row it concerns (an order's ``payment_provider``)
and calls that provider directly: directed dispatch, never a broadcast hook.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, runtime_checkable

from bazaar.sdk.types import (
    CheckoutSnapshot,
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


class CarrierProvider(Protocol):
    kind: ClassVar[str]  # "carrier"
    id: str


class StorageProvider(Protocol):
    kind: ClassVar[str]  # "storage"
    id: str

    async def put(self, key: str, data: bytes, content_type: str) -> str: ...

    async def get(self, key: str) -> tuple[bytes, str]: ...


ProviderLike = Any
