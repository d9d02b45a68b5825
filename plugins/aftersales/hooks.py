"""Hook implementations of the after-sales plugin (thin: they call the service modules).

* ``bazaar_collect_checkout_acknowledgements``: a confirmation for every line whose product the
  merchant declared ``no_reason.confirmable`` (the buyer ticks it; never pre-ticked).
* ``bazaar_handle_event`` (deduped by event id): ``order.delivered`` / ``order.completed`` (delivered
  orders for the return rate), ``return_parcel.status_changed`` (the return parcel's scans move the
  case), ``shipment.intercepted`` / ``shipment.intercept_failed`` (a refund on an order in transit).
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.aftersales import hooks_events
from bazaar.plugins.aftersales.cases import rules
from bazaar.plugins.aftersales.opening import ACK_PREFIX
from bazaar.sdk.events import AnyEvent, event_data
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.runtime import PluginContext
from bazaar.sdk.types import Acknowledgement, CheckoutQuote, HookContext

#: what the buyer confirms, per confirmable kind (CPL-IR 19: shown at checkout, never pre-ticked)
KIND_TEXT = {
    "unsealing_affects_safety": "once unsealed it cannot be returned for safety or quality reasons",
    "activation_devalues": "once activated it loses value and cannot be returned without reason",
    "near_expiry_or_flawed_disclosed": "it is near its expiry date or has a disclosed flaw",
}


class AftersalesHooks:
    """Built once per app with the plugin's context (id, config, runtime)."""

    def __init__(self, context: PluginContext[Any]) -> None:
        self.context = context

    @hookimpl
    async def bazaar_collect_checkout_acknowledgements(self, ctx: HookContext,
                                                       quote: CheckoutQuote) -> list[Acknowledgement]:
        rt = self.context.runtime
        kinds = rules(rt)["no_reason.confirmable"] or []
        products = sorted({line.product_id for line in quote.lines})
        if not kinds or not products:
            return []
        marks = ", ".join("{}" for _ in products)
        declared = {r["product_id"]: r["confirmable_kind"] for r in await rt.db.fetch(
            f"SELECT product_id, confirmable_kind FROM aftersales_product WHERE product_id IN ({marks}) "
            "AND confirmable_kind IS NOT NULL", *products)}
        out = []
        for line in quote.lines:
            kind = declared.get(line.product_id)
            if kind is not None and kind in kinds:
                out.append(Acknowledgement(
                    id=f"{ACK_PREFIX}{line.sku_id}",
                    text=f"I confirm that this item ({KIND_TEXT.get(kind, kind)}) is not returnable without reason.",
                    sku_ids=(line.sku_id,)))
        return out

    @hookimpl
    async def bazaar_handle_event(self, event: AnyEvent, ctx: HookContext) -> None:
        rt = self.context.runtime
        seen = await rt.db.execute(
            "INSERT INTO aftersales_seen_event (event_id, type, seen_at) VALUES ({}, {}, {}) "
            "ON CONFLICT (event_id) DO NOTHING RETURNING event_id", event.id, event.type, rt.clock.now())
        if seen:
            await hooks_events.handle(rt, event.type, data_of(event))


def data_of(event: AnyEvent) -> dict[str, Any]:
    """An event's fields, whether it arrives typed or raw (its class not loaded: a disabled plugin's)."""
    return event_data(event)
