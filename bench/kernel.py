"""Kernel figures: hook dispatch (bench/hooks.py), timer throughput, outbox delivery rate.

* **Timers** — ``N`` due ``hello.remind`` timers (the example plugin's kind: its handler
  inserts one row) are inserted while no worker runs; then 1 or 2 ``bazaar worker``
  processes start. Throughput = ``N`` / (last ``finished_at`` - first ``finished_at``), so
  process start-up is not counted.
* **Outbox** — ``N`` events of type ``hello.bench`` are emitted through
  ``rt.events.emit`` (100 per unit of work; the emit rate is reported too); ``hello``
  subscribes to ``hello.*``, so each event becomes one ``kernel.deliver_event`` timer.
  Then 1 or 2 workers deliver them; delivery rate as above.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import servers
from stats import Run, Summary

from bazaar.core.kernel.events import DELIVER_TO_PLUGIN

HERE = Path(__file__).parent


def hooks(*, quick: bool) -> str:
    """bench/hooks.py's output (the hook dispatch micro-benchmark), or why it is missing."""
    script = HERE / "hooks.py"
    if not script.exists():
        return "(bench/hooks.py not present)"
    argv = [sys.executable, str(script)]
    if quick:
        argv += ["--repeat", "5", "--number", "5000"]
    print("hook dispatch: bench/hooks.py", flush=True)
    result = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    out = result.stdout.strip() or result.stderr.strip()
    print(out, flush=True)
    return out


async def _insert_timers(url: str, n: int, tag: str) -> None:
    now = datetime.now(UTC)
    conn = await asyncpg.connect(url)
    try:
        rows = [
            (f"tmr_bench{tag}{i:08d}", "hello.remind", f"bench-{tag}-{i}", f"hello.remind:bench-{tag}-{i}",
             msgspec.json.encode({"name": f"b{i}"}).decode(), now, "pending", 0, now)
            for i in range(n)
        ]
        await conn.copy_records_to_table(
            "kernel_timer", records=rows,
            columns=["id", "kind", "subject", "key", "payload", "due_at", "status", "attempts", "created_at"])
    finally:
        await conn.close()


async def _emit_events(config: Path, n: int) -> float:
    """Emit ``n`` events through the kernel's event bus; returns events per second."""
    from bazaar.core.kernel.config import load_settings
    from bazaar.core.root import build_runtime

    rt = build_runtime(load_settings(config, environ={}))
    await rt.start()
    try:
        started = time.perf_counter()
        for first in range(0, n, 100):
            async with rt.unit_of_work():
                for i in range(first, min(n, first + 100)):
                    await rt.events.emit("hello.bench", {"n": i}, subject=f"bench-{i}")
        return n / (time.perf_counter() - started)
    finally:
        await rt.stop()


async def _progress(url: str, kind: str, like: str) -> tuple[int, int, float]:
    """(pending, done, seconds between the first and last finish) of the tagged timers."""
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            "SELECT count(*) FILTER (WHERE status = 'pending') AS pending, "
            "count(*) FILTER (WHERE status = 'done') AS done, "
            "extract(epoch FROM max(finished_at) - min(finished_at)) AS span "
            "FROM kernel_timer WHERE kind = $1 AND subject LIKE $2", kind, like)
        return int(row["pending"]), int(row["done"]), float(row["span"] or 0.0)
    finally:
        await conn.close()


def _drain(config: Path, workdir: Path, url: str, kind: str, like: str, total: int, workers: int,
           timeout: float) -> Run:
    procs = [servers.worker(config, workdir, i) for i in range(workers)]
    try:
        deadline = time.monotonic() + timeout
        pending, done, span = total, 0, 0.0
        while time.monotonic() < deadline:
            pending, done, span = asyncio.run(_progress(url, kind, like))
            if pending == 0:
                break
            for p in procs:
                if p.popen.poll() is not None:
                    raise RuntimeError(f"{p.name} exited; see {p.log}")
            time.sleep(0.5)
    finally:
        for p in procs:
            p.stop()
    rate = done / span if span else 0.0
    return Run(rate=rate, p50_ms=0.0, p99_ms=0.0, requests=done, errors=total - done,
               extra={"seconds": span})


def run_all(bench: Any, config: Path, files: Path, url: str) -> None:
    """Timer throughput and outbox delivery with 1 and 2 worker processes."""
    if "hello" not in bench.r.kernel_plugins:
        bench.r.kernel_note = "the example plugin bazaar-hello is not installed: no timer/outbox figures"
        return
    n = 2_000 if bench.args.quick else 10_000
    n_events = 1_000 if bench.args.quick else 5_000
    for workers in (1, 2):
        runs: list[Run] = []
        for r in range(bench.runs):
            tag = f"t{workers}{r}{int(time.time())}"
            asyncio.run(_insert_timers(url, n, tag))
            runs.append(_drain(config, files, url, "hello.remind", f"bench-{tag}-%", n, workers, timeout=300))
        s = Summary(runs)
        bench.r.kernel[f"timers_{workers}"] = s
        print(f"    timers, {workers} worker(s), {n:,} due: {s.fmt('rate')} /s", flush=True)
    for workers in (1, 2):
        runs = []
        emit_rates = []
        for _ in range(bench.runs):
            # clear earlier deliveries so the span covers this batch only
            asyncio.run(_exec(url, f"DELETE FROM kernel_timer WHERE kind = '{DELIVER_TO_PLUGIN}'"))
            emit_rates.append(asyncio.run(_emit_events(config, n_events)))
            runs.append(_drain(config, files, url, DELIVER_TO_PLUGIN, "%", n_events, workers, timeout=300))
        s = Summary(runs)
        bench.r.kernel[f"outbox_{workers}"] = s
        bench.r.kernel[f"emit_{workers}"] = Summary([Run(rate=e, p50_ms=0, p99_ms=0) for e in emit_rates])
        print(f"    outbox, {workers} worker(s), {n_events:,} events: delivered {s.fmt('rate')} /s, "
              f"emitted {bench.r.kernel[f'emit_{workers}'].fmt('rate')} /s", flush=True)


async def _exec(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
