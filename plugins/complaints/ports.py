"""The one place complaints reaches the kernel: core facades (orders, merchants, listings), events, providers.

Plugins import only ``bazaar.sdk``; the facades live in ``bazaar.sdk.services``. Missing
subjects come back as ``None`` so the caller can answer with its own problem code.
(While the typed facades land on main, the older module facades are used where the new
ones are absent; the fallbacks go once main has them.)
"""

from __future__ import annotations

from typing import Any

from bazaar.sdk import services
from bazaar.sdk.errors import NotFound
from bazaar.sdk.events import By
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.types import ListingSnapshot, MerchantSnapshot, OrderSnapshot

PLUGIN = "complaints"


def _by(actor_id: str | None) -> By:
    return By(kind="plugin", id=actor_id, plugin=PLUGIN)


def _facade(name: str) -> Any:
    return getattr(services, name, None)


def provider(rt: PluginRuntime, kind: str, provider_id: str) -> Any:
    """A registered provider by ``(kind, id)`` (``LookupError`` when none is registered)."""
    find = getattr(rt, "provider", None) or rt.plugins.provider  # type: ignore[attr-defined]
    try:
        return find(kind, provider_id)
    except Exception as exc:  # the kernel answers PluginError; callers treat every miss alike
        raise LookupError(f"no {kind} provider {provider_id!r}") from exc


async def order(rt: PluginRuntime, order_id: str) -> OrderSnapshot | None:
    """The order's frozen snapshot, or ``None``."""
    fetch = _facade("order_snapshot") or services.orders.order_snapshot  # type: ignore[attr-defined]
    try:
        return await fetch(rt, order_id)  # type: ignore[no-any-return]
    except NotFound:
        return None


async def merchant(rt: PluginRuntime, merchant_id: str) -> MerchantSnapshot | None:
    """The merchant's frozen snapshot, or ``None``."""
    try:
        fetch = _facade("merchant_snapshot")
        if fetch is not None:
            return await fetch(rt, merchant_id)  # type: ignore[no-any-return]
        return services.merchants.snapshot(await services.merchants.load(rt, merchant_id))  # type: ignore[attr-defined]
    except NotFound:
        return None


async def merchant_identity(rt: PluginRuntime, merchant_id: str, requester_id: str | None) -> dict[str, Any] | None:
    """What a complainant may learn of a merchant on request (ECL 61): name, status and contact."""
    snapshot = await merchant(rt, merchant_id)
    if snapshot is None:
        return None
    identity: dict[str, Any] = {"merchant_id": snapshot.id, "name": snapshot.name, "status": snapshot.status,
                                "contact_phone": None, "contact_email": None}
    contact = _facade("user_contact")
    if contact is not None:
        found = await contact(rt, snapshot.owner_id, purpose=f"merchant identity disclosed to {requester_id} "
                                                             "(ECL 61)", plugin=PLUGIN)
        identity.update(contact_phone=getattr(found, "phone", None), contact_email=getattr(found, "email", None))
    else:
        row = await services.merchants.load(rt, merchant_id)  # type: ignore[attr-defined]
        identity["contact_phone"] = services.cipher(rt).decrypt(row["contact_phone"]) if row.get("contact_phone") \
            else None  # type: ignore[arg-type]
    return identity


async def listing(rt: PluginRuntime, product_id: str) -> ListingSnapshot | None:
    """The listing's snapshot (content, status, merchant), or ``None``."""
    fetch = _facade("product_snapshot") or services.catalogue.listing_snapshot  # type: ignore[attr-defined]
    try:
        return await fetch(rt, product_id)  # type: ignore[no-any-return]
    except NotFound:
        return None


async def take_down(rt: PluginRuntime, product_id: str, reason: str, actor_id: str | None) -> None:
    """Take a live listing off sale (an IP notice's necessary measure)."""
    facade = _facade("take_down_listing")
    if facade is not None:
        await facade(rt, product_id, reasons=[reason], by=_by(actor_id))
        return
    await services.catalogue.take_down(rt, product_id, reason, plugin=PLUGIN, actor_id=actor_id)  # type: ignore[attr-defined]


async def reinstate(rt: PluginRuntime, product_id: str, reason: str, actor_id: str | None) -> None:
    """Put a listing this plugin took down back on sale (the measure is lifted)."""
    facade = _facade("reinstate_listing")
    if facade is not None:
        await facade(rt, product_id, reason=reason, by=_by(actor_id))
        return
    await services.catalogue.reinstate_listing(rt, product_id, reason, plugin=PLUGIN, actor_id=actor_id)  # type: ignore[attr-defined]


def cipher(rt: PluginRuntime) -> Any:
    """The field cipher for personal data at rest."""
    return services.cipher(rt)  # type: ignore[arg-type]
