"""Demo data for ``bazaar serve --demo``: a few cases in different states (idempotent)."""

from __future__ import annotations

from bazaar.plugins.aftersales import ports
from bazaar.plugins.aftersales.cases import load, move
from bazaar.plugins.aftersales.handling import accepted
from bazaar.plugins.aftersales.opening import create_case
from bazaar.plugins.aftersales.states import CaseEvent
from bazaar.sdk import services
from bazaar.sdk.demo import DemoContext
from bazaar.sdk.events import By
from bazaar.sdk.runtime import PluginRuntime

MARK = "demo case"


async def seed(rt: PluginRuntime, demo: DemoContext) -> None:
    """Alice returns a received order (accepted, waiting for her parcel); Bob asks for a refund on
    an order not shipped (waiting for the merchant); Alice's rejected claim is before the platform."""
    if await rt.db.fetchrow("SELECT id FROM aftersales_case WHERE description LIKE {} LIMIT 1", f"{MARK}%"):
        return
    received = await demo.buy("customer", "merchant", lines=2)
    disputed = await demo.buy("customer", "merchant", lines=1)
    unshipped = await demo.buy("customer2", "merchant2", lines=1)
    for order_id, customer in ((received[0], "customer"), (disputed[0], "customer")):
        async with rt.unit_of_work():
            await services.ship_order(rt, order_id, carrier="SF Express", tracking_number="SF1000000001",
                                      by=By(kind="plugin", plugin="aftersales"))
            await services.transition_order(rt, order_id, "confirm_receipt",
                                            by=By(kind="customer", id=demo.customer_ids[customer]),
                                            reason="demo: received")
    async with rt.unit_of_work():
        snap = await ports.order(rt, received[0])
        line = snap.lines[0]
        case = await create_case(rt, snap, snap.customer_id, "return_refund", "no_reason", [(line.id, 1)],
                                 description=f"{MARK}: changed my mind")
        await accepted(rt, case, actor="merchant", actor_id=None, note="demo: accepted")
        case = await load(rt, case["id"])
        if case["state"] == "awaiting_return_address":
            await move(rt, case, CaseEvent.give_address, actor="merchant",
                       changes={"return_address": ports.seal(rt, '{"name": "Lotus Returns", "phone": "13800138000", '
                                                                 '"country": "CN", "region": "Zhejiang", "city": '
                                                                 '"Hangzhou", "line1": "1 Returns Road"}')})
    async with rt.unit_of_work():
        snap = await ports.order(rt, disputed[0])
        case = await create_case(rt, snap, snap.customer_id, "refund_only", "missing_item",
                                 [(snap.lines[0].id, 1)], description=f"{MARK}: the box was empty")
        case = await move(rt, case, CaseEvent.reject, actor="merchant", note="demo: the parcel weighed right",
                          changes={"reject_reason": "the parcel weighed right at hand-over"})
        await move(rt, case, CaseEvent.escalate, actor="customer", note="demo: photos of the empty box",
                   changes={"escalated_by": "customer", "escalated_at": rt.clock.now()})
    async with rt.unit_of_work():
        snap = await ports.order(rt, unshipped[0])
        await create_case(rt, snap, snap.customer_id, "refund_only", "not_shipped",
                          [(ln.id, ln.quantity) for ln in snap.lines], description=f"{MARK}: no longer needed")
