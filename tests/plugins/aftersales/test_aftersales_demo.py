"""The demo seeder: cases in different states for ``bazaar serve --demo``, idempotent."""

from __future__ import annotations

from typing import Any

from bazaar.core.demo import DemoShop, demo_state, seed, seed_plugins


async def test_demo_cases_in_different_states(bazaar_factory: Any, tmp_path: Any) -> None:
    kit = await bazaar_factory(plugins=["payments.escrow", "aftersales"])
    logins = demo_state(str(tmp_path / "bazaar-demo.json"))["logins"]
    assert await seed(kit.runtime, logins, products=8)
    shop = await DemoShop.load(kit.runtime, logins)
    try:
        assert "aftersales" in await seed_plugins(kit.runtime, shop)
        rows = await kit.runtime.db.fetch("SELECT type, state FROM aftersales_case ORDER BY type, state")
        assert sorted((r["type"], r["state"]) for r in rows) == [
            ("refund_only", "escalated"), ("refund_only", "requested"), ("return_refund", "awaiting_buyer_shipment")]
        await seed_plugins(kit.runtime, shop)
        assert len(await kit.runtime.db.fetch("SELECT id FROM aftersales_case")) == 3
    finally:
        await shop.close()
