"""What checkout does, in the same transaction, when an order of one of its checkouts moves."""

from __future__ import annotations

from bazaar.core.checkout.service import settle
from bazaar.core.kernel.runtime import Runtime
from bazaar.sdk.events import OrderCancelled, OrderPaid, OrderPlaced


def _move_of(event: OrderPaid | OrderPlaced | OrderCancelled) -> str:
    """The order machine's move behind the event (the reason given to the provider when none was)."""
    if isinstance(event, OrderPaid):
        return "pay"
    if isinstance(event, OrderPlaced):
        return "place_cod"
    return "expire" if event.cancel_reason == "unpaid_timeout" else "cancel"


async def on_order_left_pending_payment(rt: Runtime, event: OrderPaid | OrderPlaced | OrderCancelled) -> None:
    """``order.paid`` / ``order.placed`` / ``order.cancelled`` from ``pending_payment``: settle the
    checkout once none of its orders waits for payment (:func:`settle`)."""
    if event.from_state != "pending_payment":
        return
    await settle(rt, event.checkout_id, ctx=rt.context(actor_id=event.by.id), reason=event.reason or _move_of(event))
