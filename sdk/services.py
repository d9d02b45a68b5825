"""The core facades a plugin may call: documented functions over frozen snapshots.

Plugins never import the core, never read its tables and never get a row: they read the
core through snapshots (``bazaar.sdk.types``) and change it through these functions, which
run in the caller's unit of work (or open one) and say who acts with a
:class:`~bazaar.sdk.events.By`. Errors are the SDK's (``NotFound``, ``InvalidTransition``,
``PluginVetoed``, ...); nothing changes when one is raised.

Orders
    :func:`order_snapshot`, :func:`orders_of_checkout`, :func:`transition_order`,
    :func:`ship_order`, :func:`set_aftersales_open`, :func:`shipping_address` (personal data)
Merchants
    :func:`merchant_snapshot`, :func:`transition_merchant`, :func:`is_merchant_staff`,
    :func:`merchant_staff_ids`
Listings
    :func:`product_snapshot`, :func:`approve_listing`, :func:`reject_listing`,
    :func:`take_down_listing`, :func:`reinstate_listing`
Stock
    :func:`restock`, :func:`release_stock`
Checkouts and people
    :func:`checkout_snapshot`, :func:`user_snapshot`, :func:`user_contact` (personal data)
Plumbing
    :func:`cipher` (personal data at rest), :func:`sql_migration` (raw-SQL migrations)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

from bazaar.sdk.events import By, CancelReason
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.types import (
    CheckoutSnapshot,
    ListingSnapshot,
    MerchantSnapshot,
    OrderSnapshot,
    ReviewFinding,
    ShippingAddress,
    UserContact,
    UserSnapshot,
)

if TYPE_CHECKING:
    from piccolo.apps.migrations.auto.migration_manager import MigrationManager

    from bazaar.core.kernel.runtime import Runtime


def _core(rt: PluginRuntime) -> Runtime:
    """The kernel's runtime behind the protocol (facades are the one place that unwraps it)."""
    from bazaar.core.kernel.runtime import Runtime

    if not isinstance(rt, Runtime):
        raise TypeError(f"a facade needs the runtime the plugin was given, not {type(rt).__name__}")
    return rt


OrderActorKind = Literal["user", "merchant", "operator", "plugin", "system"]
#: how an order travels; picks the receipt window of the payments plugins
ShippingMethod = Literal["express", "postal", "virtual"]
_ORDER_ACTOR: dict[str, OrderActorKind] = {
    "customer": "user", "merchant": "merchant", "operator": "operator", "plugin": "plugin",
    "service": "system", "system": "system",
}


# --- orders ----------------------------------------------------------------------------------


async def order_snapshot(rt: PluginRuntime, order_id: str) -> OrderSnapshot:
    """An order in full: state, money, payment, lines (with category flags), destination country
    and region, and when it was paid, shipped, delivered, completed, cancelled. ``404 order_not_found``."""
    from bazaar.core.orders import snapshots

    return await snapshots.order_snapshot(_core(rt), order_id)


async def orders_of_checkout(rt: PluginRuntime, checkout_id: str) -> tuple[OrderSnapshot, ...]:
    """Every order of a checkout in full (one per merchant), by merchant id; ``()`` for an unknown checkout."""
    from bazaar.core.orders import snapshots

    return await snapshots.orders_of_checkout(_core(rt), checkout_id)


async def transition_order(
    rt: PluginRuntime, order_id: str, event: str, *, by: By, reason: str | None,
    cancel_reason: CancelReason | None = None, proof: str | None = None,
) -> OrderSnapshot:
    """Apply ``event`` (``pay``, ``deliver``, ``confirm_receipt``, ``auto_confirm``, ``cancel``, ...)
    to an order; returns it in full after the change.

    ``by`` says who acts (``By(kind="plugin", plugin="payments.escrow")``), ``reason`` why in
    words; a ``cancel`` also takes a ``cancel_reason`` code (``late_shipment``, ...; by default
    from the actor), a ``deliver`` the ``proof`` that counts. ``409 invalid_transition`` when
    the order's table refuses the event, ``409 plugin_vetoed`` when a plugin objects. A paid
    order that is cancelled is refunded through its payment provider.
    """
    from bazaar.core.orders import service

    await service.transition(
        _core(rt), order_id, event, actor_id=by.id, actor_kind=_ORDER_ACTOR[by.kind], plugin=by.plugin,
        reason=reason, cancel_reason=cancel_reason, proof=proof,
    )
    return await order_snapshot(rt, order_id)


