"""SQL statements per request on the loaded bench database (the figure next to the targets).

Builds the app in this process against the bench database, counts the statements its
engine runs (a spy around ``run_querystring``, as tests/contract/test_query_counts.py
does) during one list request (department filter, page 1 and the next page through the
cursor) and one product detail, and returns the largest count of each.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

import httpx


async def measure(config: Path, files: Path) -> dict[str, int]:
    from bazaar.core.kernel.config import load_settings
    from bazaar.core.root import build_runtime, create_app

    logging.getLogger("httpx").setLevel(logging.WARNING)
    rt = build_runtime(load_settings(config, environ={}))
    app = create_app(runtime=rt, embedded_worker=False)
    engine = rt.db.engine
    cls = type(engine)
    real = cls.run_querystring
    seen: list[str] = []

    async def spy(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        if self is engine:
            seen.append(str(querystring))
        return await real(self, querystring, *args, **kwargs)

    dept = (files / "departments.txt").read_text().split()[0]
    product = (files / "products.txt").read_text().split()[0]
    out: dict[str, int] = {}
    await rt.start()
    cls.run_querystring = spy
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            async def count(path: str) -> tuple[int, Any]:
                seen.clear()
                r = await client.get(path)
                r.raise_for_status()
                return len(seen), r.json()

            n1, page = await count(f"/api/v1/products?limit=20&category_id={dept}")
            n2, _ = await count(f"/api/v1/products?limit=20&category_id={dept}&cursor={page['next_cursor']}")
            out["list"] = max(n1, n2)
            out["detail"], _ = await count(f"/api/v1/products/{product}")
            if rt.is_enabled("payments.escrow"):
                out.update(await checkout_flow(client, rt, files, seen))
    finally:
        cls.run_querystring = real
        await rt.stop()
    return out


async def checkout_flow(client: httpx.AsyncClient, rt: Any, files: Path, seen: list[str]) -> dict[str, int]:
    """Statements of one checkout to paid: each request, and the worker's timers in between."""
    from buyer import ADDRESS

    token = (files / "tokens.txt").read_text().split()[-1]
    sku, price = (files / "skus.txt").read_text().splitlines()[-1].split()
    auth = {"Authorization": f"Bearer {token}"}
    out: dict[str, int] = {}

    async def worker() -> int:
        seen.clear()
        await rt.worker.run_due()
        return len(seen)

    await worker()  # whatever was due before
    seen.clear()
    r = await client.post("/api/v1/checkouts", headers={**auth, "Idempotency-Key": secrets.token_hex(12)}, json={
        "lines": [{"sku_id": sku, "quantity": 1, "unit_price": {"amount": int(price), "currency": "CNY"}}],
        "shipping_address": ADDRESS, "payment_method": "sandbox"})
    r.raise_for_status()
    out["checkout: POST /checkouts"] = len(seen)
    checkout = r.json()
    out["checkout: worker (dispatch to provider)"] = await worker()
    seen.clear()
    r = await client.get(f"/api/v1/payments/pay/{checkout['payment']['payment_id']}")
    out["checkout: GET pay redirect"] = len(seen)
    seen.clear()
    r = await client.post(f"{r.headers['location']}/approve")
    r.raise_for_status()
    out["checkout: POST sandbox approve"] = len(seen)
    out["checkout: worker (notification, paid, events)"] = await worker()
    seen.clear()
    r = await client.get(f"/api/v1/checkouts/{checkout['id']}", headers=auth)
    out["checkout: GET /checkouts/{id}"] = len(seen)
    if r.json()["status"] != "paid":
        raise RuntimeError(f"checkout not paid after the worker ran: {r.json()['status']}")
    out["checkout: total"] = sum(v for k, v in out.items() if k.startswith("checkout: "))
    return out
