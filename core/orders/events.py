"""The typed event an order transition emits (``bazaar.sdk.events``): one per target state.

Each carries who acted (``by``, from the transition's actor), the free-text ``reason`` and
the timestamp of its state; ``order.shipped`` the carrier, ``ship_by`` / ``on_time`` and
``shipping_method``; ``order.delivered`` its ``proof``; ``order.cancelled`` why
(``cancel_reason``) and what it refunded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bazaar.core.orders.states import OrderEvent, OrderState
from bazaar.sdk.events import (
    ActorKind,
    By,
    CancelReason,
    Event,
    OrderCancelled,
    OrderCompleted,
    OrderDelivered,
    OrderPaid,
    OrderPlaced,
    OrderShipped,
)
from bazaar.sdk.types import OrderSnapshot

#: how an order's ``actor_kind`` reads in an event's ``by``
BY_KIND: dict[str, ActorKind] = {"user": "customer", "merchant": "merchant", "operator": "operator",
                                 "plugin": "plugin", "system": "system"}
#: why an order was cancelled when the caller did not say, by who cancelled
CANCEL_REASON_OF: dict[str, CancelReason] = {"user": "customer_request", "merchant": "merchant_request",
                                             "operator": "operator_action"}


def cancel_reason_for(event: str, actor_kind: str, given: CancelReason | None) -> CancelReason:
    """``given``, else ``unpaid_timeout`` for ``expire``, else by who cancelled (``other`` for plugins and the system)."""
    if given is not None:
        return given
    if event == OrderEvent.expire:
        return "unpaid_timeout"
    return CANCEL_REASON_OF.get(actor_kind, "other")


def order_event(target: OrderState, event: str, *, before: OrderSnapshot, now: datetime, actor_id: str | None,
                actor_kind: str, plugin: str | None, reason: str | None, details: dict[str, Any]) -> Event:
    """The event of an order that moved from ``before.state`` to ``target`` by ``event`` at ``now``."""
    common: dict[str, Any] = {
        "order_id": before.id, "checkout_id": before.checkout_id, "merchant_id": before.merchant_id,
        "customer_id": before.customer_id, "from_state": before.state, "reason": reason,
        "by": By(kind=BY_KIND.get(actor_kind, "system"), id=actor_id, plugin=plugin),
    }
    if target == OrderState.paid:
        return OrderPaid(**common, paid_at=now)
    if target == OrderState.placed:
        return OrderPlaced(**common, placed_at=now)
    if target == OrderState.shipped:
        ship_by = details.get("ship_by")
        return OrderShipped(**common, shipped_at=now, ship_by=ship_by, on_time=None if ship_by is None else now <= ship_by,
                            carrier=details.get("carrier"), tracking_number=details.get("tracking_number"),
                            shipping_method=details.get("shipping_method"))
    if target == OrderState.delivered:
        return OrderDelivered(**common, delivered_at=now, proof=details.get("proof"))
    if target == OrderState.completed:
        return OrderCompleted(**common, completed_at=now, auto=event == OrderEvent.auto_confirm)
    return OrderCancelled(**common, cancelled_at=now, refunded=details.get("refunded"),
                          cancel_reason=cancel_reason_for(event, actor_kind, details.get("cancel_reason")))
