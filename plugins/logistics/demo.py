"""Demo data for ``bazaar serve --demo``: shipments in several states and a parcel to drive.

Alice buys three orders from Lotus Electronics: one waits to be shipped (its ship-by on the
merchant's queue), one is handed over and in transit with the sandbox carrier (drive it on
``/api/v1/logistics/sandbox/?waybill=...``), one is delivered and signed for. Idempotent: a
second run finds its marker in ``logistics_action`` and does nothing.
"""

from __future__ import annotations

from bazaar.plugins.logistics import shipments
from bazaar.plugins.logistics.schemas import LineIn, ShipmentCreate
from bazaar.sdk.api import new_id
from bazaar.sdk.demo import DemoContext
from bazaar.sdk.runtime import PluginRuntime

MARKER = "demo:logistics"


async def seed_logistics(rt: PluginRuntime, demo: DemoContext) -> None:
    """Seed the logistics demo once."""
    if await rt.db.fetchrow("SELECT id FROM logistics_action WHERE subject = {}", MARKER):
        return
    merchant = demo.merchant_ids["merchant"]
    orders = await demo.buy("customer", "merchant", lines=1, quantity=1)
    orders += await demo.buy("customer", "merchant", lines=2, quantity=1)
    orders += await demo.buy("customer", "merchant", lines=1, quantity=2)
    await demo.run_due()
    for n, order_id in enumerate(orders[1:3]):
        lines = await _lines(rt, order_id)
        data = ShipmentCreate(lines=[LineIn(sku_id=s, quantity=q) for s, q in lines], carrier="SF")
        sid = await shipments.create(rt, merchant, order_id, data, demo.operator_id)
        await shipments.buy_labels(rt, merchant, sid, demo.operator_id)
        waybill = (await shipments.parcels_of(rt, sid))[0]["waybill"]
        from bazaar.plugins.logistics import contract

        books = contract.provider(rt, "carrier", "sandbox").books
        for action in ("pickup", "transit") if n == 0 else ("pickup", "transit", "out_for_delivery", "sign_self"):
            await books.scan(waybill, action)
    await demo.run_due()
    async with rt.unit_of_work():
        await rt.db.execute(
            "INSERT INTO logistics_action (id, subject, action, actor_id, detail, at) VALUES ({}, {}, 'seeded', {}, "
            "{}, {})",
            new_id("lac"), MARKER, demo.operator_id, "{}", rt.clock.now(),
        )


async def _lines(rt: PluginRuntime, order_id: str) -> list[tuple[str, int]]:
    from bazaar.plugins.logistics import contract

    return await contract.order_lines(rt, order_id)
