"""The plugins' one doorway to the kernel contract: typed events, providers, the orders facade.

Everything the two plugins need of the kernel (the typed runtime: ``rt.emit``,
``rt.provider``) and of the core (the ``bazaar.sdk.services`` facades) goes through here.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

import msgspec

from bazaar.sdk import services
from bazaar.sdk.errors import FieldProblem, InvalidTransition, ValidationFailed
from bazaar.sdk.events import By, CancelReason
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.types import OrderSnapshot, ShippingAddress

log = logging.getLogger("bazaar.logistics")

#: set while logistics itself moves an order (so its veto of other ``ship`` calls lets it through)
_moving: contextvars.ContextVar[bool] = contextvars.ContextVar("logistics_moving_order", default=False)


def moving_order() -> bool:
    """Whether the current order transition is one logistics asked for."""
    return _moving.get()


#: the order events logistics fires, with the reason written to the order's history
SHIP, DELIVER, CANCEL = "ship", "deliver", "cancel"


def provider(rt: PluginRuntime, kind: str, provider_id: str) -> Any:
    """A registered provider object by ``(kind, id)`` (``LookupError`` when none)."""
    return rt.provider(kind, provider_id)


def providers(rt: PluginRuntime, kind: str) -> dict[str, Any]:
    """Every registered provider of ``kind``, by id."""
    return rt.providers(kind)


def is_enabled(rt: PluginRuntime, plugin_id: str) -> bool:
    return rt.is_enabled(plugin_id)


def is_sqlite(rt: PluginRuntime) -> bool:
    """Whether the database is SQLite (no ``FOR UPDATE``; writes serialise on ``BEGIN IMMEDIATE``)."""
    return rt.db.engine_name == "sqlite"


def for_update(rt: PluginRuntime) -> str:
    """`` FOR UPDATE`` on PostgreSQL, nothing on SQLite."""
    return "" if is_sqlite(rt) else " FOR UPDATE"


def field(event: Any, name: str, default: Any = None) -> Any:
    """A field of a typed event Struct, or of the ``data`` of an untyped outbox event."""
    if hasattr(event, name) and not callable(getattr(event, name)):
        return getattr(event, name)
    data = getattr(event, "data", None)
    return data.get(name, default) if isinstance(data, dict) else default


async def order_snapshot(rt: PluginRuntime, order_id: str) -> OrderSnapshot:
    """The order as the core sees it now, in full (``404 order_not_found``)."""
    return await services.order_snapshot(rt, order_id)


async def transition_order(rt: PluginRuntime, order_id: str, event: str, *, by: By, plugin: str,
                           reason: str | None = None, cancel_reason: CancelReason | None = None,
                           **facts: Any) -> OrderSnapshot:
    """Move an order through the core's facades (``ship``, ``deliver``, ``cancel``).

    ``facts``: ``carrier``, ``waybill`` and ``ship_by`` of a shipment (``order.shipped`` then
    says whether it was on time), the ``proof`` of a delivery.
    """
    token = _moving.set(True)
    try:
        actor = by if by.plugin else msgspec.structs.replace(by, plugin=plugin)
        if event == SHIP:
            return await services.ship_order(
                rt, order_id, carrier=str(facts.get("carrier") or ""), tracking_number=str(facts.get("waybill") or ""),
                by=actor, ship_by=facts.get("ship_by"),
            )
        # the order keeps the cancellation's code as its reason (what buyers and merchants see)
        text = cancel_reason if event == CANCEL and cancel_reason else reason
        return await services.transition_order(rt, order_id, event, by=actor, reason=text,
                                               cancel_reason=cancel_reason, proof=facts.get("proof"))
    finally:
        _moving.reset(token)


async def try_transition_order(rt: PluginRuntime, order_id: str, event: str, **kwargs: Any) -> OrderSnapshot | None:
    """:func:`transition_order`, answering ``None`` when the order's table does not accept ``event``."""
    try:
        return await transition_order(rt, order_id, event, **kwargs)
    except InvalidTransition as exc:
        log.info("logistics: order %s does not accept %s now (%s)", order_id, event, exc)
        return None


async def restock(rt: PluginRuntime, order_id: str, lines: list[tuple[str, int]], *, reason: str,
                  plugin: str, actor_id: str | None = None) -> None:
    """Put returned goods of an order back on hand (after inspection): each ``(sku_id, quantity)``
    must be a line of the order, at most its quantity (``422 logistics.restock_exceeds_order``)."""
    ordered = dict(await order_lines(rt, order_id))
    wrong = [FieldProblem(field="lines", reason="not a line of the order, or more than ordered", value=sku)
             for sku, qty in lines if qty < 1 or qty > ordered.get(sku, 0)]
    if wrong:
        raise ValidationFailed("these goods were not in the order", code="logistics.restock_exceeds_order",
                               errors=wrong)
    for sku_id, quantity in lines:
        await services.restock(rt, sku_id, quantity, ref=order_id, reason=f"{plugin}: {reason}"[:200])


async def order_lines(rt: PluginRuntime, order_id: str) -> list[tuple[str, int]]:
    """``(sku_id, quantity)`` of the order's lines, in SKU order."""
    order = await services.order_snapshot(rt, order_id)
    return sorted((line.sku_id, line.quantity) for line in order.lines)


async def merchant_name(rt: PluginRuntime, merchant_id: str) -> str:
    """The store's display name (for the sender line of a label)."""
    return (await services.merchant_snapshot(rt, merchant_id)).name


async def shipping_address(rt: PluginRuntime, order_id: str) -> ShippingAddress:
    """The order's full shipping address, for booking a carrier only (never shown, never stored)."""
    return await services.shipping_address(rt, order_id, purpose="book the carrier", plugin="logistics")


async def priced_lines(rt: PluginRuntime, order_id: str) -> list[tuple[str, int, int]]:
    """``(sku_id, quantity, unit_price_minor)`` of the order's lines, in SKU order."""
    order = await services.order_snapshot(rt, order_id)
    return sorted((line.sku_id, line.quantity, line.unit_price.amount) for line in order.lines)
