"""The one place complaints reaches the kernel: core facades (orders, merchants, catalogue) and events.

Plugins import only ``bazaar.sdk``; the facades live in ``bazaar.sdk.services``. Missing
subjects come back as ``None`` so the caller can answer with its own problem code.
"""

from __future__ import annotations

from typing import Any

from bazaar.sdk import services
from bazaar.sdk.errors import NotFound
from bazaar.sdk.events import Event, event_data
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.types import ListingSnapshot, MerchantSnapshot, OrderSnapshot

PLUGIN = "complaints"


async def emit(rt: PluginRuntime, event: Event) -> str:
    """Write a typed event to the outbox in the current unit of work (``rt.emit``)."""
    emitter = getattr(rt, "emit", None)
    if emitter is not None:
        return str(await emitter(event))
    # kernels before the typed-event contract: the untyped bus, same type and fields
    return str(await rt.events.emit(event.event_type(), event_data(event), subject=event.subject))  # type: ignore[attr-defined]


async def order(rt: PluginRuntime, order_id: str) -> OrderSnapshot | None:
    """The order's frozen snapshot, or ``None``."""
    try:
        return await services.orders.order_snapshot(rt, order_id)  # type: ignore[arg-type]
    except NotFound:
        return None


async def merchant(rt: PluginRuntime, merchant_id: str) -> MerchantSnapshot | None:
    """The merchant's frozen snapshot, or ``None``."""
    try:
        row = await services.merchants.load(rt, merchant_id)  # type: ignore[arg-type]
    except NotFound:
        return None
    return services.merchants.snapshot(row)


async def merchant_identity(rt: PluginRuntime, merchant_id: str) -> dict[str, Any] | None:
    """What a complainant may learn of a merchant on request (ECL 61): name, status, contact."""
    try:
        row = await services.merchants.load(rt, merchant_id)  # type: ignore[arg-type]
    except NotFound:
        return None
    phone = row.get("contact_phone")
    return {
        "merchant_id": row["id"],
        "name": row["name"],
        "status": row["status"],
        "contact_phone": services.cipher(rt).decrypt(phone) if phone else None,  # type: ignore[arg-type]
    }


async def listing(rt: PluginRuntime, product_id: str) -> ListingSnapshot | None:
    """The listing's snapshot (content, status, merchant), or ``None``."""
    try:
        return await services.catalogue.listing_snapshot(rt, product_id)  # type: ignore[arg-type]
    except NotFound:
        return None


async def take_down(rt: PluginRuntime, product_id: str, reason: str, actor_id: str | None) -> None:
    """Take a live listing off sale (an IP notice's necessary measure)."""
    facade = getattr(services, "take_down_listing", None)
    if facade is not None:
        await facade(rt, product_id, reason=reason, plugin=PLUGIN, actor_id=actor_id)
        return
    await services.catalogue.take_down(rt, product_id, reason, plugin=PLUGIN, actor_id=actor_id)  # type: ignore[arg-type]


async def reinstate(rt: PluginRuntime, product_id: str, reason: str, actor_id: str | None) -> None:
    """Put a listing this plugin took down back on sale (the measure is lifted)."""
    facade = getattr(services, "reinstate_listing", None)
    if facade is None:
        raise NotImplementedError("the catalogue facade reinstate_listing is not available in this kernel")
    await facade(rt, product_id, reason=reason, plugin=PLUGIN, actor_id=actor_id)


def provider(rt: PluginRuntime, kind: str, provider_id: str) -> Any:
    """A registered provider by ``(kind, id)`` (``LookupError`` when none is registered)."""
    find = getattr(rt, "provider", None)
    if find is None:  # kernels before PluginRuntime.provider
        find = rt.plugins.provider  # type: ignore[attr-defined]
    try:
        return find(kind, provider_id)
    except Exception as exc:  # the kernel answers PluginError; callers treat every miss alike
        raise LookupError(f"no {kind} provider {provider_id!r}") from exc
