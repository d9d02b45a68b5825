"""What the commerce core contributes to the kernel: its apps, timer handlers and routes."""

from __future__ import annotations

from typing import Any

#: the core's Piccolo apps, migrated in this order before any plugin's
CORE_APPS = [
    "bazaar.core.kernel.piccolo_app",
    "bazaar.core.users.piccolo_app",
    "bazaar.core.merchants.piccolo_app",
    "bazaar.core.catalogue.piccolo_app",
    "bazaar.core.inventory.piccolo_app",
    "bazaar.core.checkout.piccolo_app",
    "bazaar.core.orders.piccolo_app",
]

#: timer kind -> handler(runtime, due); kinds start with ``core.``
CORE_TIMERS: dict[str, Any] = {}


async def _checkout_expire(rt: Any, due: Any) -> None:
    from bazaar.core.checkout.service import expire

    await expire(rt, due)


CORE_TIMERS["core.checkout_expire"] = _checkout_expire


def core_route_handlers() -> list[Any]:
    """The core's Litestar controllers, mounted under ``/api/v1``."""
    from bazaar.core.catalogue.api import (
        AdminCategoriesController,
        AdminProductsController,
        CategoriesController,
        MerchantProductsController,
        StorefrontController,
    )
    from bazaar.core.checkout.api import CheckoutsController, PaymentMethodsController
    from bazaar.core.inventory.api import MerchantStockController
    from bazaar.core.merchants.api import (
        AdminMerchantsController,
        InvitationsController,
        MerchantsController,
    )
    from bazaar.core.orders.api import (
        AdminOrdersController,
        MerchantOrdersController,
        OrdersController,
    )
    from bazaar.core.users.api import AdminUsersController, AuthController, MeController

    return [
        AuthController,
        MeController,
        AdminUsersController,
        MerchantsController,
        InvitationsController,
        AdminMerchantsController,
        CategoriesController,
        AdminCategoriesController,
        StorefrontController,
        MerchantProductsController,
        MerchantStockController,
        AdminProductsController,
        PaymentMethodsController,
        CheckoutsController,
        OrdersController,
        MerchantOrdersController,
        AdminOrdersController,
    ]
