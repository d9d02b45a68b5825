"""Bazaar benchmarks: one command, bounded durations, a markdown summary.

    python bench/run.py            # 3 runs x 10 s per scenario, 1k and 100k products
    python bench/run.py --quick    # 1 run x 3 s
    python bench/run.py --scales 1k,100k,1m --reuse

Needs PostgreSQL (``BAZAAR_BENCH_PG_URL``, else ``BAZAAR_TEST_PG_URL``) and ``wrk``. See
bench/README.md for what each figure means; docs/performance.md for the latest results.
Benchmarks are not tests: nothing here passes or fails on a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import data  # noqa: E402
import flows  # noqa: E402
import kernel  # noqa: E402
import loadgen  # noqa: E402
import query_counts  # noqa: E402
import report  # noqa: E402
import servers  # noqa: E402
from cpu import Probe  # noqa: E402
from stats import Run, Summary  # noqa: E402

MAIN_SCALE = "100k"
WORKERS = 2


def log(msg: str) -> None:
    print(msg, flush=True)


def machine() -> dict[str, str]:
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    try:
        pg = subprocess.run(["psql", data.base_url(), "-Atc", "SHOW server_version"], capture_output=True,
                            text=True, timeout=10).stdout.strip() or "?"
    except OSError:
        pg = asyncio.run(_pg_version())
    import litestar
    import uvicorn

    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:
        loop = "asyncio"
    try:
        import httptools  # noqa: F401

        http = "httptools"
    except ImportError:
        http = "h11"
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "postgresql": pg,
        "python": platform.python_version(),
        "uvicorn": f"{uvicorn.__version__} ({loop}, {http})",
        "litestar": ".".join(str(x) for x in tuple(litestar.__version__)[:3]),
        "kernel": platform.release(),
    }


async def _pg_version() -> str:
    import asyncpg

    conn = await asyncpg.connect(data.base_url())
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.runs = args.runs or (1 if args.quick else 3)
        self.duration = args.duration or (3.0 if args.quick else 10.0)
        self.clients = [int(c) for c in args.clients.split(",")]
        self.work = HERE / "results" / "work"
        self.workers = WORKERS
        self.r = report.Results(runs=self.runs, duration=self.duration, clients=self.clients)

    def repeat(self, fn, label: str, probe: Callable[[], Probe] | None = None) -> Summary:  # type: ignore[no-untyped-def]
        """Warm up once (1 s, not recorded), then ``runs`` bounded runs (CPU-accounted with ``probe``)."""
        fn(1.0)
        runs: list[Run] = []
        for _ in range(self.runs):
            if probe is None:
                runs.append(fn(self.duration))
                continue
            with probe() as p:
                run = fn(self.duration)
            run.extra.update(p.figures(run.requests))
            runs.append(run)
        s = Summary(runs)
        cpu = ""
        if s.extra("server_cpu_ms") is not None:
            cpu = (f"   cpu/req server {s.extra('server_cpu_ms'):.2f} db {s.extra('db_cpu_ms'):.2f} "
                   f"wrk {s.extra('gen_cpu_ms'):.2f} ms, other load {s.extra('other_load'):.0%}")
        log(f"    {label:<30} {s.fmt('rate'):>24} req/s  p50 {s.fmt('p50_ms', 1):>18} ms"
            f"  p99 {s.fmt('p99_ms', 1):>18} ms  errors {s.errors}{cpu}")
        return s

    def serve_probe(self, db: str | None) -> Callable[[], Probe]:
        """CPU accounting of the server under test (and its database's backends)."""
        server = self.serve

        def make() -> Probe:
            return Probe(server.children, (lambda: asyncio.run(data.backend_pids(db))) if db else None)

        return make

    # --- scenarios ------------------------------------------------------------------

    def framework_ceiling(self) -> None:
        log("framework ceiling: bare Litestar on uvicorn, 2 workers")
        proc = servers.ceiling(self.work, WORKERS)
        self.serve = proc
        try:
            for c in self.clients:
                self.r.reads[("ceiling_framework", c)] = self.repeat(
                    lambda d, c=c: loadgen.wrk(f"http://127.0.0.1:{proc.port}/", "fixed", connections=c, duration=d),
                    f"fixed body, {c} clients", self.serve_probe(None))
        finally:
            proc.stop()

    def reads(self, scale: str, files: Path, *, full: bool) -> None:
        base = f"http://127.0.0.1:{self.serve.port}"
        clients = self.clients if full else [16]
        scenarios = ["list", "detail", "search"] if full else ["list", "detail"]
        for c in clients:
            for name in scenarios:
                s = self.repeat(
                    lambda d, name=name, c=c: loadgen.wrk(base, name, connections=c, duration=d, files=files),
                    f"{name}, {c} clients", self.serve_probe(data.db_name(scale)))
                self.r.growth[(scale, name, c)] = s
                if full:
                    self.r.reads[(name, c)] = s

    def db_ceilings(self, files: Path, url: str) -> None:
        """The list and detail SQL through asyncpg (run while the server is stopped)."""
        for c in self.clients:
            for name in ("list", "detail"):
                self.r.reads[(f"ceiling_db_{name}", c)] = self.repeat(
                    lambda d, name=name, c=c: loadgen.drivers(
                        "db_ceiling",
                        ["--url", url, "--files", str(files), "--scenario", name,
                         "--concurrency", str(max(1, c // WORKERS)), "--duration", str(d)],
                        processes=WORKERS, duration=d),
                    f"db ceiling {name}, {c} clients")

    def scale(self, scale: str) -> None:
        full = scale == MAIN_SCALE
        files = self.work / scale
        url = data.db_url(data.db_name(scale))
        plugins = flows.plugins_available()
        self.r.plugins = plugins
        config = servers.write_config(files, url, plugins=plugins, workers=WORKERS,
                                      settings=flows.plugin_settings(plugins), worker_poll=flows.WORKER_POLL)
        log(f"scale {scale}: {data.SCALES[scale]:,} products")
        loaded = asyncio.run(data.prepare(scale, config, files, reuse=self.args.reuse, log=log))
        self.r.loads[scale] = loaded.seconds
        if full:
            self.r.queries = asyncio.run(query_counts.measure(config, files))
            log(f"  SQL statements per request: {self.r.queries}")
        if not full and not self.want("reads"):
            return
        self.serve = servers.serve(config, files, WORKERS)
        try:
            workers = self.serve.children()
            if full:
                self.r.memory["rest"] = [servers.memory(p) for p in workers]
            if self.want("reads"):
                self.reads(scale, files, full=full)
            if full and self.want("flows"):
                self.r.flows_note = flows.run_all(self, config, files, url, data.db_name(scale))
            if full:
                self.r.memory["load"] = [servers.memory(p) for p in workers]
        finally:
            self.serve.stop()
        if full and self.want("ceilings"):
            self.db_ceilings(files, url)
        if full and self.want("kernel"):
            kplugins = flows.plugins_available(flows.KERNEL)
            kconfig = servers.write_config(files / "kernel", url, plugins=kplugins, workers=WORKERS,
                                           worker_poll=flows.WORKER_POLL)
            data.migrate(kconfig)
            self.r.kernel_plugins = kplugins
            kernel.run_all(self, kconfig, files, url)

    def want(self, part: str) -> bool:
        """Whether this part of the bench runs (``--only``, ``--skip-*``)."""
        if part == "kernel" and self.args.skip_kernel or part == "flows" and self.args.skip_flows:
            return False
        return not self.args.only or part in self.args.only.split(",")

    def run(self) -> Path:
        started = time.monotonic()
        loadgen.ensure_wrk()
        self.r.machine = machine()
        log(" | ".join(f"{k}: {v}" for k, v in self.r.machine.items()))
        if self.want("ceilings"):
            self.framework_ceiling()
        for scale in self.args.scales.split(","):
            self.scale(scale)
        if self.want("kernel"):
            self.r.hooks = kernel.hooks(quick=self.args.quick)
        if not self.args.keep:
            for scale in self.args.scales.split(","):
                asyncio.run(data.drop_database(data.db_name(scale)))
        self.r.wall_seconds = time.monotonic() - started
        text = report.markdown(self.r)
        out = HERE / "results" / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print()
        print(text)
        log(f"written to {out}")
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 run x 3 s per scenario")
    parser.add_argument("--runs", type=int, help="runs per scenario (default 3; --quick 1)")
    parser.add_argument("--duration", type=float, help="seconds per run (default 10; --quick 3)")
    parser.add_argument("--clients", default="16,64", help="concurrent clients, comma-separated")
    parser.add_argument("--scales", default="1k,100k", help="catalogue sizes: 1k,100k[,1m]")
    parser.add_argument("--reuse", action="store_true", help="reuse loaded bench databases (implies --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases afterwards")
    parser.add_argument("--skip-kernel", action="store_true", help="skip hooks, timers and outbox")
    parser.add_argument("--skip-flows", action="store_true", help="skip checkout and mixed flows")
    parser.add_argument("--only", help="run only these parts: reads,flows,ceilings,kernel (comma-separated)")
    args = parser.parse_args()
    args.keep = args.keep or args.reuse
    # stopped from outside: unwind, so the servers and workers started here are stopped too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if MAIN_SCALE not in args.scales.split(","):
        parser.error(f"--scales must include {MAIN_SCALE} (the targets are at {MAIN_SCALE})")
    Bench(args).run()


if __name__ == "__main__":
    main()
