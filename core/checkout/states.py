"""The checkout status machine: one explicit table of ``(status, event) -> status``.

::

    pending_payment --pay-----> paid        (every order left is paid)
    pending_payment --place---> placed      (pay on delivery: orders accepted, nothing paid)
    pending_payment --cancel--> cancelled   (every order was cancelled)
    pending_payment --expire--> cancelled   (... after the payment deadline)

A checkout settles once none of its orders is ``pending_payment`` any more
(:func:`settle_event` decides which event); only the system fires these events.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from bazaar.core.orders.states import OrderState
from bazaar.sdk.states import StateMachine


class CheckoutStatus(StrEnum):
    pending_payment = "pending_payment"
    paid = "paid"
    placed = "placed"  # pay on delivery: accepted, nothing paid yet
    cancelled = "cancelled"


class CheckoutEvent(StrEnum):
    pay = "pay"
    place = "place"
    cancel = "cancel"
    expire = "expire"


S, E = CheckoutStatus, CheckoutEvent

TRANSITIONS: dict[tuple[CheckoutStatus, CheckoutEvent], CheckoutStatus] = {
    (S.pending_payment, E.pay): S.paid,
    (S.pending_payment, E.place): S.placed,
    (S.pending_payment, E.cancel): S.cancelled,
    (S.pending_payment, E.expire): S.cancelled,
}

CHECKOUT = StateMachine(
    "checkout.checkout",
    CheckoutStatus,
    CheckoutEvent,
    TRANSITIONS,
    actors={event: {"system"} for event in CheckoutEvent},
    final={S.paid, S.placed, S.cancelled},
    initial=S.pending_payment,
    noun="checkout",
)


def settle_event(orders: Iterable[tuple[str, bool]], *, past_deadline: bool) -> CheckoutEvent | None:
    """The event that settles a checkout from its orders' ``(state, was_paid)``, or ``None`` while one is unpaid.

    Every order cancelled: ``expire`` when the payment deadline has passed, else ``cancel``;
    otherwise ``pay`` when any order was paid, else ``place`` (pay on delivery).
    """
    rows = list(orders)
    if any(state == OrderState.pending_payment for state, _ in rows):
        return None
    if all(state == OrderState.cancelled for state, _ in rows):
        return E.expire if past_deadline else E.cancel
    return E.pay if any(paid for _, paid in rows) else E.place
