"""Eligibility facts from events: who bought what, whether it was paid, when it completed.

The write path reads only these rows (``reviews_order``, ``reviews_line``), never the
core's tables. Every handler is an upsert, so a redelivered event changes nothing, and the
events of one order may arrive in any order.

* ``order.paid`` -> paid online; ``cod.collected`` (logistics) -> paid by cash on delivery;
* ``order.placed`` / ``order.completed`` -> buyer and store; completion time; the lines
  (from the ``order_snapshot`` facade: the event does not carry them);
* ``order.cancelled`` with a refund, ``aftersales.case_closed`` with ``refunded``,
  ``aftersales.refund_issued`` -> the refund-after-five-star signal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bazaar.plugins.reviews import signals
from bazaar.sdk.events import (
    Event,
    OrderCancelled,
    OrderCompleted,
    OrderPaid,
    OrderPlaced,
    UnknownEvent,
)
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.services import order_snapshot

#: event types the plugin subscribes to (``Plugin.subscribes``)
SUBSCRIBES = (
    "order.paid", "order.placed", "order.completed", "order.cancelled",
    "cod.collected", "aftersales.case_closed", "aftersales.refund_issued",
)


def field(event: Event | UnknownEvent, name: str) -> Any:
    """A field of an event of another plugin (typed when that plugin is loaded, raw when not)."""
    if isinstance(event, UnknownEvent):
        return event.data.get(name)
    return getattr(event, name, None)


async def record_order(rt: PluginRuntime, order_id: str, *, merchant_id: str | None, customer_id: str | None,
                       paid_at: datetime | None = None, paid_via: str | None = None,
                       completed_at: datetime | None = None) -> None:
    """Create or complete the order's row; known values are never overwritten by unknown ones."""
    await rt.db.execute(
        "INSERT INTO reviews_order (order_id, merchant_id, customer_id, paid_at, paid_via, completed_at, updated_at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}) ON CONFLICT (order_id) DO UPDATE SET "
        "merchant_id = CASE WHEN EXCLUDED.merchant_id = '' THEN reviews_order.merchant_id ELSE EXCLUDED.merchant_id END, "
        "customer_id = CASE WHEN EXCLUDED.customer_id = '' THEN reviews_order.customer_id ELSE EXCLUDED.customer_id END, "
        "paid_at = COALESCE(reviews_order.paid_at, EXCLUDED.paid_at), "
        "paid_via = COALESCE(reviews_order.paid_via, EXCLUDED.paid_via), "
        "completed_at = COALESCE(reviews_order.completed_at, EXCLUDED.completed_at), "
        "updated_at = EXCLUDED.updated_at",
        order_id, merchant_id or "", customer_id or "", paid_at, paid_via, completed_at, rt.clock.now(),
    )


async def record_lines(rt: PluginRuntime, order_id: str) -> int:
    """Copy the order's lines (product, SKU, name) from the order's snapshot; how many were new."""
    added = 0
    for line in (await order_snapshot(rt, order_id)).lines:
        rows = await rt.db.execute(
            "INSERT INTO reviews_line (line_id, order_id, product_id, sku_id, name) VALUES ({}, {}, {}, {}, {}) "
            "ON CONFLICT (line_id) DO NOTHING RETURNING line_id",
            line.id, order_id, line.product_id, line.sku_id, line.name[:200],
        )
        added += bool(rows)
    return added


async def handle(rt: PluginRuntime, event: Event | UnknownEvent) -> None:
    """Turn one delivered event into eligibility facts or a signal (idempotent)."""
    match event:
        case OrderPaid():
            await record_order(rt, event.order_id, merchant_id=event.merchant_id, customer_id=event.customer_id,
                               paid_at=event.paid_at, paid_via="online")
        case OrderPlaced():
            await record_order(rt, event.order_id, merchant_id=event.merchant_id, customer_id=event.customer_id)
        case OrderCompleted():
            await record_order(rt, event.order_id, merchant_id=event.merchant_id, customer_id=event.customer_id,
                               completed_at=event.completed_at)
            await record_lines(rt, event.order_id)
        case OrderCancelled():
            if event.refunded is not None and event.refunded.amount > 0:
                await signals.refund_after_review(rt, event.order_id, _at(rt, event), "a refund at cancellation")
        case _:
            await _other_plugin_event(rt, event)


async def _other_plugin_event(rt: PluginRuntime, event: Event | UnknownEvent) -> None:
    order_id = field(event, "order_id")
    if not isinstance(order_id, str):
        return
    if event.type == "cod.collected":
        collected = field(event, "collected_at")
        await record_order(rt, order_id, merchant_id=field(event, "merchant_id"),
                           customer_id=field(event, "customer_id"),
                           paid_at=collected if isinstance(collected, datetime) else _at(rt, event), paid_via="cod")
    elif event.type == "aftersales.case_closed":
        if field(event, "refunded") is not None or field(event, "outcome") == "refunded":
            await signals.refund_after_review(rt, order_id, _at(rt, event), "an after-sales refund")
    elif event.type == "aftersales.refund_issued":
        await signals.refund_after_review(rt, order_id, _at(rt, event), "a refund or cash-back")


def _at(rt: PluginRuntime, event: Event | UnknownEvent) -> datetime:
    return event.occurred_at or rt.clock.now()
