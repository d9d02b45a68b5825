"""CPU accounting around a run: who used the machine's cores, per request.

On a shared machine the request rate depends on what else runs; CPU time per request
does much less. Around each run this records the CPU seconds of the server's worker
processes, of the PostgreSQL backends serving the bench database, of the load
generator (waited children of this process), and of the whole machine (``/proc/stat``);
the rest is "other" load, reported so a run on a busy machine can be recognised.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from pathlib import Path

from servers import cpu_seconds

NCPU = os.cpu_count() or 1


def machine_busy_seconds() -> float:
    """CPU seconds spent not idle, all cores, since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def children_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Probe:
    """``with Probe(server_pids, db_pids) as p: ...``; then ``p.per_request(n)``."""

    def __init__(self, server_pids: Callable[[], list[int]] | None = None,
                 db_pids: Callable[[], list[int]] | None = None) -> None:
        self._server = server_pids or (lambda: [])
        self._db = db_pids or (lambda: [])

    def __enter__(self) -> Probe:
        self.server_pids, self.db_pids = self._server(), self._db()
        self.t0 = time.monotonic()
        self.m0 = machine_busy_seconds()
        self.s0 = cpu_seconds(self.server_pids)
        self.d0 = cpu_seconds(self.db_pids)
        self.g0 = children_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.monotonic() - self.t0
        self.machine = machine_busy_seconds() - self.m0
        self.server = cpu_seconds(self.server_pids) - self.s0
        self.db = cpu_seconds(self.db_pids) - self.d0
        self.generator = children_seconds() - self.g0

    def figures(self, requests: int) -> dict[str, float]:
        """CPU ms per request by part, and the share of the machine others used."""
        n = max(1, requests)
        other = max(0.0, self.machine - self.server - self.db - self.generator)
        return {
            "server_cpu_ms": 1000 * self.server / n,
            "db_cpu_ms": 1000 * self.db / n,
            "gen_cpu_ms": 1000 * self.generator / n,
            "other_load": other / (self.wall * NCPU) if self.wall else 0.0,
        }
