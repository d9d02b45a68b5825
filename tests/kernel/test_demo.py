"""``bazaar serve --demo``: the core's seed, then each plugin's ``Plugin.demo`` with a DemoContext.

A tiny plugin's seeder buys as a demo customer through ``DemoContext.buy``: the orders
come from the core's checkout, and with ``pay=True`` they end ``paid`` through the real
escrow plugin and its sandbox (pay page, approval, signed notification).
"""

from __future__ import annotations

from typing import Any

from bazaar.core.demo import DemoShop, demo_state, seed, seed_plugins
from bazaar.sdk import Plugin, services
from bazaar.sdk.demo import DemoContext
from bazaar.sdk.runtime import PluginRuntime


def buyer_plugin(pid: str, bought: dict[str, list[str]], calls: list[str], *, requires: tuple[str, ...] = (),
                 pay: bool = True) -> Plugin:
    async def demo(rt: PluginRuntime, shop: DemoContext) -> None:
        calls.append(pid)
        if pid in bought:  # idempotent: a second --demo does not buy again
            return
        bought[pid] = await shop.buy("customer", "merchant", lines=2, quantity=1, pay=pay)

    return Plugin(id=pid, version="1.0.0", summary="buys in the demo", requires=requires, demo=demo)


async def demo_kit(bazaar_factory: Any, tmp_path: Any, *extra: Plugin) -> tuple[Any, DemoShop]:
    kit = await bazaar_factory(plugins=["payments.escrow", *(p.id for p in extra)], extra=list(extra))
    logins = demo_state(str(tmp_path / "bazaar-demo.json"))["logins"]
    assert await seed(kit.runtime, logins, products=8)
    assert not await seed(kit.runtime, logins, products=8), "a second seed finds the demo operator"
    return kit, await DemoShop.load(kit.runtime, logins)


async def test_plugin_demo_buys_and_pays_through_the_sandbox(bazaar_factory, tmp_path):
    bought: dict[str, list[str]] = {}
    calls: list[str] = []
    kit, shop = await demo_kit(bazaar_factory, tmp_path, buyer_plugin("demobuyer", bought, calls))
    try:
        assert await seed_plugins(kit.runtime, shop) == ["demobuyer"]
        assert len(bought["demobuyer"]) == 1, "two SKUs of one merchant make one order"
        order = await services.order_snapshot(kit.runtime, bought["demobuyer"][0])
        assert order.state == "paid" and order.paid_at is not None
        assert order.customer_id == shop.customer_ids["customer"]
        assert order.merchant_id == shop.merchant_ids["merchant"]
        assert order.payment_provider == "payments.escrow" and len(order.lines) == 2
        assert await seed_plugins(kit.runtime, shop) == ["demobuyer"]
        assert len(bought) == 1 and calls == ["demobuyer", "demobuyer"]
    finally:
        await shop.close()


async def test_unpaid_demo_orders_wait_for_payment_and_seeders_run_in_dependency_order(bazaar_factory, tmp_path):
    bought: dict[str, list[str]] = {}
    calls: list[str] = []
    later = buyer_plugin("aaa.later", bought, calls, requires=("zzz.first",), pay=False)
    first = buyer_plugin("zzz.first", bought, calls, pay=False)
    kit, shop = await demo_kit(bazaar_factory, tmp_path, later, first)
    try:
        assert await seed_plugins(kit.runtime, shop) == ["zzz.first", "aaa.later"]
        assert calls == ["zzz.first", "aaa.later"]
        states = {(await services.order_snapshot(kit.runtime, oid)).state for ids in bought.values() for oid in ids}
        assert states == {"pending_payment"}
        assert set(shop.merchant_ids) == {"merchant", "merchant2", "pending_merchant"}
        assert shop.operator_id not in shop.customer_ids.values()
    finally:
        await shop.close()
