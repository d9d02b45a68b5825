"""The order state machine: one explicit table of ``(state, event) -> state``.

::

    pending_payment --pay--------------> paid ----ship---> shipped --deliver--> delivered
    pending_payment --place_cod--------> placed --ship--^    |                     |
    pending_payment --cancel|expire----> cancelled           +--confirm_receipt----+--> completed
    paid | placed   --cancel-----------> cancelled           +--auto_confirm-------+

Cancelling is possible only before shipment. After-sales (returns, refunds after
delivery) is not an order state: plugins set the order's ``aftersales_open`` flag.
"""

from __future__ import annotations

from enum import StrEnum

from bazaar.sdk.states import StateMachine


class OrderState(StrEnum):
    pending_payment = "pending_payment"
    paid = "paid"
    placed = "placed"  # pay on delivery: accepted, nothing paid yet
    shipped = "shipped"
    delivered = "delivered"
    completed = "completed"
    cancelled = "cancelled"


class OrderEvent(StrEnum):
    pay = "pay"
    place_cod = "place_cod"
    ship = "ship"
    deliver = "deliver"
    confirm_receipt = "confirm_receipt"
    auto_confirm = "auto_confirm"
    cancel = "cancel"
    expire = "expire"


S, E = OrderState, OrderEvent

TRANSITIONS: dict[tuple[OrderState, OrderEvent], OrderState] = {
    (S.pending_payment, E.pay): S.paid,
    (S.pending_payment, E.place_cod): S.placed,
    (S.pending_payment, E.cancel): S.cancelled,
    (S.pending_payment, E.expire): S.cancelled,
    (S.paid, E.ship): S.shipped,
    (S.paid, E.cancel): S.cancelled,
    (S.placed, E.ship): S.shipped,
    (S.placed, E.cancel): S.cancelled,
    (S.shipped, E.deliver): S.delivered,
    (S.shipped, E.confirm_receipt): S.completed,
    (S.shipped, E.auto_confirm): S.completed,
    (S.delivered, E.confirm_receipt): S.completed,
    (S.delivered, E.auto_confirm): S.completed,
}

#: the column stamped when an order enters a state
TIMESTAMP_COLUMN: dict[OrderState, str] = {
    S.paid: "paid_at",
    S.shipped: "shipped_at",
    S.delivered: "delivered_at",
    S.completed: "completed_at",
    S.cancelled: "cancelled_at",
}

#: states in which stock is reserved for the order (released on cancel, committed on ship)
HOLDS_STOCK = frozenset({S.pending_payment, S.paid, S.placed})
#: states in which the customer has paid (a cancel refunds)
PAID = frozenset({S.paid})
#: states that end an order
FINAL = frozenset({S.completed, S.cancelled})

ORDER = StateMachine(
    "orders.order",
    OrderState,
    OrderEvent,
    TRANSITIONS,
    actors={
        E.pay: {"system"},  # the payment plugin, on the provider's confirmation
        E.place_cod: {"system"},
        E.ship: {"merchant", "system"},  # merchant staff, or a logistics plugin
        E.deliver: {"system"},  # a logistics plugin, on the carrier's scan
        E.confirm_receipt: {"customer"},
        E.auto_confirm: {"system"},  # the receipt window ended
        E.cancel: {"customer", "merchant", "operator", "system"},  # before shipment; plugins cancel late or refused orders
        E.expire: {"system"},  # unpaid timeout
    },
    final=FINAL,
    initial=S.pending_payment,
)

