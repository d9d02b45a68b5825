"""The stateful load driver: buyers going from checkout to paid (and browsing first).

One process runs ``--concurrency`` virtual buyers for ``--duration`` seconds, each on
its own keep-alive connection (``rawhttp``) with its own bearer token. A flow:

* ``mixed`` only: a department page (20 products), two product details from it, and
  the buyer takes a variant of the second at the price shown;
* ``checkout`` only: one SKU from the sample (``--contended`` of the time one of the
  few SKUs with little stock, so stock runs out and the oversell check bites);
* ``POST /api/v1/checkouts`` (an ``Idempotency-Key``), payment method ``sandbox``;
* ``GET /api/v1/payments/pay/{payment}`` until the provider has the payment (409 until
  the worker has dispatched it, then 303 to the sandbox's pay page);
* ``POST .../approve`` on the sandbox: it takes the funds and queues its signed
  notification, which the worker delivers;
* ``GET /api/v1/checkouts/{id}`` until ``paid``.

Polls back off from 20 ms by x1.5 up to 200 ms. A flow's latency runs from its first
request to the response that shows ``paid``. Flows refused for stock (409/422 on create)
are counted apart (``out_of_stock``), not as failures. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import time
from pathlib import Path
from typing import Any

import msgspec
from rawhttp import Connection

ADDRESS = {"name": "Zhang San", "phone": "13812345678", "country": "CN", "region": "Zhejiang",
           "city": "Hangzhou", "line1": "88 Wensan Road, Building 2", "postcode": "310000"}


class Failed(Exception):
    pass


class Buyer:
    def __init__(self, conn: Connection, token: str, rng: random.Random, counters: dict[str, int]) -> None:
        self.conn = conn
        self.auth = {"Authorization": f"Bearer {token}"}
        self.rng = rng
        self.counters = counters

    def count(self, key: str, n: int = 1) -> None:
        self.counters[key] = self.counters.get(key, 0) + n

    async def get(self, path: str, auth: bool = False) -> Any:
        self.count("requests")
        return await self.conn.request("GET", path, headers=self.auth if auth else None)

    async def browse(self, departments: list[str]) -> tuple[str, int]:
        r = await self.get(f"/api/v1/products?limit=20&category_id={self.rng.choice(departments)}")
        items = r.json()["items"] if r.status == 200 else []
        if len(items) < 2:
            raise Failed(f"list {r.status}")
        picked = self.rng.sample(items, 2)
        detail: Any = None
        for item in picked:
            d = await self.get(f"/api/v1/products/{item['id']}")
            if d.status != 200:
                raise Failed(f"detail {d.status}")
            detail = d.json()
        variant = self.rng.choice(detail["variants"])
        return variant["id"], variant["price"]["amount"]

    async def poll(self, path: str, done: Any, deadline: float, auth: bool = True) -> Any:
        wait = 0.02
        while True:
            r = await self.get(path, auth=auth)
            answer = done(r)
            if answer is not None:
                return answer
            if time.perf_counter() > deadline:
                raise Failed(f"timed out polling {path.split('/')[3]} ({r.status})")
            self.count("polls")
            await asyncio.sleep(wait)
            wait = min(0.2, wait * 1.5)

    async def buy(self, sku: str, price: int) -> bool:
        """Checkout to paid; False when refused for stock."""
        t0 = time.perf_counter_ns()
        body = {"lines": [{"sku_id": sku, "quantity": 1, "unit_price": {"amount": price, "currency": "CNY"}}],
                "shipping_address": ADDRESS, "payment_method": "sandbox"}
        self.count("requests")
        r = await self.conn.request("POST", "/api/v1/checkouts", body=body,
                                    headers={**self.auth, "Idempotency-Key": secrets.token_hex(12)})
        if r.status in (409, 422):
            code = r.json().get("code", "")
            if "stock" in code or "stock" in r.body.decode(errors="replace"):
                self.count("out_of_stock")
                return False
        if r.status != 201:
            raise Failed(f"checkout {r.status} {r.body[:200]!r}")
        checkout = r.json()
        payment_id = checkout["payment"]["payment_id"]
        t1 = time.perf_counter_ns()
        deadline = time.perf_counter() + 30

        def located(resp: Any) -> str | None:
            if resp.status in (302, 303):
                return resp.headers["location"]
            if resp.status == 409 and b"not_ready" in resp.body:
                return None
            raise Failed(f"pay redirect {resp.status} {resp.body[:200]!r}")

        page = await self.poll(f"/api/v1/payments/pay/{payment_id}", located, deadline, auth=False)
        t2 = time.perf_counter_ns()
        path = page.split("://", 1)[-1]
        path = path[path.index("/"):] if not page.startswith("/") else page
        self.count("requests")
        a = await self.conn.request("POST", f"{path}/approve")
        if a.status != 200:
            raise Failed(f"approve {a.status} {a.body[:200]!r}")
        t3 = time.perf_counter_ns()

        def paid(resp: Any) -> bool | None:
            if resp.status != 200:
                raise Failed(f"checkout get {resp.status}")
            status = resp.json()["status"]
            if status in ("paid", "placed"):
                return True
            if status == "cancelled":
                raise Failed("checkout cancelled")
            return None

        await self.poll(f"/api/v1/checkouts/{checkout['id']}", paid, deadline)
        t4 = time.perf_counter_ns()
        # where a flow's time goes (sums in microseconds; divide by the flows for the mean)
        for key, a_, b_ in (("us_create", t0, t1), ("us_to_pay_page", t1, t2), ("us_approve", t2, t3),
                            ("us_to_paid", t3, t4)):
            self.count(key, (b_ - a_) // 1000)
        self.count("flows_timed")
        return True


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--files", type=Path, required=True)
    parser.add_argument("--scenario", choices=["checkout", "mixed"], required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--contended", type=float, default=0.3)
    parser.add_argument("--part", type=int, default=0)
    args = parser.parse_args()
    tokens = (args.files / "tokens.txt").read_text().split()
    departments = (args.files / "departments.txt").read_text().split()
    plenty = [line.split() for line in (args.files / "skus.txt").read_text().splitlines() if line]
    scarce = [line.split() for line in (args.files / "skus_contended.txt").read_text().splitlines() if line]
    counters: dict[str, int] = {}
    latencies: list[int] = []
    failures: dict[str, int] = {}
    started = time.perf_counter()
    deadline = started + args.duration

    async def user(n: int) -> None:
        rng = random.Random(args.part * 1000 + n)
        token = tokens[(args.part * args.concurrency + n) % len(tokens)]
        conn = Connection("127.0.0.1", args.port)
        buyer = Buyer(conn, token, rng, counters)
        try:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter_ns()
                try:
                    if args.scenario == "mixed":
                        sku, price = await buyer.browse(departments)
                    else:
                        sku, price = rng.choice(scarce if rng.random() < args.contended else plenty)
                    done = await buyer.buy(sku, int(price))
                except Failed as exc:
                    reason = str(exc)[:80]
                    failures[reason] = failures.get(reason, 0) + 1
                    continue
                if done and time.perf_counter() <= deadline:
                    latencies.append((time.perf_counter_ns() - t0) // 1000)
        finally:
            await conn.close()

    tasks = [asyncio.create_task(user(i)) for i in range(args.concurrency)]
    # flows still running at the deadline are not counted: give them a moment, then stop them
    _, late = await asyncio.wait(tasks, timeout=args.duration + 2)
    for task in late:
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)
    seconds = args.duration
    counters.update({f"failed: {k}": v for k, v in failures.items()})
    print(msgspec.json.encode({"ok": len(latencies), "failed": sum(failures.values()), "seconds": seconds,
                               "latencies_us": latencies, "counters": counters}).decode())


if __name__ == "__main__":
    asyncio.run(main())
