"""Hook implementations of ``logistics`` (thin: they call the services).

* ``bazaar_register_providers``: the carriers (``kind="carrier"``: ``sandbox``, ``kuaidi100``)
  and the fulfilment provider other plugins call (``kind="fulfilment"``, ``id="logistics"``).
* ``bazaar_handle_event``: ``order.paid`` / ``order.placed`` freeze the ship-by;
  ``order.cancelled`` stops it; deduped by event id.
* ``bazaar_order_transition_objections``: with logistics enabled an order ships only through
  its shipments (the core's plain ``ship`` route answers ``plugin_vetoed``), so the ship-by
  and the first-scan rule cannot be bypassed.
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.logistics import carriers, contract, ship_by
from bazaar.plugins.logistics.config import LogisticsConfig
from bazaar.plugins.logistics.fulfilment import LogisticsFulfilment
from bazaar.plugins.logistics.tracking import _utc
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.runtime import PluginContext
from bazaar.sdk.types import HookContext, Objection, OrderSnapshot

SUBSCRIBES = ("order.paid", "order.placed", "order.cancelled")


class LogisticsHooks:
    """Built once per app with the plugin's context (id, config, runtime)."""

    def __init__(self, context: PluginContext[LogisticsConfig]) -> None:
        self.context = context
        self.providers = [*carriers.build(context, context.id, context.config), LogisticsFulfilment(context)]

    @hookimpl
    def bazaar_register_providers(self) -> list[Any]:
        return list(self.providers)

    @hookimpl
    async def bazaar_handle_event(self, event: Any, ctx: HookContext) -> None:
        rt = self.context.runtime
        seen = await rt.db.execute(
            "INSERT INTO logistics_seen_event (event_id, type, seen_at) VALUES ({}, {}, {}) "
            "ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
            event.id, event.type, rt.clock.now(),
        )
        order_id = contract.field(event, "order_id") or getattr(event, "subject", None)
        if not seen or not order_id:
            return
        if event.type == "order.paid":
            at = contract.field(event, "paid_at") or event.occurred_at
            await ship_by.freeze(rt, order_id, started_at=_utc(at), payment_kind="online")
        elif event.type == "order.placed":
            at = contract.field(event, "placed_at") or event.occurred_at
            await ship_by.freeze(rt, order_id, started_at=_utc(at), payment_kind="cod")
        elif event.type == "order.cancelled":
            await ship_by.order_cancelled(rt, order_id)

    @hookimpl
    def bazaar_order_transition_objections(self, ctx: HookContext, order: OrderSnapshot, event: str) -> Objection | None:
        # a person shipping through the core's route is refused (ship-by and first-scan rules would be
        # bypassed); trusted code acting with no person (another plugin, the demo) is not
        if event == "ship" and ctx.actor_id is not None and not contract.moving_order():
            return Objection(reason="orders ship through their logistics shipments (POST /api/v1/logistics/"
                                    "merchants/{id}/orders/{order_id}/shipments)",
                             code="logistics.ship_through_shipments")
        return None
