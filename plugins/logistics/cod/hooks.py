"""Hook implementations of ``logistics.cod`` (thin), and its payment provider ``cod``.

* ``bazaar_register_providers``: the payment provider ``cod`` (the order is ``placed``: the
  core sees ``PaymentStart(status="on_delivery")``).
* ``bazaar_collect_payment_methods``: ``cod`` only when enabled, the order total is within
  ``max_order_amount``, every merchant of the checkout accepts COD and the address is served.
* ``bazaar_select_payment_provider``: ``cod`` -> ``cod``.
* ``bazaar_handle_event``: ``order.placed``, ``order.cancelled``, ``shipment.handed_over``,
  ``shipment.delivered``, ``shipment.refused``, ``shipment.lost``; deduped by event id.
"""

from __future__ import annotations

from typing import Any, ClassVar

from bazaar.plugins.logistics import contract, policy
from bazaar.plugins.logistics.cod import collections, remittance, returns
from bazaar.plugins.logistics.config import CodConfig
from bazaar.plugins.logistics.tracking import _utc
from bazaar.sdk.errors import Conflict
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.runtime import PluginContext
from bazaar.sdk.types import (
    CheckoutQuote,
    CheckoutSnapshot,
    CompensationRequest,
    HookContext,
    PaymentMethod,
    PaymentStart,
    RefundRequest,
    RefundResult,
)

SUBSCRIBES = ("order.placed", "order.cancelled", "shipment.handed_over", "shipment.delivered", "shipment.refused",
              "shipment.lost")
METHOD = "cod"


class CodPaymentProvider:
    """``kind="payment"``, ``id="cod"``: nothing is paid online; the carrier collects at the door."""

    kind: ClassVar[str] = "payment"
    id = METHOD

    def __init__(self, context: PluginContext[CodConfig]) -> None:
        self.context = context

    async def start_payment(self, ctx: HookContext, checkout: CheckoutSnapshot) -> PaymentStart:
        return PaymentStart(payment_id=f"cod_{checkout.id}", status="on_delivery")

    async def cancel_payment(self, ctx: HookContext, checkout: CheckoutSnapshot, reason: str) -> None:
        """Nothing was paid: nothing to void."""

    async def refund(self, ctx: HookContext, request: RefundRequest) -> RefundResult:
        """A COD order is refunded by the method the consumer chose and consented to (7DR 14),
        through the payments plugin that recorded the collected cash."""
        rt = self.context.runtime
        if await returns.latest_consent(rt, request.order.id) is None:
            raise Conflict("the buyer has not chosen and consented to a refund method yet",
                           code="logistics.cod_refund_consent_required")
        return await remittance.recorder(rt).refund(ctx, request)  # type: ignore[no-any-return]

    async def compensate(self, ctx: HookContext, request: CompensationRequest) -> RefundResult:
        return await remittance.recorder(self.context.runtime).compensate(ctx, request)  # type: ignore[no-any-return]


class CodHooks:
    def __init__(self, context: PluginContext[CodConfig]) -> None:
        self.context = context
        self.provider = CodPaymentProvider(context)

    @hookimpl
    def bazaar_register_providers(self) -> list[Any]:
        return [self.provider]

    @hookimpl
    async def bazaar_collect_payment_methods(self, ctx: HookContext, quote: CheckoutQuote) -> list[PaymentMethod]:
        rt = self.context.runtime
        rules = collections.values(rt)
        merchants = sorted({line.merchant_id for line in quote.lines})
        accepts = False
        if merchants:
            marks = ", ".join("{}" for _ in merchants)
            rows = await rt.db.fetch(f"SELECT merchant_id FROM logistics_cod_merchant WHERE accepts = {{}} "
                                     f"AND merchant_id IN ({marks})", True, *merchants)
            accepts = len(rows) == len(merchants)
        why = policy.cod_offered(enabled=bool(rules["enabled"]), total_minor=quote.subtotal.amount,
                                 max_amount=rules["max_order_amount"], merchant_accepts=accepts, country=quote.country,
                                 served=self.context.config.served_countries)
        if why is not None:
            return []
        return [PaymentMethod(id=METHOD, label="Cash on delivery", provider=METHOD, kind="on_delivery")]

    @hookimpl
    def bazaar_select_payment_provider(self, method: str) -> str | None:
        return METHOD if method == METHOD else None

    @hookimpl
    async def bazaar_handle_event(self, event: Any, ctx: HookContext) -> None:
        rt = self.context.runtime
        seen = await rt.db.execute(
            "INSERT INTO logistics_cod_seen_event (event_id, type, seen_at) VALUES ({}, {}, {}) "
            "ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
            event.id, event.type, rt.clock.now(),
        )
        order_id = contract.field(event, "order_id")
        if not seen or not order_id:
            return
        if event.type == "order.placed":
            await collections.expect(rt, order_id)
        elif event.type == "order.cancelled":
            await collections.nothing_to_collect(rt, order_id, "cancelled")
        elif event.type == "shipment.handed_over":
            await collections.handed_over(rt, order_id, contract.field(event, "carrier"),
                                          tuple(contract.field(event, "waybills") or ()))
        elif event.type == "shipment.delivered":
            await collections.delivered(rt, order_id, _utc(contract.field(event, "delivered_at")))
        elif event.type == "shipment.refused":
            await returns.refused(rt, order_id)
        elif event.type == "shipment.lost":
            await collections.nothing_to_collect(rt, order_id, "lost")
