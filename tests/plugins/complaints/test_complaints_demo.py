"""The demo seeder: complaints in several states and an IP notice, idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from complaints_market import Market

from bazaar.plugins.complaints.demo import demo
from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import checkout, line


@dataclass
class Shop:
    """A DemoContext over the test market (buys through the real checkout, paid at once)."""

    market: Market
    operator_id: str
    merchant_ids: dict[str, str]
    customer_ids: dict[str, str]
    sessions: dict[str, Any] = field(default_factory=dict)
    skus: dict[str, str] = field(default_factory=dict)

    async def buy(self, customer: str, merchant: str, *, lines: int = 1, quantity: int = 1,
                  payment_method: str | None = None, pay: bool = True) -> list[str]:
        r = await checkout(self.market.kit, self.sessions[customer], [line(self.skus[merchant], quantity, 1999)])
        assert r.status_code == 201, r.text
        return [o["id"] for o in r.json()["orders"]]


async def test_the_demo_seeds_complaints_in_several_states_once(market: Market) -> None:
    tea_id, _ = await market.kit.merchant(name="Green Tea House")
    tea = await seed.product(market.rt, tea_id, name="First flush", prices=[1999], stock=20)
    bob = await market.user()
    shop = Shop(market, market.operator.id, {"merchant": market.merchant_id, "merchant2": tea_id},
                {"customer": market.customer.id, "customer2": bob.id},
                {"customer": market.customer, "customer2": bob},
                {"merchant": market.sku_id, "merchant2": tea["skus"][0]})
    await demo(market.rt, shop)
    states = sorted(r["state"] for r in await market.rows("SELECT state FROM complaints_complaint"))
    assert states == ["closed", "investigating", "plan_proposed", "received"]
    await demo(market.rt, shop)  # a second run changes nothing
    assert len(await market.rows("SELECT id FROM complaints_complaint")) == 4
    questions = await market.rows("SELECT party, status FROM complaints_info_request")
    assert questions == [{"party": "merchant", "status": "open"}]