async def ship_order(
    rt: PluginRuntime, order_id: str, *, carrier: str, tracking_number: str, by: By,
    ship_by: datetime | None = None, shipping_method: ShippingMethod | None = None,
) -> OrderSnapshot:
    """Ship an order (``paid`` or ``placed`` -> ``shipped``): commits its stock, records carrier and
    tracking number; returns it in full. ``ship_by`` (your deadline) makes ``order.shipped`` say
    whether it was ``on_time``; ``shipping_method`` (``express``, ``postal``, ``virtual``) picks
    the receipt window."""
    from bazaar.core.orders import service

    await service.ship(_core(rt), order_id, carrier=carrier, tracking_number=tracking_number, actor_id=by.id,
                       actor_kind=_ORDER_ACTOR[by.kind], plugin=by.plugin, ship_by=ship_by,
                       shipping_method=shipping_method)
    return await order_snapshot(rt, order_id)


async def shipping_address(rt: PluginRuntime, order_id: str, *, purpose: str, plugin: str) -> ShippingAddress:
    """The order's full shipping address (**personal data**): to book a carrier or send a return
    label, for a stated ``purpose``, logged with the plugin's id; never shown, never stored.
    ``404 order_not_found``."""
    from bazaar.core.orders import snapshots

    return await snapshots.shipping_address(_core(rt), order_id, purpose=purpose, plugin=plugin)


async def set_aftersales_open(
    rt: PluginRuntime, order_id: str, open: bool, *, plugin: str, case_id: str | None = None
) -> OrderSnapshot:
    """Raise (``open``) or clear the order's after-sales flag: not a state change, but payments pause
    the receipt clock and any release while it is raised. Emits ``order.aftersales_opened`` /
    ``_closed`` (with ``case_id``) only when the flag changes."""
    from bazaar.core.orders import service

    await service.set_aftersales_open(_core(rt), order_id, open, plugin=plugin, case_id=case_id)
    return await order_snapshot(rt, order_id)


# --- merchants -------------------------------------------------------------------------------


async def merchant_snapshot(rt: PluginRuntime, merchant_id: str, *, for_update: bool = False) -> MerchantSnapshot:
    """A store: name, status, owner. ``for_update`` locks it until commit (PostgreSQL) when you
    decide on its status. ``404 merchant_not_found``."""
    from bazaar.core.merchants import snapshots

    return await snapshots.merchant_snapshot(_core(rt), merchant_id, for_update=for_update)


async def transition_merchant(rt: PluginRuntime, merchant_id: str, to: str, *, reason: str, by: By) -> MerchantSnapshot:
    """Move a store to status ``to`` (``active``, ``restricted``, ``suspended``, ``closed``); its
    products follow. A plugin acting names itself in ``by.plugin`` (only then may a ``pending``
    store whose activation a plugin decides be activated). ``409 invalid_transition`` /
    ``plugin_vetoed``."""
    from bazaar.core.merchants import service

    return await service.transition(_core(rt), merchant_id, to, reason=reason, actor_id=by.id, plugin=by.plugin)


async def is_merchant_staff(rt: PluginRuntime, merchant_id: str, user_id: str) -> bool:
    """Whether the user is the owner or on the staff of the store."""
    from bazaar.core.merchants import snapshots

    return await snapshots.is_staff(_core(rt), merchant_id, user_id)


async def merchant_staff_ids(rt: PluginRuntime, merchant_id: str) -> tuple[str, ...]:
    """User ids of the store's owner (first) and staff: whom to notify about the store."""
    from bazaar.core.merchants import snapshots

    return await snapshots.staff_ids(_core(rt), merchant_id)


# --- listings --------------------------------------------------------------------------------


async def product_snapshot(rt: PluginRuntime, product_id: str) -> ListingSnapshot:
    """A product as review sees it: content, active SKUs and prices, category path and inherited
    flags, status. ``404 product_not_found``."""
    from bazaar.core.catalogue import service

    return await service.listing_snapshot(_core(rt), product_id)


async def approve_listing(rt: PluginRuntime, product_id: str, *, by: By) -> ListingSnapshot:
    """Approve a listing waiting in review: it goes live (visible if its store sells)."""
    from bazaar.core.catalogue import service

    return await service.approve_listing(_core(rt), product_id, plugin=by.plugin, actor_id=by.id)


async def reject_listing(
    rt: PluginRuntime, product_id: str, *, reasons: Sequence[str | ReviewFinding], by: By
) -> ListingSnapshot:
    """Reject a listing waiting in review with every reason (words or findings); ``422`` without one."""
    from bazaar.core.catalogue import service

    return await service.reject_listing(_core(rt), product_id, reasons, plugin=by.plugin, actor_id=by.id)


