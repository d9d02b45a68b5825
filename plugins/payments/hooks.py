"""Hook implementations of both payments plugins (thin: they call the service).

* ``bazaar_register_providers``: the payment provider object the core calls by id.
* ``bazaar_collect_payment_methods`` / ``bazaar_select_payment_provider``: the configured
  ``methods``, taken by this plugin's provider.
* ``bazaar_handle_event``: ``order.shipped`` (start the receipt clock), ``order.completed``
  (release), ``order.cancelled`` (stop the clock), ``order.aftersales_opened`` /
  ``order.aftersales_closed`` (pause / resume); deduped by event id.
"""

from __future__ import annotations

from typing import Any, ClassVar

from bazaar.plugins.payments import auto_confirm, collections, compensation, service
from bazaar.plugins.payments.config import PaymentsConfig
from bazaar.sdk.events import (
    AnyEvent,
    OrderAftersalesClosed,
    OrderAftersalesOpened,
    OrderCancelled,
    OrderCompleted,
    OrderShipped,
)
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.runtime import PluginContext
from bazaar.sdk.types import (
    CheckoutQuote,
    CheckoutSnapshot,
    CollectedPayment,
    CompensationRequest,
    HookContext,
    PaymentMethod,
    PaymentStart,
    ReadinessCheck,
    RefundRequest,
    RefundResult,
)

#: the event types both plugins listen to (``Plugin.subscribes``)
SUBSCRIBES = ("order.shipped", "order.completed", "order.cancelled", "order.aftersales_opened",
              "order.aftersales_closed")


class PaymentProviderObject:
    """The :class:`~bazaar.sdk.providers.PaymentProvider` the core calls (id = plugin id)."""

    kind: ClassVar[str] = "payment"

    def __init__(self, context: PluginContext[PaymentsConfig]) -> None:
        self.context = context
        self.id = context.id

    async def start_payment(self, ctx: HookContext, checkout: CheckoutSnapshot) -> PaymentStart:
        return await service.start_payment(self.context.runtime, self.id, checkout)

    async def refund(self, ctx: HookContext, request: RefundRequest) -> RefundResult:
        return await service.request_refund(
            self.context.runtime, self.id, request.order.id, amount=request.amount.amount,
            currency=request.amount.currency, reason=request.reason, idempotency_key=request.idempotency_key,
        )

    async def cancel_payment(self, ctx: HookContext, checkout: CheckoutSnapshot, reason: str) -> None:
        await service.cancel_payment(self.context.runtime, self.id, checkout.id, reason)

    async def compensate(self, ctx: HookContext, request: CompensationRequest) -> RefundResult:
        return await compensation.request(self.context.runtime, self.id, request)

    async def record_collection(self, ctx: HookContext, collection: CollectedPayment) -> str:
        """:class:`~bazaar.sdk.providers.CollectionRecorder`: cash collected on delivery enters the ledger."""
        return (await collections.record_collections(self.context.runtime, self.id, (collection,)))[0]

    async def record_collections(self, ctx: HookContext, batch: tuple[CollectedPayment, ...]) -> list[str]:
        """The same for a whole remittance file, in multi-row statements."""
        return await collections.record_collections(self.context.runtime, self.id, batch)


class PaymentsHooks:
    """Built once per app with the plugin's context (id, config, runtime)."""

    def __init__(self, context: PluginContext[PaymentsConfig]) -> None:
        self.context = context
        self.provider = PaymentProviderObject(context)

    @hookimpl
    def bazaar_register_providers(self) -> list[Any]:
        return [self.provider]

    @hookimpl
    def bazaar_collect_payment_methods(self, ctx: HookContext, quote: CheckoutQuote) -> list[PaymentMethod]:
        return [
            PaymentMethod(id=method, label=f"Pay online ({method})", provider=self.context.id, kind="online")
            for method in self.context.config.methods
        ]

    @hookimpl
    async def bazaar_collect_readiness_checks(self, ctx: HookContext) -> list[ReadinessCheck]:
        """An alert line while instructions are stuck in flight (still ready: money is not lost)."""
        stuck = await service.stuck_instructions(self.context.runtime, self.context.id, limit=1000)
        detail = None
        if stuck:
            oldest = min(row["created_at"] for row in stuck)
            detail = (f"ALERT: {len(stuck)} instruction(s) stuck in flight since {oldest.isoformat()}; "
                      "see GET /api/v1/payments/admin/instructions/stuck")
        return [ReadinessCheck(name="instructions", ok=True, detail=detail)]

    @hookimpl
    def bazaar_select_payment_provider(self, method: str) -> str | None:
        return self.context.id if method in self.context.config.methods else None

    @hookimpl
    async def bazaar_handle_event(self, event: AnyEvent, ctx: HookContext) -> None:
        """Receipt clock and release from order events, deduped by event id."""
        rt, pid = self.context.runtime, self.context.id
        seen = await rt.db.execute(
            "INSERT INTO payments_seen_event (event_id, type, seen_at) VALUES ({}, {}, {}) "
            "ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
            event.id, event.type, rt.clock.now(),
        )
        if not seen:
            return
        if isinstance(event, OrderShipped):
            await auto_confirm.on_shipped(rt, pid, event)
        elif isinstance(event, OrderCompleted):
            await service.request_release(rt, pid, event.order_id, "receipt confirmed")
        elif isinstance(event, OrderCancelled):
            await rt.timers.cancel(auto_confirm.kind(pid), event.order_id)
        elif isinstance(event, OrderAftersalesOpened):
            await auto_confirm.case_opened(rt, pid, event.order_id)
        elif isinstance(event, OrderAftersalesClosed):
            await auto_confirm.case_closed(rt, pid, event.order_id)
