"""A marketplace for after-sales tests: escrow payments (sandbox), one merchant, a buyer, an operator.

Everything goes through HTTP; the clock is a ManualClock on the calendar of a National Day week
(1-7 October 2026 off, Saturday 10 October worked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bazaar.core.kernel.clock import ManualClock
from bazaar.sdk.testing import seed

SECRET = "test-sandbox-secret-0123456789-abcdef"
CST = ZoneInfo("Asia/Shanghai")
HOLIDAYS = [date(2026, 10, d).isoformat() for d in range(1, 8)]
WORKDAYS = [date(2026, 10, 10).isoformat()]
PRICES = {"tea": 1000, "kettle": 12000, "tin": 300}
API = "/api/v1/aftersales"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CST)


@dataclass
class Shop:
    kit: Any
    merchant_id: str
    owner: Any
    customer: Any
    operator: Any
    skus: dict[str, str]
    products: dict[str, str]
    stranger: Any = None
    orders: list[str] = field(default_factory=list)

    @property
    def c(self) -> Any:
        return self.kit.client

    @property
    def rt(self) -> Any:
        return self.kit.runtime

    def who(self, name: str) -> dict[str, str]:
        return {"customer": self.customer, "merchant": self.owner, "operator": self.operator,
                "stranger": self.stranger}[name].headers

    async def buy(self, lines: dict[str, int], *, acknowledgements: list[str] | None = None, pay: bool = True) -> str:
        """Check out and (by default) pay on the sandbox page; answers the order id."""
        body: dict[str, Any] = {
            "lines": [{"sku_id": self.skus[n], "quantity": q, "unit_price": {"amount": PRICES[n], "currency": "CNY"}}
                      for n, q in lines.items()],
            "shipping_address": {"name": "Alice", "phone": "13912345678", "country": "CN", "region": "Zhejiang",
                                 "city": "Hangzhou", "line1": "88 Wensan Road"},
            "payment_method": "sandbox",
        }
        if acknowledgements is not None:
            body["acknowledgements"] = acknowledgements
        r = await self.c.post("/api/v1/checkouts", json=body, headers=self.customer.headers)
        assert r.status_code == 201, r.text
        checkout = r.json()
        if pay:
            page = (await self.c.get(checkout["payment"]["pay_url"])).headers["location"]
            assert (await self.c.post(page + "/approve")).status_code == 200
        order_id = checkout["orders"][0]["id"]
        self.orders.append(order_id)
        return order_id

    async def ship(self, order_id: str) -> None:
        r = await self.c.post(f"/api/v1/merchants/{self.merchant_id}/orders/{order_id}/ship",
                              json={"carrier": "SF Express", "tracking_number": "SF100200300"},
                              headers=self.owner.headers)
        assert r.status_code == 200, r.text

    async def receive(self, order_id: str) -> None:
        r = await self.c.post(f"/api/v1/orders/{order_id}/confirm-receipt", headers=self.customer.headers)
        assert r.status_code == 200, r.text

    async def deliver(self, order_id: str) -> None:
        """What logistics does on a delivery proof that counts: the order is delivered (money still held)."""
        from bazaar.sdk import services
        from bazaar.sdk.events import By

        async with self.rt.unit_of_work():
            await services.transition_order(self.rt, order_id, "deliver", by=By(kind="plugin", plugin="logistics"),
                                            reason="recipient signed")

    async def delivered_order(self, lines: dict[str, int], **kw: Any) -> str:
        order_id = await self.buy(lines, **kw)
        await self.ship(order_id)
        await self.receive(order_id)
        return order_id

    async def order(self, order_id: str) -> dict[str, Any]:
        r = await self.c.get(f"/api/v1/orders/{order_id}", headers=self.customer.headers)
        assert r.status_code == 200, r.text
        return r.json()

    async def lines(self, order_id: str) -> dict[str, str]:
        """SKU name -> order line id."""
        names = {v: k for k, v in self.skus.items()}
        return {names[ln["sku_id"]]: ln["id"] for ln in (await self.order(order_id))["lines"]}

    async def open(self, order_id: str, type_: str, ground: str, lines: dict[str, int], **extra: Any) -> Any:
        ids = await self.lines(order_id)
        return await self.c.post(f"{API}/cases", headers=self.customer.headers, json={
            "order_id": order_id, "type": type_, "ground": ground,
            "lines": [{"order_line_id": ids[n], "quantity": q} for n, q in lines.items()], **extra})

    async def opened(self, order_id: str, type_: str, ground: str, lines: dict[str, int], **extra: Any) -> dict[str, Any]:
        r = await self.open(order_id, type_, ground, lines, **extra)
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    async def act(self, case_id: str, action: str, who: str, json: Any = None) -> Any:
        base = f"{API}/admin/cases" if who == "operator" and action in ("rule", "request_evidence", "decide_appeal") \
            else f"{API}/cases"
        return await self.c.post(f"{base}/{case_id}/{action}", json=json, headers=self.who(who))

    async def did(self, case_id: str, action: str, who: str, json: Any = None) -> dict[str, Any]:
        r = await self.act(case_id, action, who, json)
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def case(self, case_id: str, who: str = "customer") -> dict[str, Any]:
        r = await self.c.get(f"{API}/cases/{case_id}", headers=self.who(who))
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def payment(self, order_id: str) -> dict[str, Any]:
        r = await self.c.get(f"/api/v1/payments/orders/{order_id}", headers=self.customer.headers)
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def balance(self) -> dict[str, Any]:
        r = await self.c.get(f"/api/v1/payments/merchants/{self.merchant_id}/balance", headers=self.owner.headers)
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def assert_balanced(self) -> None:
        r = await self.c.get("/api/v1/payments/admin/trial-balance", headers=self.operator.headers)
        assert r.status_code == 200 and r.json()["balanced"] and r.json()["negative_balances"] == [], r.text

    async def advance(self, **delta: float) -> int:
        return await self.kit.advance(timedelta(**delta))

    async def at(self, when: datetime) -> int:
        """Move the clock to ``when`` (never backwards) and run what fell due."""
        self.kit.clock.set(max(when.astimezone(UTC), self.kit.clock.now()))
        return await self.kit.run_due()

    async def address(self, case_id: str) -> dict[str, Any]:
        return await self.did(case_id, "return_address", "merchant", {"address": {
            "name": "Tea House Returns", "phone": "13800138000", "country": "CN", "region": "Zhejiang",
            "city": "Hangzhou", "line1": "1 Returns Road"}})

    async def ship_back(self, case_id: str, cost: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"carrier": "SF Express", "waybill": "SF9000000001"}
        if cost is not None:
            body["shipping_cost"] = {"amount": cost, "currency": "CNY"}
        return await self.did(case_id, "return_shipment", "customer", body)

    async def receipt(self, case_id: str, *, findings: list[str] | None = None, received: int | None = None,
                      disposition: str = "restock") -> Any:
        case = await self.case(case_id, "merchant")
        lines = [{"case_line_id": ln["id"], "received_quantity": ln["quantity"] if received is None else received,
                  "disposition": disposition, "findings": findings or []} for ln in case["lines"]]
        return await self.act(case_id, "receipt", "merchant", {"lines": lines})


async def make_shop(bazaar_factory: Any, *, preset: str = "cn", start: datetime | None = None,
                    extra: tuple[Any, ...] = (), aftersales: dict[str, Any] | None = None,
                    plugins: tuple[str, ...] = (), config: dict[str, Any] | None = None) -> Shop:
    clock = ManualClock(start or datetime(2026, 9, 21, 2, 0, tzinfo=UTC))
    kit = await bazaar_factory(
        plugins=["payments.escrow", "aftersales", *plugins], extra=list(extra), clock=clock,
        config={"payments.escrow": {"preset": preset, "payout_interval_hours": 744, "allow_sandbox": True,
                                    "sandbox": {"secret": SECRET}},
                "aftersales": {"preset": preset, **(aftersales or {})}, **(config or {})},
        settings={"calendar": {"timezone": "Asia/Shanghai", "holidays": HOLIDAYS, "workdays": WORKDAYS},
                  "security": {"token_ttl_seconds": 30 * 86_400}},
    )
    merchant_id, owner = await kit.merchant(name="Tea House")
    skus, products = {}, {}
    for name, price in PRICES.items():
        product = await seed.product(kit.runtime, merchant_id, name=name.title(), prices=[price], stock=50)
        skus[name], products[name] = product["skus"][0], product["id"]
    r = await kit.client.put(f"/api/v1/payments/merchants/{merchant_id}/settlement-account",
                             json={"holder_name": "Tea House", "bank_account": "6222020200112233"},
                             headers=owner.headers)
    assert r.status_code == 200, r.text
    return Shop(kit, merchant_id, owner, await kit.user(), await kit.operator(), skus, products,
                stranger=await kit.user())
