"""``core.orders``, a built-in: the order machine, its history and views, cancel, ship, receipt."""

from __future__ import annotations

from bazaar.core import KERNEL_VERSION
from bazaar.core.orders.api import AdminOrdersController, MerchantOrdersController, OrdersController
from bazaar.sdk.events import (
    OrderAftersalesClosed,
    OrderAftersalesOpened,
    OrderCancelled,
    OrderCompleted,
    OrderDelivered,
    OrderPaid,
    OrderPlaced,
    OrderShipped,
)
from bazaar.sdk.plugin import Plugin

plugin = Plugin(
    id="core.orders",
    version=KERNEL_VERSION,
    summary="Orders: the order state machine, history, customer/merchant/operator views, cancel, ship",
    requires=("core.inventory",),
    piccolo_app="bazaar.core.orders.piccolo_app",
    routes=(OrdersController, MerchantOrdersController, AdminOrdersController),
    events=(OrderPaid, OrderPlaced, OrderShipped, OrderDelivered, OrderCompleted, OrderCancelled,
            OrderAftersalesOpened, OrderAftersalesClosed),
)
