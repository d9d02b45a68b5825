"""Processes under test: ``bazaar serve`` / ``bazaar worker`` as production runs them, and
the framework ceiling (a bare Litestar app on the same uvicorn setup).

Each is a subprocess in its own process group; :class:`Proc` stops the group. Peak memory
is read from ``/proc/<pid>/status`` (``VmHWM``, ``VmRSS``) of the uvicorn worker
processes, the children of the ``serve`` process.
"""

from __future__ import annotations

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from data import clean_env

BIN = Path(sys.executable).parent
HERE = Path(__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(workdir: Path, url: str, *, plugins: list[str], workers: int = 2,
                 settings: dict[str, dict[str, object]] | None = None, worker_poll: float | None = None) -> Path:
    """A ``bazaar.toml`` for the bench (a throwaway encryption key, made per run)."""
    workdir.mkdir(parents=True, exist_ok=True)
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    lines = [
        "[database]", f'url = "{url}"', "",
        "[files]", f'dir = "{(workdir / "files").as_posix()}"', "",
        "[server]", f"workers = {workers}", "embedded_worker = false", "",
        *(["[worker]", f"poll_seconds = {worker_poll}", ""] if worker_poll else []),
        "[security]", f'encryption_keys = {{ bench = "{key}" }}', 'active_key_id = "bench"', "",
        "[plugins]", "enabled = [" + ", ".join(f'"{p}"' for p in plugins) + "]", "",
    ]
    for pid, table in (settings or {}).items():
        lines.append(f'[plugins."{pid}"]')
        for k, v in table.items():
            lines.append(f"{k} = {toml_value(v)}")
        lines.append("")
    path = workdir / "bazaar.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    port: int | None = None
    log: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self, timeout: float = 15.0) -> None:
        if self.popen.poll() is not None:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def children(self) -> list[int]:
        """uvicorn's worker processes (children of the server, without multiprocessing's tracker)."""
        out: list[int] = []
        task_dir = Path(f"/proc/{self.pid}/task")
        for task in task_dir.iterdir() if task_dir.exists() else ():
            try:
                out += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                pass
        return [p for p in out if b"resource_tracker" not in _cmdline(p)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the given processes so far (exited ones count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def _spawn(name: str, argv: list[str], workdir: Path, env: dict[str, str] | None = None,
           port: int | None = None) -> Proc:
    log = workdir / f"{name}.log"
    handle = log.open("ab")
    popen = subprocess.Popen(argv, cwd=workdir, stdout=handle, stderr=subprocess.STDOUT,
                             env={**clean_env(), **(env or {})}, start_new_session=True)
    return Proc(name, popen, port, log)


def wait_http(proc: Proc, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{proc.port}{path}"
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise RuntimeError(f"{proc.name} exited ({proc.popen.returncode}); see {proc.log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 (loopback)
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{proc.name} did not answer {url} in {timeout:.0f} s; see {proc.log}")


def serve(config: Path, workdir: Path, workers: int = 2) -> Proc:
    """``bazaar serve --workers N --no-worker`` (migrates first, as the command does)."""
    port = free_port()
    proc = _spawn("serve", [str(BIN / "bazaar"), "--config", str(config), "serve", "--workers", str(workers),
                            "--no-worker", "--port", str(port)], workdir, port=port)
    wait_http(proc, "/ready", timeout=120)
    # all workers up: each answers /health; give the slower one a moment
    _wait_children(proc, workers)
    return proc


def worker(config: Path, workdir: Path, n: int = 0) -> Proc:
    """A separate ``bazaar worker`` process (timers and event deliveries)."""
    return _spawn(f"worker{n}", [str(BIN / "bazaar"), "--config", str(config), "worker"], workdir)


def ceiling(workdir: Path, workers: int = 2) -> Proc:
    """The framework ceiling: a bare Litestar handler on uvicorn, same worker count."""
    port = free_port()
    proc = _spawn("ceiling", [str(sys.executable), str(HERE / "ceiling_app.py"), "--workers", str(workers),
                              "--port", str(port)], workdir, port=port)
    wait_http(proc, "/")
    _wait_children(proc, workers)
    return proc


def _wait_children(proc: Proc, workers: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while len(proc.children()) < workers and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)


def memory(pid: int) -> dict[str, int]:
    """``VmHWM`` (peak) and ``VmRSS`` of a process, in KiB."""
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out
