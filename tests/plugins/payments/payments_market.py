"""A marketplace for payments tests: two merchants with settlement accounts, a customer, an operator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import checkout, line

SECRET = "test-sandbox-secret-0123456789-abcdef"
PLUGINS = ("payments.escrow", "payments.instant")


def config_for(plugin: str, *, payout_interval_hours: int = 24, late_payment: str = "refund",
               **sandbox: Any) -> dict[str, Any]:
    """The only thing that differs between an escrow and an instant market."""
    return {plugin: {"preset": "cn", "payout_interval_hours": payout_interval_hours, "allow_sandbox": True,
                     "late_payment": late_payment,
                     "sandbox": {"secret": SECRET, **sandbox}}}


@dataclass
class Market:
    kit: Any
    plugin: str
    merchants: list[str]
    owners: list[Any]
    skus: list[str]
    customer: Any
    operator: Any

    @property
    def rt(self) -> Any:
        return self.kit.runtime

    @property
    def c(self) -> Any:
        return self.kit.client

    @property
    def escrow(self) -> bool:
        return self.plugin == "payments.escrow"

    async def buy(self, quantities: tuple[int, ...] = (1, 1), *, key: str | None = None) -> dict[str, Any]:
        """Checkout across the merchants (one line each); answers the checkout body."""
        prices = (1999, 12000)
        lines = [line(self.skus[i], q, prices[i]) for i, q in enumerate(quantities) if q]
        r = await checkout(self.kit, self.customer, lines, method="sandbox", key=key)
        assert r.status_code == 201, r.text
        return r.json()

    async def pay(self, body: dict[str, Any], **approve: Any) -> Any:
        """Follow the pay url to the sandbox page and approve there."""
        r = await self.c.get(body["payment"]["pay_url"])
        assert r.status_code == 303, r.text
        page = r.headers["location"]
        html = await self.c.get(page)
        assert html.status_code == 200 and "Approve" in html.text
        return await self.c.post(page + "/approve", json=approve or None)

    async def paid(self, quantities: tuple[int, ...] = (1, 1)) -> dict[str, Any]:
        body = await self.buy(quantities)
        r = await self.pay(body)
        assert r.status_code == 200, r.text
        return body

    async def ship(self, order: dict[str, Any]) -> None:
        i = self.merchants.index(order["merchant_id"])
        r = await self.c.post(f"/api/v1/merchants/{order['merchant_id']}/orders/{order['id']}/ship",
                              json={"carrier": "SF Express", "tracking_number": "SF100200300"},
                              headers=self.owners[i].headers)
        assert r.status_code == 200, r.text

    async def order_state(self, order_id: str) -> str:
        r = await self.c.get(f"/api/v1/orders/{order_id}", headers=self.customer.headers)
        assert r.status_code == 200, r.text
        return r.json()["state"]

    async def payment_of(self, order_id: str) -> dict[str, Any]:
        r = await self.c.get(f"/api/v1/payments/orders/{order_id}", headers=self.customer.headers)
        assert r.status_code == 200, r.text
        return r.json()

    async def balance(self, merchant_id: str) -> dict[str, Any]:
        owner = self.owners[self.merchants.index(merchant_id)]
        r = await self.c.get(f"/api/v1/payments/merchants/{merchant_id}/balance", headers=owner.headers)
        assert r.status_code == 200, r.text
        mine = r.json()
        r = await self.c.get(f"/api/v1/payments/admin/merchants/{merchant_id}/balance", headers=self.operator.headers)
        assert r.json() == mine, "merchant and operator views disagree"
        return mine

    async def lines(self, merchant_id: str) -> list[dict[str, Any]]:
        owner = self.owners[self.merchants.index(merchant_id)]
        r = await self.c.get(f"/api/v1/payments/merchants/{merchant_id}/ledger?limit=100", headers=owner.headers)
        mine = r.json()["items"]
        r = await self.c.get(f"/api/v1/payments/admin/merchants/{merchant_id}/ledger?limit=100",
                             headers=self.operator.headers)
        assert r.json()["items"] == mine, "merchant and operator ledgers disagree"
        return mine

    async def assert_balanced(self) -> dict[str, Any]:
        r = await self.c.get("/api/v1/payments/admin/trial-balance", headers=self.operator.headers)
        assert r.status_code == 200, r.text
        tb = r.json()
        assert tb["balanced"], tb
        assert tb["negative_balances"] == [], tb
        return tb

    async def reconcile(self) -> dict[str, Any]:
        r = await self.c.post("/api/v1/payments/admin/reconciliations",
                              json={"period_from": "2020-01-01T00:00:00Z", "period_to": "2100-01-01T00:00:00Z"},
                              headers=self.operator.headers)
        assert r.status_code == 201, r.text
        return r.json()

    async def refund(self, order_id: str, amount: int, key: str) -> Any:
        return await self.c.post(f"/api/v1/payments/admin/orders/{order_id}/refunds",
                                 json={"amount": amount, "currency": "CNY", "reason": "test refund"},
                                 headers={**self.operator.headers, "Idempotency-Key": key})

    async def advance(self, **delta: float) -> int:
        """Move the clock, run what fell due, and sign everyone in again (tokens expire)."""
        ran = await self.kit.advance(timedelta(**delta))
        self.customer = await self.kit.login(self.customer.email, self.customer.password)
        self.operator = await self.kit.login(self.operator.email, self.operator.password)
        self.owners = [await self.kit.login(o.email, o.password) for o in self.owners]
        return ran


async def make_market(bazaar_factory: Any, plugin: str = "payments.escrow", *, extra: tuple[Any, ...] = (),
                      plugins: tuple[str, ...] = (), settle: bool = True, payout_interval_hours: int = 24,
                      late_payment: str = "refund", **sandbox: Any) -> Market:
    kit = await bazaar_factory(plugins=[plugin, *plugins], extra=list(extra),
                               config=config_for(plugin, payout_interval_hours=payout_interval_hours,
                                                 late_payment=late_payment, **sandbox))
    merchants, owners, skus = [], [], []
    for name, price in (("Tea House", 1999), ("Porcelain", 12000)):
        merchant_id, owner = await kit.merchant(name=name)
        product = await seed.product(kit.runtime, merchant_id, name=f"{name} goods", prices=[price], stock=50)
        merchants.append(merchant_id)
        owners.append(owner)
        skus.append(product["skus"][0])
        if settle:
            r = await kit.client.put(f"/api/v1/payments/merchants/{merchant_id}/settlement-account",
                                     json={"holder_name": name, "bank_account": "6222020200112233"},
                                     headers=owner.headers)
            assert r.status_code == 200, r.text
    return Market(kit, plugin, merchants, owners, skus, await kit.user(), await kit.operator())
