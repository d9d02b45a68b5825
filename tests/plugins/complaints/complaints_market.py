"""A marketplace for complaints tests: an operator, a customer with a paid order, a merchant, a listing.

The calendar is China's 2026 Spring Festival arrangement (Feb 15-23 off; Saturdays Feb 14
and Feb 28 are make-up working days), Asia/Shanghai (UTC+8 all year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import checkout, line

SPRING_2026 = {
    "timezone": "Asia/Shanghai",
    "holidays": [date(2026, 2, d) for d in range(15, 24)],
    "workdays": [date(2026, 2, 14), date(2026, 2, 28)],
}
API = "/api/v1/complaints"


def cst(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    """A wall-clock time in Beijing as a UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass
class Market:
    kit: Any
    operator: Any
    customer: Any
    merchant_id: str
    owner: Any
    product_id: str
    sku_id: str
    orders: list[str] = field(default_factory=list)
    others: list[Any] = field(default_factory=list)

    @property
    def c(self) -> Any:
        return self.kit.client

    @property
    def rt(self) -> Any:
        return self.kit.runtime

    async def order(self, customer: Any = None) -> str:
        """A paid order of the merchant's listing (19.99 CNY) bought by ``customer``."""
        r = await checkout(self.kit, customer or self.customer, [line(self.sku_id, 1, 1999)])
        assert r.status_code == 201, r.text
        order_id = r.json()["orders"][0]["id"]
        self.orders.append(order_id)
        return order_id

    async def file(self, customer: Any = None, *, subject: dict[str, Any] | None = None, category: str = "product_quality",
                   expect: int = 201, **extra: Any) -> dict[str, Any]:
        """File a complaint as ``customer`` (about the platform unless told)."""
        body = {"category": category, "subject": subject or {"type": "platform"},
                "description": "The kettle leaks from the first day.", **extra}
        r = await self.c.post(API, json=body, headers=(customer or self.customer).headers)
        assert r.status_code == expect, r.text
        return r.json()

    async def op(self, complaint_id: str, action: str, body: Any = None, expect: int = 200) -> dict[str, Any]:
        r = await self.c.post(f"{API}/{complaint_id}/{action}", json=body, headers=self.operator.headers)
        assert r.status_code == expect, r.text
        return r.json()

    async def me(self, complaint_id: str, action: str, body: Any = None, expect: int = 200,
                 customer: Any = None) -> dict[str, Any]:
        r = await self.c.post(f"{API}/{complaint_id}/{action}", json=body, headers=(customer or self.customer).headers)
        assert r.status_code == expect, r.text
        return r.json()

    async def get(self, complaint_id: str, who: Any = None) -> dict[str, Any]:
        r = await self.c.get(f"{API}/{complaint_id}", headers=(who or self.operator).headers)
        assert r.status_code == 200, r.text
        return r.json()

    async def until(self, when: datetime) -> int:
        """Move the clock to ``when``, run what fell due, sign everyone in again (tokens last a day)."""
        assert when >= self.kit.clock.now(), (when, self.kit.clock.now())
        ran = await self.kit.advance(when - self.kit.clock.now())
        for session in self.sessions():
            fresh = await self.kit.login(session.email, session.password)
            session.token = fresh.token
        return ran

    def sessions(self) -> list[Any]:
        return [self.operator, self.customer, self.owner, *self.others]

    async def user(self) -> Any:
        """Another customer (kept signed in across clock moves)."""
        session = await self.kit.user()
        self.others.append(session)
        return session

    async def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return await self.rt.db.fetch(sql, *args)


def clock(body: dict[str, Any], name: str) -> dict[str, Any]:
    """The latest clock ``name`` of a complaint body."""
    found = [c for c in body["clocks"] if c["name"] == name]
    assert found, f"no {name} clock in {[c['name'] for c in body['clocks']]}"
    return found[-1]


async def make_market(bazaar_factory: Any, *, config: dict[str, Any] | None = None, preset: str = "cn",
                      calendar: dict[str, Any] | None = None, start: datetime | None = None,
                      clock_: Any = None, plugins: tuple[str, ...] = ()) -> Market:
    """A started kit with complaints (``preset``), the fake payment provider (orders are paid at once)."""
    kwargs: dict[str, Any] = {}
    if clock_ is not None:
        kwargs["clock"] = clock_
    kit = await bazaar_factory(
        plugins=["complaints", "testing.payments", *plugins],
        config={"complaints": {"preset": preset, **(config or {})}, "testing.payments": {"start_status": "paid"}},
        settings={"calendar": calendar or SPRING_2026}, **kwargs)
    if start is not None:
        kit.clock.set(start)
    merchant_id, owner = await kit.merchant(name="Lotus Kettles")
    product = await seed.product(kit.runtime, merchant_id, name="Steel kettle", prices=[1999], stock=100)
    return Market(kit, await kit.operator(), await kit.user(), merchant_id, owner, product["id"], product["skus"][0])
