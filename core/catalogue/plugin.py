"""``core.catalogue``, a built-in: categories, products, listings and the storefront.

Listens (in the emitting transaction) to ``merchant.status_changed``: a store that stops
or starts selling hides or shows its live listings.
"""

from __future__ import annotations

from bazaar.core import KERNEL_VERSION
from bazaar.core.catalogue.api import (
    AdminCategoriesController,
    AdminProductsController,
    CategoriesController,
    MerchantProductsController,
    StorefrontController,
)
from bazaar.core.catalogue.listeners import on_merchant_status_changed
from bazaar.sdk.events import ListingStatusChanged, ProductCreated, SkuPriceChanged
from bazaar.sdk.plugin import Plugin

plugin = Plugin(
    id="core.catalogue",
    version=KERNEL_VERSION,
    summary="Catalogue: categories, products with variants, listing lifecycle, storefront search",
    requires=("core.merchants",),
    piccolo_app="bazaar.core.catalogue.piccolo_app",
    routes=(
        CategoriesController,
        AdminCategoriesController,
        StorefrontController,
        MerchantProductsController,
        AdminProductsController,
    ),
    events=(ProductCreated, ListingStatusChanged, SkuPriceChanged),
    listeners={"merchant.status_changed": on_merchant_status_changed},
)
