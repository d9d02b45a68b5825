"""The one place complaints reaches the kernel: core facades (orders, merchants, listings) and providers.

Plugins import only ``bazaar.sdk``; the facades live in ``bazaar.sdk.services``. Missing
subjects come back as ``None`` so the caller can answer with its own problem code.
"""

from __future__ import annotations

from typing import Any

from bazaar.sdk import services
from bazaar.sdk.errors import NotFound, PluginError
from bazaar.sdk.events import By
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.types import ListingSnapshot, MerchantSnapshot, OrderSnapshot

PLUGIN = "complaints"


def _by(actor_id: str | None) -> By:
    return By(kind="plugin", id=actor_id, plugin=PLUGIN)


def provider(rt: PluginRuntime, kind: str, provider_id: str) -> Any:
    """A registered provider by ``(kind, id)`` (``LookupError`` when none is registered)."""
    try:
        return rt.provider(kind, provider_id)
    except (PluginError, LookupError) as exc:
        raise LookupError(f"no {kind} provider {provider_id!r}") from exc


async def order(rt: PluginRuntime, order_id: str) -> OrderSnapshot | None:
    """The order in full (state, money, payment provider, lines), or ``None``."""
    try:
        return await services.order_snapshot(rt, order_id)
    except NotFound:
        return None


async def merchant(rt: PluginRuntime, merchant_id: str) -> MerchantSnapshot | None:
    """The store's snapshot (name, status, owner), or ``None``."""
    try:
        return await services.merchant_snapshot(rt, merchant_id)
    except NotFound:
        return None


async def merchant_identity(rt: PluginRuntime, merchant_id: str, requester_id: str | None) -> dict[str, Any] | None:
    """What a complainant may learn of a merchant on request (ECL 61): name, status and the owner's contact.

    The contact comes through ``user_contact`` with its purpose stated (logged by the kernel)."""
    snapshot = await merchant(rt, merchant_id)
    if snapshot is None:
        return None
    contact = await services.user_contact(
        rt, snapshot.owner_id, purpose=f"merchant identity disclosed to complainant {requester_id} (ECL 61)",
        plugin=PLUGIN)
    return {"merchant_id": snapshot.id, "name": snapshot.name, "status": snapshot.status,
            "contact_phone": contact.phone, "contact_email": contact.email}


async def listing(rt: PluginRuntime, product_id: str) -> ListingSnapshot | None:
    """The listing's snapshot (content, status, merchant), or ``None``."""
    try:
        return await services.product_snapshot(rt, product_id)
    except NotFound:
        return None


async def take_down(rt: PluginRuntime, product_id: str, reason: str, actor_id: str | None) -> None:
    """Take a live listing off sale (an IP notice's necessary measure)."""
    await services.take_down_listing(rt, product_id, reasons=[reason], by=_by(actor_id))


async def reinstate(rt: PluginRuntime, product_id: str, reason: str, actor_id: str | None) -> None:
    """Put a listing this plugin took down back on sale (the measure is lifted)."""
    await services.reinstate_listing(rt, product_id, reason=reason, by=_by(actor_id))


def cipher(rt: PluginRuntime) -> services.Cipher:
    """The field cipher for personal data at rest."""
    return services.cipher(rt)
