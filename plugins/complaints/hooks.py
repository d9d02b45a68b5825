"""Hook implementations (thin: each calls a service)."""

from __future__ import annotations

from typing import Any

from bazaar.plugins.complaints import followup
from bazaar.plugins.complaints.records import dump
from bazaar.sdk.events import AnyEvent, OrderCompleted, event_data
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.runtime import PluginContext, PluginRuntime
from bazaar.sdk.types import HookContext


class ComplaintsHooks:
    """Built once per app with the plugin's context (``id``, ``config``, ``runtime``)."""

    def __init__(self, context: PluginContext[Any]) -> None:
        self.context = context

    @property
    def rt(self) -> PluginRuntime:
        return self.context.runtime

    @hookimpl
    async def bazaar_handle_event(self, event: AnyEvent, ctx: HookContext) -> None:
        """Order, shipment and after-sales events are kept per order for evidence packs (by event id, so
        a redelivery changes nothing); ``order.completed`` opens the buyer's follow-up survey once."""
        data = event_data(event)
        order_id = data.get("order_id")
        if not isinstance(order_id, str):
            return
        rt = self.rt
        async with rt.unit_of_work():
            await rt.db.execute(
                "INSERT INTO complaints_order_fact (event_id, order_id, type, data, occurred_at) "
                "VALUES ({}, {}, {}, {}, {}) ON CONFLICT (event_id) DO NOTHING",
                event.id, order_id, event.type, dump(data), event.occurred_at,
            )
            if isinstance(event, OrderCompleted):
                await followup.open_for(rt, event.order_id, event.customer_id, event.merchant_id)
