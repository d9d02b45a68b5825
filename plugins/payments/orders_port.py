"""The one place the payments plugins move orders: the core's orders facade.

``bazaar.core.orders.service.transition(rt, order_id, event, *, actor_id, actor_kind,
plugin, reason)`` runs inside the caller's unit of work; the order then emits
its typed event (``order.paid``, ``order.completed``) through the outbox.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("bazaar.payments")


async def _transition(rt: Any, order_id: str, event: str, plugin: str, reason: str) -> None:
    from bazaar.sdk.services import orders as service  # the core facade a plugin may call

    await service.transition(rt, order_id, event, actor_kind="plugin", plugin=plugin, reason=reason)


async def mark_paid(rt: Any, order_id: str, plugin: str) -> None:
    """The provider confirmed the payment: the order moves to ``paid``."""
    await _transition(rt, order_id, "pay", plugin, "payment confirmed by the provider")


async def auto_confirm(rt: Any, order_id: str, plugin: str) -> None:
    """The receipt window ended: the order is confirmed received on the customer's behalf."""
    await _transition(rt, order_id, "auto_confirm", plugin, "receipt window ended")
