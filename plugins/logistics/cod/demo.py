"""Demo data of ``logistics.cod``: Lotus Electronics accepts COD and Bob has placed one COD order."""

from __future__ import annotations

from bazaar.sdk.api import new_id
from bazaar.sdk.demo import DemoContext
from bazaar.sdk.runtime import PluginRuntime

MARKER = "demo:logistics.cod"


async def seed_cod(rt: PluginRuntime, demo: DemoContext) -> None:
    """Seed once (a marker row in ``logistics_cod_audit`` keeps a second run from seeding again)."""
    if await rt.db.fetchrow("SELECT id FROM logistics_cod_audit WHERE exception_id = {}", MARKER):
        return
    merchant = demo.merchant_ids["merchant"]
    async with rt.unit_of_work():
        await rt.db.execute(
            "INSERT INTO logistics_cod_merchant (merchant_id, accepts, updated_at) VALUES ({}, {}, {}) "
            "ON CONFLICT (merchant_id) DO NOTHING", merchant, True, rt.clock.now())
    await demo.buy("customer2", "merchant", lines=1, quantity=1, payment_method="cod", pay=False)
    async with rt.unit_of_work():
        await rt.db.execute(
            "INSERT INTO logistics_cod_audit (id, exception_id, action, actor_id, note, detail, at) "
            "VALUES ({}, {}, 'seeded', {}, 'demo data', {}, {})",
            new_id("cau"), MARKER, demo.operator_id, "{}", rt.clock.now())
