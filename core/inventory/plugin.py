"""``core.inventory``, a built-in: stock per SKU, reservations and the movement log."""

from __future__ import annotations

from bazaar.core import KERNEL_VERSION
from bazaar.core.inventory.api import MerchantStockController
from bazaar.sdk.plugin import Plugin

plugin = Plugin(
    id="core.inventory",
    version=KERNEL_VERSION,
    summary="Inventory: on-hand and reserved stock per SKU, atomic reservations, the movement log",
    requires=("core.catalogue",),
    piccolo_app="bazaar.core.inventory.piccolo_app",
    routes=(MerchantStockController,),
)
