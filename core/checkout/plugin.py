"""``core.checkout``, a built-in: payment methods, checkouts, the payment deadline.

Listens (in the emitting transaction) to ``order.paid``, ``order.placed`` and
``order.cancelled``: once no order of a checkout waits for payment, the checkout settles.
"""

from __future__ import annotations

from bazaar.core import KERNEL_VERSION
from bazaar.core.checkout.api import CheckoutsController, PaymentMethodsController
from bazaar.core.checkout.listeners import on_order_left_pending_payment
from bazaar.core.checkout.service import EXPIRE_TIMER, expire
from bazaar.sdk.events import CheckoutCreated, CheckoutSettled, OrderCreated
from bazaar.sdk.plugin import Plugin

plugin = Plugin(
    id="core.checkout",
    version=KERNEL_VERSION,
    summary="Checkout: payment methods, validation, reservation, per-merchant split, totals, payment",
    requires=("core.inventory",),
    piccolo_app="bazaar.core.checkout.piccolo_app",
    routes=(PaymentMethodsController, CheckoutsController),
    timers={EXPIRE_TIMER: expire},
    events=(CheckoutCreated, OrderCreated, CheckoutSettled),
    listeners={
        "order.paid": on_order_left_pending_payment,
        "order.placed": on_order_left_pending_payment,
        "order.cancelled": on_order_left_pending_payment,
    },
)
