"""A marketplace for reviews tests: a store with products, buyers who complete orders over HTTP.

Orders are paid at once by the test payment plugin (``start_status = "paid"``, or
``on_delivery`` for cash on delivery), shipped by the store and confirmed by the buyer,
so the reviews plugin learns of them only through the real events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import checkout, line

PLUGINS = ["reviews", "testing.payments"]


def config(start_status: str = "paid", **reviews: Any) -> dict[str, Any]:
    return {"testing.payments": {"start_status": start_status}, "reviews": {"preset": "cn", **reviews}}


@dataclass
class Market:
    kit: Any
    merchant_id: str
    owner: Any
    skus: list[str]
    products: list[str]
    operator: Any
    buyers: list[Any] = field(default_factory=list)

    @property
    def rt(self) -> Any:
        return self.kit.runtime

    @property
    def c(self) -> Any:
        return self.kit.client

    async def buyer(self) -> Any:
        user = await self.kit.user()
        self.buyers.append(user)
        return user

    async def order(self, buyer: Any, lines: int = 1, *, complete: bool = True) -> str:
        """Buy ``lines`` products (one each); ship; confirm receipt unless told not to. The order id."""
        r = await checkout(self.kit, buyer, [line(sku, 1, 1999) for sku in self.skus[:lines]])
        assert r.status_code == 201, r.text
        (order,) = r.json()["orders"]
        r = await self.c.post(f"/api/v1/merchants/{self.merchant_id}/orders/{order['id']}/ship",
                              json={"carrier": "SF Express", "tracking_number": "SF100200300"},
                              headers=self.owner.headers)
        assert r.status_code == 200, r.text
        if complete:
            r = await self.c.post(f"/api/v1/orders/{order['id']}/confirm-receipt", headers=buyer.headers)
            assert r.status_code == 200, r.text
        return order["id"]

    async def eligible(self, buyer: Any) -> list[dict[str, Any]]:
        r = await self.c.get("/api/v1/reviews/mine/eligible", headers=buyer.headers)
        assert r.status_code == 200, r.text
        return r.json()

    async def lines_of(self, buyer: Any, order_id: str) -> list[str]:
        return [e["line_id"] for e in await self.eligible(buyer) if e["order_id"] == order_id]

    async def review(self, buyer: Any, line_id: str, rating: int = 5, **body: Any) -> Any:
        return await self.c.post("/api/v1/reviews", json={"line_id": line_id, "rating": rating, **body},
                                 headers=buyer.headers)

    async def reviewed(self, buyer: Any, rating: int = 5, **body: Any) -> dict[str, Any]:
        """A completed order and its review (201); the review body."""
        order_id = await self.order(buyer)
        (line_id,) = await self.lines_of(buyer, order_id)
        r = await self.review(buyer, line_id, rating, **body)
        assert r.status_code == 201, r.text
        return r.json()

    async def hide(self, review_id: str, ground: str = "personal_data", reason: str = "names a phone number") -> Any:
        return await self.c.post(f"/api/v1/reviews/admin/reviews/{review_id}/hide",
                                 json={"ground": ground, "reason": reason}, headers=self.operator.headers)

    async def summary(self, product_id: str | None = None) -> dict[str, Any]:
        r = await self.c.get(f"/api/v1/reviews/products/{product_id or self.products[0]}/summary")
        assert r.status_code == 200, r.text
        return r.json()

    async def advance_to(self, moment: datetime) -> None:
        """Move the clock to ``moment``, run what fell due, and sign everyone in again."""
        await self.kit.advance(moment - self.kit.clock.now())
        await self.relogin()

    async def advance(self, **delta: float) -> None:
        await self.kit.advance(timedelta(**delta))
        await self.relogin()

    async def relogin(self) -> None:
        """Fresh tokens for everyone (in place, so tests keep their references)."""
        for session in (self.owner, self.operator, *self.buyers):
            session.token = (await self.kit.login(session.email, session.password)).token


async def make_market(bazaar_factory: Any, *, start_status: str = "paid", products: int = 2,
                      plugins: tuple[str, ...] = (), settings: dict[str, Any] | None = None,
                      extra_config: dict[str, Any] | None = None, **reviews: Any) -> Market:
    kit = await bazaar_factory(plugins=[*PLUGINS, *plugins], config={**config(start_status, **reviews),
                                                                     **(extra_config or {})},
                               settings=settings or {})
    merchant_id, owner = await kit.merchant(name="Tea House")
    skus, ids = [], []
    for i in range(products):
        made = await seed.product(kit.runtime, merchant_id, name=f"Tea {i}", prices=[1999], stock=500)
        skus.append(made["skus"][0])
        ids.append(made["id"])
    return Market(kit, merchant_id, owner, skus, ids, await kit.operator())