async def take_down_listing(rt: PluginRuntime, product_id: str, *, reasons: Sequence[str], by: By) -> ListingSnapshot:
    """Take a live listing off sale (a sanction, an upheld complaint): ``live`` -> ``delisted``,
    with the reasons the merchant sees. ``422 reasons_required`` without one."""
    from bazaar.core.catalogue import service

    return await service.take_down(_core(rt), product_id, list(reasons), plugin=by.plugin, actor_id=by.id)


async def reinstate_listing(rt: PluginRuntime, product_id: str, *, reason: str, by: By) -> ListingSnapshot:
    """Put a listing you took down back on sale (``delisted`` -> ``live``, no new review), when the
    cause is gone (a complaint withdrawn or reversed)."""
    from bazaar.core.catalogue import service

    return await service.reinstate_listing(_core(rt), product_id, reason, plugin=by.plugin, actor_id=by.id)


# --- stock -----------------------------------------------------------------------------------


async def restock(rt: PluginRuntime, sku_id: str, quantity: int, *, ref: str, reason: str) -> int:
    """Return ``quantity`` goods to a SKU's stock (a return received, a parcel intercepted), with an
    inventory movement tied to ``ref`` (e.g. the case id); returns the SKU's new on-hand count.
    ``404 sku_not_found``; ``422 invalid_quantity`` unless 1 <= quantity <= 1,000,000."""
    from bazaar.core.inventory import service

    counts = await service.restock(_core(rt), [(sku_id, quantity)], ref=ref, actor_id=None, reason=reason)
    return counts[sku_id]


async def release_stock(rt: PluginRuntime, lines: Sequence[tuple[str, int]], *, ref: str, reason: str) -> None:
    """Give reserved stock back for ``(sku_id, quantity)`` lines; ``409 not_reserved`` (and no
    change) when more is released than is reserved. Cancelling an order already does this."""
    from bazaar.core.inventory import service

    await service.release(_core(rt), list(lines), ref=ref, actor_id=None, reason=reason)


# --- checkouts and people --------------------------------------------------------------------


async def checkout_snapshot(rt: PluginRuntime, checkout_id: str) -> CheckoutSnapshot:
    """A checkout with its orders, as payment providers receive it. ``404 checkout_not_found``."""
    from bazaar.core.checkout import service

    return await service.checkout_snapshot(_core(rt), checkout_id)


async def user_snapshot(rt: PluginRuntime, user_id: str) -> UserSnapshot:
    """A person: id, display name, status, roles; no contact data. ``404 user_not_found``."""
    from bazaar.core.users import snapshots

    return await snapshots.user_snapshot(_core(rt), user_id)


async def user_contact(rt: PluginRuntime, user_id: str, *, purpose: str, plugin: str) -> UserContact:
    """A person's email and phone (personal data): for a stated ``purpose`` only, logged with the
    plugin's id; never store what it answers."""
    from bazaar.core.users import snapshots

    return await snapshots.user_contact(_core(rt), user_id, purpose=purpose, plugin=plugin)


# --- plumbing --------------------------------------------------------------------------------


class Cipher(Protocol):
    """Encrypts personal data at rest with the deployment's active key; decrypts with any configured key."""

    def encrypt(self, value: str | None) -> str | None: ...

    def decrypt(self, stored: str | None) -> str | None: ...


def cipher(rt: PluginRuntime) -> Cipher:
    """The field cipher for personal data (``enc:<key id>:...``; key rotation by config)."""
    from bazaar.core.users.service import cipher as core_cipher

    return core_cipher(_core(rt))


def sql_migration(
    app_name: str, migration_id: str, description: str, common: list[str] | None = None, *,
    sqlite: list[str] | None = None, postgres: list[str] | None = None,
) -> Callable[[], Awaitable[MigrationManager]]:
    """A hand-written raw-SQL migration (indexes, triggers) for a plugin's Piccolo app, per engine:
    ``forwards = sql_migration("myplugin", ID, "why", ["CREATE INDEX ..."])`` next to ``ID``."""
    from bazaar.core.kernel.migrations import sql_migration as make

    return make(app_name, migration_id, description, common, sqlite=sqlite, postgres=postgres)


__all__ = [
    "Cipher",
    "ShippingMethod",
    "approve_listing",
    "checkout_snapshot",
    "cipher",
    "is_merchant_staff",
    "merchant_snapshot",
    "merchant_staff_ids",
    "order_snapshot",
    "orders_of_checkout",
    "product_snapshot",
    "reinstate_listing",
    "reject_listing",
    "release_stock",
    "restock",
    "set_aftersales_open",
    "ship_order",
    "shipping_address",
    "sql_migration",
    "take_down_listing",
    "transition_merchant",
    "transition_order",
    "user_contact",
    "user_snapshot",
]
