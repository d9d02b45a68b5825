"""Logistics benchmarks: tracking pushes ingested per second, and a 100,000-line COD remittance.

* ``ingest`` — ``--parcels`` parcels are written straight into ``logistics_parcel`` (one
  per waybill, sandbox carrier); then ``--pushes`` signed sandbox pushes (one scan each, in
  carrier order per parcel, parcels interleaved) are POSTed through the real app
  (``/api/v1/logistics/tracking/push/sandbox``, in-process ASGI, ``--concurrency`` at once).
  Reported: pushes per second, p50/p99 answer time, and checks (scans stored = pushes sent,
  every parcel rolled up to its last status). Goal on PostgreSQL: >= 1,000 pushes/s.
* ``remittance`` — ``--lines`` expected collections are written straight into
  ``logistics_cod_collection`` (delivered, carrier SF); a CSV with one line each (1 % short,
  0.5 % duplicates, 0.5 % unexpected waybills) is reconciled through
  ``remittance.upload`` (payments.escrow records the matched money). Reported: seconds,
  counts, and the payments trial balance. Goal: under 10 s.

Run (PostgreSQL, a server where the bench may create a database)::

    .venv/bin/python bench/logistics.py ingest --pg postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/logistics.py remittance --pg postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/logistics.py remittance --sqlite /tmp/bench-cod.sqlite3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse, urlunparse

import asyncpg
import httpx
from cryptography.fernet import Fernet

from bazaar.core.kernel.clock import ManualClock
from bazaar.core.kernel.config import load_settings
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.root import build_runtime, create_app
from bazaar.plugins.logistics.carriers.sandbox.carrier import HEADER, sign
from bazaar.sdk.api import new_id
from bazaar.sdk.bulk import insert_rows

SECRET = "bench-carrier-secret-0123456789-abcdef"
START = datetime(2025, 1, 8, 2, 0, tzinfo=UTC)
SCANS = ("PICKUP", "TRANSIT", "OFD", "SIGN_SELF")


async def fresh_pg(base: str, name: str) -> str:
    conn = await asyncpg.connect(base)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return urlunparse(urlparse(base)._replace(path=f"/{name}"))


async def runtime(url: str, plugins: list[str]) -> Runtime:
    overrides = {
        "database": {"url": url, "pool_max": 20}, "server": {"embedded_worker": False}, "log": {"json": False},
        "security": {"encryption_keys": {"k1": Fernet.generate_key().decode()}, "active_key_id": "k1"},
        "plugins": {"enabled": plugins,
                    "logistics": {"allow_sandbox": True, "sandbox": {"secret": SECRET, "tolerance_seconds": 3600}},
                    "payments": {"escrow": {"allow_sandbox": True, "sandbox": {"secret": SECRET}}}},
    }
    rt = build_runtime(load_settings(environ={}, overrides=overrides), clock=ManualClock(START))
    await rt.start()
    await rt.migrate()
    return rt


async def ingest(url: str, parcels: int, pushes: int, concurrency: int) -> None:
    rt = await runtime(url, ["logistics"])
    now = rt.clock.now()
    async with rt.unit_of_work():
        await insert_rows(rt, "logistics_parcel",
                          ["id", "kind", "shipment_id", "order_id", "merchant_id", "carrier", "provider", "waybill",
                           "waybill_at", "status", "created_at"],
                          ["text"] * 8 + ["timestamptz", "text", "timestamptz"],
                          [[new_id("pcl"), "outbound", None, f"ord_{i}", "mch_bench", "SF", "sandbox", f"SF{i:010d}",
                            now, "info_received", now] for i in range(parcels)])
    bodies = []
    for n in range(pushes):
        parcel, step = n % parcels, (n // parcels) % len(SCANS)
        at = START + timedelta(minutes=step + 1, microseconds=n)
        bodies.append(json.dumps({"id": f"sbk_{n}", "carrier": "SF", "waybill": f"SF{parcel:010d}",
                                  "sent_at": at.isoformat(), "scans": [{"at": at.isoformat(), "code": SCANS[step]}]}
                                 ).encode())
    app = create_app(runtime=rt, embedded_worker=False)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
    stamp = int(START.timestamp())
    latencies: list[float] = []
    queue = iter(bodies)

    async def worker() -> None:
        for body in queue:
            started = time.perf_counter()
            r = await client.post("/api/v1/logistics/tracking/push/sandbox", content=body,
                                  headers={"content-type": "application/json", HEADER: sign(SECRET, stamp, body)})
            latencies.append(time.perf_counter() - started)
            assert r.status_code == 200, r.text

    began = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    elapsed = time.perf_counter() - began
    stored = await rt.db.fetchrow("SELECT COUNT(*) AS n FROM logistics_scan")
    rolled = await rt.db.fetch("SELECT status, COUNT(*) AS n FROM logistics_parcel GROUP BY status ORDER BY status")
    latencies.sort()
    print(f"engine: {'sqlite' if rt.db.is_sqlite else 'postgres'}; parcels {parcels}, pushes {pushes}, "
          f"concurrency {concurrency}")
    print(f"ingested {pushes / elapsed:,.0f} pushes/s ({elapsed:.2f} s); answer p50 "
          f"{statistics.median(latencies) * 1000:.1f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms")
    print(f"scans stored {stored['n']} (sent {pushes}); parcels by status {[(r['status'], r['n']) for r in rolled]}")
    await client.aclose()
    await rt.stop()


async def remittance(url: str, lines: int) -> None:
    from bazaar.plugins.logistics.cod import remittance as rem

    rt = await runtime(url, ["payments.escrow", "logistics", "logistics.cod"])
    now = rt.clock.now()
    rows = [[f"col_{i}", f"ord_{i:08d}", f"mch_{i % 50}", f"usr_{i % 997}", f"chk_{i}", "SF", f"SF{i:010d}",
             10_000 + i % 5000, "CNY", "delivered", now, now, now] for i in range(lines)]
    async with rt.unit_of_work():
        await insert_rows(rt, "logistics_cod_collection",
                          ["id", "order_id", "merchant_id", "customer_id", "checkout_id", "carrier", "waybill",
                           "expected_minor", "currency", "state", "delivered_at", "created_at", "updated_at"],
                          ["text"] * 7 + ["bigint", "text", "text", "timestamptz", "timestamptz", "timestamptz"], rows)
    out = ["waybill,collected,fee,outcome,collected_at"]
    for i, row in enumerate(rows):
        amount = row[7] - (100 if i % 100 == 0 else 0)
        waybill = f"SX{i:010d}" if i % 200 == 1 else row[6]
        out.append(f"{waybill},{amount / 100:.2f},1.50,collected,2025-01-08T12:00:00+08:00")
        if i % 200 == 2:
            out.append(out[-1])
    body = "\n".join(out).encode()
    began = time.perf_counter()
    result = await rem.upload(rt, body, "text/csv", key="bench-1", carrier="SF", currency="CNY", actor_id=None)
    elapsed = time.perf_counter() - began
    from bazaar.plugins.payments import ledger

    balance = await ledger.trial_balance(rt)
    print(f"engine: {'sqlite' if rt.db.is_sqlite else 'postgres'}; {len(out) - 1:,} lines reconciled in "
          f"{elapsed:.2f} s")
    print(f"counts {result['counts']}; ledger balanced: {balance['balanced']}")
    await rt.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["ingest", "remittance"])
    parser.add_argument("--pg", help="a PostgreSQL URL where the bench may create a database")
    parser.add_argument("--sqlite", help="a SQLite file to (re)create instead")
    parser.add_argument("--parcels", type=int, default=2_000)
    parser.add_argument("--pushes", type=int, default=8_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()

    async def run() -> None:
        if args.sqlite:
            import os

            if os.path.exists(args.sqlite):
                os.remove(args.sqlite)
            url = f"sqlite:///{args.sqlite}"
        else:
            url = await fresh_pg(args.pg or "postgresql://postgres@127.0.0.1:5432/postgres", "bazaar_bench_logistics")
        if args.what == "ingest":
            await ingest(url, args.parcels, args.pushes, args.concurrency)
        else:
            await remittance(url, args.lines)

    asyncio.run(run())


if __name__ == "__main__":
    main()
