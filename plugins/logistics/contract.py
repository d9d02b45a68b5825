"""The plugins' one doorway to the kernel contract: typed events, providers, the orders facade.

Everything the two plugins need of the kernel and the core goes through here, so a change
of the contract's runtime (``rt.emit``, ``rt.provider``) or of the orders facade
(``transition_order``) is a change of this file only.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from bazaar.sdk import services
from bazaar.sdk.errors import InvalidTransition
from bazaar.sdk.events import By
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.types import OrderSnapshot

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
    find = getattr(rt, "provider", None)
    if find is not None:
        return find(kind, provider_id)
    found = providers(rt, kind).get(provider_id)
    if found is None:
        raise LookupError(f"no {kind} provider {provider_id!r} is registered")
    return found


def providers(rt: PluginRuntime, kind: str) -> dict[str, Any]:
    """Every registered provider of ``kind``, by id."""
    find = getattr(rt, "providers", None)
    if find is not None:
        return dict(find(kind))
    return {pid: obj for (k, pid), obj in rt.plugins.providers.items() if k == kind}  # type: ignore[attr-defined]


def is_enabled(rt: PluginRuntime, plugin_id: str) -> bool:
    check = getattr(rt, "is_enabled", None)
    if check is not None:
        return bool(check(plugin_id))
    return plugin_id in rt.plugins.loaded  # type: ignore[attr-defined]


def is_sqlite(rt: PluginRuntime) -> bool:
    """Whether the database is SQLite (no ``FOR UPDATE``; writes serialise on ``BEGIN IMMEDIATE``)."""
    name = getattr(rt.db, "engine_name", None)
    return name == "sqlite" if isinstance(name, str) else bool(getattr(rt.db, "is_sqlite", False))


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
    """The order as the core sees it now (``404 order_not_found``)."""
    facade = getattr(services, "order_snapshot", None)
    if facade is not None:
        return await facade(rt, order_id)  # type: ignore[no-any-return]
    return await services.orders.order_snapshot(rt, order_id)  # type: ignore[arg-type]


async def transition_order(rt: PluginRuntime, order_id: str, event: str, *, by: By, plugin: str,
                           reason: str | None = None, cancel_reason: str | None = None,
                           **facts: Any) -> OrderSnapshot:
    """Move an order through the core's facade (``ship``, ``deliver``, ``cancel``).

    ``facts`` are the fields the core puts on the event it emits (``ship_by``, ``on_time``
    on ``order.shipped``; ``proof`` on ``order.delivered``).
    """
    token = _moving.set(True)
    try:
        return await _transition(rt, order_id, event, by=by, plugin=plugin, reason=reason,
                                 cancel_reason=cancel_reason, **facts)
    finally:
        _moving.reset(token)


async def _transition(rt: PluginRuntime, order_id: str, event: str, *, by: By, plugin: str,
                      reason: str | None, cancel_reason: str | None, **facts: Any) -> OrderSnapshot:
    facade = getattr(services, "transition_order", None)
    if facade is not None:
        return await facade(rt, order_id, event, by=by, plugin=plugin, reason=reason,  # type: ignore[no-any-return]
                            cancel_reason=cancel_reason, **facts)
    kind: Any = {"customer": "user", "merchant": "merchant", "operator": "operator"}.get(by.kind, "plugin")
    core: Any = rt  # the facade is typed to the kernel's runtime, which implements PluginRuntime
    if event == SHIP:
        return await services.orders.ship(
            core, order_id, carrier=str(facts.get("carrier") or ""), tracking_number=str(facts.get("waybill") or ""),
            actor_id=by.id, actor_kind=kind, plugin=plugin,
        )
    text = cancel_reason if event == CANCEL and cancel_reason else reason
    return await services.orders.transition(core, order_id, event, actor_id=by.id, actor_kind=kind, plugin=plugin,
                                            reason=text)


async def try_transition_order(rt: PluginRuntime, order_id: str, event: str, **kwargs: Any) -> OrderSnapshot | None:
    """:func:`transition_order`, answering ``None`` when the order's table does not accept ``event``."""
    try:
        return await transition_order(rt, order_id, event, **kwargs)
    except InvalidTransition as exc:
        log.info("logistics: order %s does not accept %s now (%s)", order_id, event, exc)
        return None


async def restock(rt: PluginRuntime, order_id: str, lines: list[tuple[str, int]], *, reason: str,
                  plugin: str, actor_id: str | None = None) -> None:
    """Put returned goods of an order back on hand (after inspection), through the core."""
    await services.restock(rt, order_id, lines, reason=reason, plugin=plugin, actor_id=actor_id)  # type: ignore[arg-type]


async def order_lines(rt: PluginRuntime, order_id: str) -> list[tuple[str, int]]:
    """``(sku_id, quantity)`` of the order's lines."""
    facade = getattr(services, "order_lines", None)
    if facade is not None:
        return list(await facade(rt, order_id))
    return await services.orders.stock_lines(rt, order_id)  # type: ignore[arg-type]


async def merchant_name(rt: PluginRuntime, merchant_id: str) -> str:
    """The store's display name (for the sender line of a label)."""
    facade = getattr(services, "merchant_snapshot", None)
    if facade is not None:
        return str((await facade(rt, merchant_id)).name)
    return str(services.merchants.snapshot(await services.merchants.load(rt, merchant_id)).name)  # type: ignore[arg-type]


async def shipping_address(rt: PluginRuntime, order_id: str) -> dict[str, Any]:
    """The order's full shipping address, for booking a carrier only (never shown)."""
    return await services.orders.shipping_address(rt, order_id)  # type: ignore[arg-type]


async def priced_lines(rt: PluginRuntime, order_id: str) -> list[tuple[str, int, int]]:
    """``(sku_id, quantity, unit_price_minor)`` of the order's lines."""
    return await services.orders.priced_lines(rt, order_id)  # type: ignore[arg-type]
