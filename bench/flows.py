"""Stateful flows: checkout through to paid, and browse-then-buy, with their checks.

Needs ``payments.escrow`` (sandbox provider, notifications delivered in-process by the
worker: ``delivery = "direct"``). The timers of the flow (dispatching the payment to the
provider, delivering its notification) run in one separate ``bazaar worker`` process;
because that process cannot be woken by the server's commits, it polls
(``worker.poll_seconds``, 1 s by default; the bench sets :data:`WORKER_POLL` and says so).
The buyers are ``bench/buyer.py`` processes, one per server worker.

After the runs the bench checks, through the plugin's operator read view
``GET /api/v1/payments/admin/trial-balance``, that the ledger is balanced, and in the
database that no SKU is oversold: no negative stock or reservation, no SKU with more
reserved than on hand, and for each scarce SKU the units in live orders equal what was
reserved or shipped and never exceed its stock.
"""

from __future__ import annotations

import asyncio
import urllib.request
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import asyncpg
import loadgen
import msgspec
import servers
from data import CONTENDED_STOCK

#: plugins the server under test runs with, when installed (the flows need escrow)
SERVED = ("payments.escrow",)
#: plugins of the kernel measurements (timers and outbox use the example plugin's kind and subscription)
KERNEL = ("payments.escrow", "hello")
#: seconds between the standalone worker's polls during the flows (default config: 1.0)
WORKER_POLL = 0.05


def installed() -> set[str]:
    return {ep.name for ep in entry_points(group="bazaar.plugins")}


def plugins_available(wanted: tuple[str, ...] = SERVED) -> list[str]:
    have = installed()
    return [p for p in wanted if p in have]


def plugin_settings(plugins: list[str]) -> dict[str, dict[str, object]]:
    return {}


def _get_json(port: int, path: str, token: str) -> Any:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 (loopback)
        return msgspec.json.decode(r.read())


async def oversell(url: str, scarce: list[str]) -> list[str]:
    """Problems with stock after the flows (empty when none)."""
    conn = await asyncpg.connect(url)
    try:
        bad = await conn.fetchval(
            "SELECT count(*) FROM catalogue_sku WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand")
        rows = await conn.fetch(
            "SELECT s.id, s.on_hand, s.reserved, COALESCE(SUM(l.quantity) FILTER (WHERE o.state <> 'cancelled'), 0) "
            "AS live FROM catalogue_sku s LEFT JOIN orders_line l ON l.sku_id = s.id "
            "LEFT JOIN orders_order o ON o.id = l.order_id WHERE s.id = ANY($1::text[]) GROUP BY s.id", scarce)
    finally:
        await conn.close()
    problems = [f"{bad} SKU(s) with negative stock or more reserved than on hand"] if bad else []
    for r in rows:
        shipped = CONTENDED_STOCK - r["on_hand"]
        if r["live"] > CONTENDED_STOCK or r["live"] != r["reserved"] + shipped:
            problems.append(f"{r['id']}: {r['live']} units in live orders, {r['reserved']} reserved, "
                            f"{shipped} shipped, stock {CONTENDED_STOCK}")
    return problems


async def sold_out(url: str, scarce: list[str]) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval(
            "SELECT count(*) FROM catalogue_sku WHERE id = ANY($1::text[]) AND on_hand - reserved = 0", scarce))
    finally:
        await conn.close()


def run_all(bench: Any, config: Path, files: Path, url: str, db: str) -> str | None:
    """Checkout-to-paid and mixed browse-then-buy at each client count, then the checks."""
    if bench.args.skip_flows:
        return "flows skipped (--skip-flows)"
    if "payments.escrow" not in bench.r.plugins:
        return "checkout-to-paid and mixed: not measured (payments.escrow is not installed)"
    port = bench.serve.port
    worker = servers.worker(config, files, 0)
    try:
        for scenario in ("checkout", "mixed"):
            for c in bench.clients:
                s = bench.repeat(
                    lambda d, scenario=scenario, c=c: loadgen.drivers(
                        "buyer",
                        ["--port", str(port), "--files", str(files), "--scenario", scenario,
                         "--concurrency", str(max(1, c // bench.workers)), "--duration", str(d)],
                        processes=bench.workers, duration=d),
                    f"{scenario}, {c} buyers", bench.serve_probe(db))
                bench.r.flows[(scenario, c)] = s
                extra = {k: v for r in s.runs for k, v in r.extra.items() if k.startswith("failed") or k == "out_of_stock"}
                if extra:
                    print(f"      {extra}", flush=True)
    finally:
        worker.stop()
    scarce = [line.split()[0] for line in (files / "skus_contended.txt").read_text().splitlines() if line]
    operator = (files / "operator_token.txt").read_text().strip()
    checks = []
    trial = _get_json(port, "/api/v1/payments/admin/trial-balance", operator)
    checks.append(f"ledger balanced (GET /api/v1/payments/admin/trial-balance): {trial.get('balanced')}")
    problems = asyncio.run(oversell(url, scarce))
    sold = asyncio.run(sold_out(url, scarce))
    checks.append(f"no oversell: {'yes' if not problems else 'NO: ' + '; '.join(problems[:5])} "
                  f"({sold} of {len(scarce)} scarce SKUs sold out during the runs)")
    bench.r.flow_checks = checks
    for line in checks:
        print(f"    {line}", flush=True)
    return (f"Flows ran with one separate `bazaar worker` polling every {WORKER_POLL} s "
            "(`worker.poll_seconds`; default 1 s).")

