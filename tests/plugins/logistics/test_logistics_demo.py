"""The demo seeders: shipments in several states, a parcel to drive, one COD order; idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from logistics_market import Market
from test_logistics_cod import cod_market

from bazaar.plugins.logistics.cod.demo import seed_cod
from bazaar.plugins.logistics.demo import seed_logistics


@dataclass
class Demo:
    """A DemoContext over a test market (``bazaar.sdk.demo.DemoContext``)."""

    m: Market
    operator_id: str = ""
    merchant_ids: dict[str, str] = field(default_factory=dict)
    customer_ids: dict[str, str] = field(default_factory=dict)

    async def buy(self, customer: str, merchant: str, *, lines: int = 1, quantity: int = 1,
                  payment_method: str | None = None, pay: bool = True) -> list[str]:
        quantities = tuple(quantity if i < lines else 0 for i in range(2))
        order_id = await self.m.buy(quantities, method=payment_method or "sandbox", pay=pay)
        await self.m.kit.run_due()
        return [order_id]

    async def run_due(self) -> int:
        return await self.m.kit.run_due()


async def test_demo_seeders_make_shipments_in_several_states_once(bazaar_factory: Any) -> None:
    m = await cod_market(bazaar_factory)
    demo = Demo(m, operator_id=m.operator.id, merchant_ids={"merchant": m.merchant},
                customer_ids={"customer": m.customer.id, "customer2": m.customer.id})
    await seed_logistics(m.rt, demo)
    await seed_cod(m.rt, demo)
    states = await m.rt.db.fetch("SELECT state FROM logistics_shipment ORDER BY state")
    assert [s["state"] for s in states] == ["delivered", "handed_over"]
    waiting = await m.rt.db.fetch("SELECT payment_kind FROM logistics_order WHERE state = 'open' ORDER BY payment_kind")
    assert [w["payment_kind"] for w in waiting] == ["cod", "online"], "one paid and one COD order wait to ship"
    cod = await m.rt.db.fetch("SELECT state FROM logistics_cod_collection")
    assert [c["state"] for c in cod] == ["expected"]
    await seed_logistics(m.rt, demo)
    await seed_cod(m.rt, demo)
    assert len(await m.rt.db.fetch("SELECT id FROM logistics_shipment")) == 2
    assert len(await m.rt.db.fetch("SELECT id FROM logistics_cod_collection")) == 1
