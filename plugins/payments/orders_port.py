"""The one place the payments plugins move orders: the core's ``transition_order`` facade.

It runs inside the caller's unit of work, names the plugin as the actor
(``By(kind="plugin", plugin=...)``), and the order then emits its event through the outbox.
"""

from __future__ import annotations

from bazaar.sdk import services
from bazaar.sdk.events import By
from bazaar.sdk.runtime import PluginRuntime


async def _transition(rt: PluginRuntime, order_id: str, event: str, plugin: str, reason: str) -> None:
    await services.transition_order(rt, order_id, event, by=By(kind="plugin", plugin=plugin), reason=reason)


async def mark_paid(rt: PluginRuntime, order_id: str, plugin: str) -> None:
    """The provider confirmed the payment: the order moves to ``paid``."""
    await _transition(rt, order_id, "pay", plugin, "payment confirmed by the provider")


async def auto_confirm(rt: PluginRuntime, order_id: str, plugin: str) -> None:
    """The receipt window ended: the order is confirmed received on the customer's behalf."""
    await _transition(rt, order_id, "auto_confirm", plugin, "receipt window ended")
