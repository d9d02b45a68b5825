"""Load generators on loopback, each in its own process: wrk (reads) and Python drivers.

``wrk`` (Debian package ``wrk``) runs the read scenarios with the Lua scripts in
``bench/wrk/`` (``common.lua`` is prepended to each); its summary line ``BENCH {...}``
is parsed into a :class:`~stats.Run`. Python drivers (``db_ceiling.py``, ``flows.py``)
run as ``N`` processes and print their raw latencies as JSON, merged here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import msgspec
from stats import Run, percentile

HERE = Path(__file__).parent
WRK_DIR = HERE / "wrk"


def ensure_wrk() -> str:
    """The wrk binary; installed with apt-get when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("  wrk is missing: apt-get install -y wrk", flush=True)
        result = subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, text=True)
        if result.returncode != 0:
            subprocess.run(["apt-get", "update"], capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit(
        "wrk is not installed. On Debian/Ubuntu: sudo apt-get install -y wrk "
        "(the bench installs it itself when run as root)."
    )


def wrk(url: str, script: str, *, connections: int, duration: float, threads: int = 2,
        files: Path | None = None, headers: dict[str, str] | None = None) -> Run:
    """One wrk run of ``bench/wrk/<script>.lua`` against ``url``."""
    body = (WRK_DIR / "common.lua").read_text() + "\n" + (WRK_DIR / f"{script}.lua").read_text()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(body)
        lua = handle.name
    argv = [ensure_wrk(), "-t", str(min(threads, connections)), "-c", str(connections),
            "-d", f"{max(1, round(duration))}s", "--timeout", "10s", "-s", lua]
    for k, v in (headers or {}).items():
        argv += ["-H", f"{k}: {v}"]
    argv.append(url)
    if files is not None:
        argv += ["--", str(files)]
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60)
    finally:
        os.unlink(lua)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary:\n{result.stdout}\n{result.stderr}")
    data = json.loads(line[len("BENCH "):])
    seconds = data["duration_us"] / 1e6
    errors = data["connect"] + data["read"] + data["write"] + data["status"] + data["timeout"]
    ok = data["requests"] - data["status"]
    return Run(
        rate=ok / seconds,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        requests=data["requests"],
        errors=errors,
        extra={"non_2xx": data["status"], "max_ms": data["max_us"] / 1000},
    )


class DriverResult(msgspec.Struct):
    """What a Python driver process prints: one JSON object on its last line."""

    ok: int
    failed: int
    seconds: float
    latencies_us: list[int]
    counters: dict[str, int] = {}


def drivers(module: str, args: list[str], *, processes: int, duration: float) -> Run:
    """Run ``python bench/<module>.py`` ``processes`` times in parallel and merge their results."""
    procs = [
        subprocess.Popen([sys.executable, str(HERE / f"{module}.py"), *args, "--part", str(i)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=HERE)
        for i in range(processes)
    ]
    results: list[DriverResult] = []
    for p in procs:
        out, err = p.communicate(timeout=duration + 120)
        if p.returncode != 0:
            raise RuntimeError(f"{module} failed ({p.returncode}):\n{err.decode()[-3000:]}")
        results.append(msgspec.json.decode(out.splitlines()[-1], type=DriverResult))
    latencies = sorted(x for r in results for x in r.latencies_us)
    seconds = max(r.seconds for r in results)
    counters: dict[str, float] = {}
    for r in results:
        for k, v in r.counters.items():
            counters[k] = counters.get(k, 0) + v
    ok = sum(r.ok for r in results)
    return Run(
        rate=ok / seconds if seconds else 0.0,
        p50_ms=percentile(latencies, 50) / 1000,
        p99_ms=percentile(latencies, 99) / 1000,
        requests=ok + sum(r.failed for r in results),
        errors=sum(r.failed for r in results),
        extra=counters,
    )
