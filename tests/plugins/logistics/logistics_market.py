"""A marketplace for logistics tests: escrow payments (sandbox), logistics (sandbox carrier), one
merchant with two SKUs, a buyer and an operator. The clock starts on a known Wednesday."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import checkout, line

PAY_SECRET = "test-sandbox-secret-0123456789-abcdef"
CARRIER_SECRET = "test-carrier-secret-0123456789-abcdef"
#: Wednesday 2025-01-08 10:00 in Shanghai
WEDNESDAY = datetime(2025, 1, 8, 2, 0, tzinfo=UTC)
PRICES = (1999, 12000)


def config(*, cod: dict[str, Any] | None = None, **logistics: Any) -> dict[str, Any]:
    sandbox = {"secret": CARRIER_SECRET, **logistics.pop("sandbox", {})}
    out: dict[str, Any] = {
        "payments.escrow": {"preset": "cn", "allow_sandbox": True, "sandbox": {"secret": PAY_SECRET}},
        "logistics": {"preset": "cn", "allow_sandbox": True, "sandbox": sandbox, **logistics},
    }
    if cod is not None:
        out["logistics.cod"] = {"preset": "cn", **cod}
    return out


@dataclass
class Market:
    kit: Any
    merchant: str
    owner: Any
    skus: list[str]
    customer: Any
    operator: Any

    @property
    def rt(self) -> Any:
        return self.kit.runtime

    @property
    def c(self) -> Any:
        return self.kit.client

    def m(self, path: str) -> str:
        return f"/api/v1/logistics/merchants/{self.merchant}{path}"

    async def buy(self, quantities: tuple[int, ...] = (1, 1), *, method: str = "sandbox", pay: bool = True,
                  address: dict[str, Any] | None = None) -> str:
        """One order of this merchant (one line per SKU with a quantity); paid through the sandbox."""
        lines = [line(self.skus[i], q, PRICES[i]) for i, q in enumerate(quantities) if q]
        r = await checkout(self.kit, self.customer, lines, method=method, address=address)
        assert r.status_code == 201, r.text
        body = r.json()
        if pay and method == "sandbox":
            page = (await self.c.get(body["payment"]["pay_url"])).headers["location"]
            assert (await self.c.post(page + "/approve", json=None)).status_code == 200
        return str(body["orders"][0]["id"])

    async def ship(self, order_id: str, lines: list[tuple[int, int]] | None = None, *, carrier: str = "SF",
                   parcels: list[dict[str, Any]] | None = None, expect: int = 200) -> dict[str, Any]:
        """Create a shipment of ``(sku index, quantity)`` lines (all of the order when None)."""
        if lines is None:
            r = await self.c.get(f"/api/v1/orders/{order_id}", headers=self.customer.headers)
            chosen = [{"sku_id": ln["sku_id"], "quantity": ln["quantity"]} for ln in r.json()["lines"]]
        else:
            chosen = [{"sku_id": self.skus[i], "quantity": q} for i, q in lines]
        body: dict[str, Any] = {"lines": chosen, "carrier": carrier}
        if parcels is not None:
            body["parcels"] = parcels
        r = await self.c.post(self.m(f"/orders/{order_id}/shipments"), json=body, headers=self.owner.headers)
        assert r.status_code == (201 if expect == 200 else expect), r.text
        return dict(r.json())

    async def labels(self, shipment_id: str) -> dict[str, Any]:
        r = await self.c.post(self.m(f"/shipments/{shipment_id}/labels"), headers=self.owner.headers)
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def hand_over(self, shipment_id: str, expect: int = 200) -> Any:
        r = await self.c.post(self.m(f"/shipments/{shipment_id}/hand-over"), headers=self.owner.headers)
        assert r.status_code == expect, r.text
        return r.json()

    async def scan(self, waybill: str, *actions: str, at: datetime | None = None) -> dict[str, Any]:
        """Drive the sandbox carrier's parcel (as its courier); pushes follow."""
        body: dict[str, Any] = {}
        for action in actions:
            self.kit.clock.advance(timedelta(minutes=1))
            if at is not None:
                body = {"at": at.isoformat()}
            r = await self.c.post(f"/api/v1/logistics/sandbox/parcels/{waybill}/{action}", json=body,
                                  headers=self.operator.headers)
            assert r.status_code == 200, r.text
        return dict(r.json())

    async def shipment(self, shipment_id: str) -> dict[str, Any]:
        r = await self.c.get(self.m(f"/shipments/{shipment_id}"), headers=self.owner.headers)
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def order(self, order_id: str) -> dict[str, Any]:
        r = await self.c.get(f"/api/v1/orders/{order_id}", headers=self.customer.headers)
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def tracking(self, order_id: str, **params: str) -> dict[str, Any]:
        r = await self.c.get(f"/api/v1/logistics/orders/{order_id}/tracking", params=params,
                             headers=self.customer.headers)
        assert r.status_code == 200, r.text
        return dict(r.json())

    async def outbox(self, type_: str) -> list[dict[str, Any]]:
        import msgspec

        rows = await self.rt.db.fetch("SELECT subject, data FROM kernel_outbox WHERE type = {} ORDER BY occurred_at, id",
                                      type_)
        return [{"subject": r["subject"], **(msgspec.json.decode(r["data"]) if isinstance(r["data"], str)
                                             else r["data"])} for r in rows]

    async def advance(self, **delta: float) -> int:
        """Move the clock, run what fell due, and sign everyone in again (tokens expire)."""
        ran = await self.kit.advance(timedelta(**delta))
        self.customer = await self.kit.login(self.customer.email, self.customer.password)
        self.operator = await self.kit.login(self.operator.email, self.operator.password)
        self.owner = await self.kit.login(self.owner.email, self.owner.password)
        return ran

    async def assert_balanced(self) -> dict[str, Any]:
        r = await self.c.get("/api/v1/payments/admin/trial-balance", headers=self.operator.headers)
        assert r.status_code == 200, r.text
        tb = r.json()
        assert tb["balanced"] and tb["negative_balances"] == [], tb
        return dict(tb)


async def make_market(bazaar_factory: Any, *, plugins: tuple[str, ...] = (), start: datetime = WEDNESDAY,
                      calendar: dict[str, Any] | None = None, **cfg: Any) -> Market:
    from bazaar.core.kernel.clock import ManualClock

    settings = {"calendar": {"timezone": "Asia/Shanghai", **(calendar or {})}}
    kit = await bazaar_factory(plugins=["payments.escrow", "logistics", *plugins], config=config(**cfg),
                               clock=ManualClock(start), settings=settings)
    merchant, owner = await kit.merchant(name="Lotus Electronics")
    skus = []
    for name, price in (("Phone", PRICES[0]), ("Headphones", PRICES[1])):
        product = await seed.product(kit.runtime, merchant, name=name, prices=[price], stock=50)
        skus.append(product["skus"][0])
    r = await kit.client.put(f"/api/v1/payments/merchants/{merchant}/settlement-account",
                             json={"holder_name": "Lotus", "bank_account": "6222020200112233"}, headers=owner.headers)
    assert r.status_code == 200, r.text
    return Market(kit, merchant, owner, skus, await kit.user(), await kit.operator())
