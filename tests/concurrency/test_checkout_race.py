"""50 simultaneous checkouts for 10 units against a real ``bazaar serve`` process: no overselling.

PostgreSQL: two server worker processes (uvicorn ``--workers 2``), timers off (``--no-worker``).
SQLite: the embedded single process (``--workers 1``, worker inside). Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import ADDRESS, line, purchase_counts

pytestmark = pytest.mark.slow

CUSTOMERS = 50
STOCK = 10
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A ``bazaar serve`` subprocess on a free port, stopped (its whole process group) at the end."""

    def __init__(self, db_url: str, workers: int, cwd: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("BAZAAR_")}
        env.update(
            BAZAAR_DATABASE_URL=db_url,
            BAZAAR_PLUGINS_ENABLED="testing.payments",
            BAZAAR_SECURITY__ENCRYPTION_KEYS=f'{{k1 = "{Fernet.generate_key().decode()}"}}',
            BAZAAR_SECURITY__ACTIVE_KEY_ID="k1",
            BAZAAR_SECURITY__ARGON2_TIME_COST="1",
            BAZAAR_SECURITY__ARGON2_MEMORY_KIB="64",
            BAZAAR_LOG__LEVEL="WARNING",
            BAZAAR_FILES_DIR=str(cwd / "files"),
        )
        args = [str(Path(sys.executable).parent / "bazaar"), "serve", "--port", str(self.port),
                "--workers", str(workers)]
        if workers > 1:
            args.append("--no-worker")
        self.log = cwd / "server.log"
        self._log = self.log.open("wb")
        self.proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"server not ready in {START_TIMEOUT}s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log.close()


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Any]:
    servers: list[Server] = []

    def start(db_url: str, workers: int) -> Server:
        server = Server(db_url, workers, tmp_path)
        servers.append(server)
        server.wait_ready()
        return server

    yield start
    for server in servers:
        server.stop()


async def _customer(client: httpx.AsyncClient, n: int) -> dict[str, str]:
    email, password = f"racer{n}@example.com", "Correct-Horse-42"
    r = await client.post("/api/v1/auth/register", json={"email": email, "password": password, "name": f"Racer {n}"})
    assert r.status_code == 201, r.text
    r = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def test_fifty_checkouts_for_ten_units(bazaar_factory: Any, bazaar_db_url: str, bazaar_engine: str,
                                             server_factory: Any) -> None:
    kit = await bazaar_factory()  # same database: seed it, then read the outcome
    merchant_id, _ = await kit.merchant(name="Flash Sale")
    sku = (await seed.product(kit.runtime, merchant_id, prices=[9900], stock=STOCK))["skus"][0]
    workers = 2 if bazaar_engine == "postgres" else 1
    server = server_factory(bazaar_db_url, workers)

    limits = httpx.Limits(max_connections=CUSTOMERS + 10, max_keepalive_connections=CUSTOMERS + 10)
    async with httpx.AsyncClient(base_url=server.url, timeout=REQUEST_TIMEOUT, limits=limits) as client:
        headers = []
        for batch in range(0, CUSTOMERS, 10):
            headers += await asyncio.gather(*(_customer(client, n) for n in range(batch, batch + 10)))
        body = {"lines": [line(sku, 1, 9900)], "shipping_address": ADDRESS, "payment_method": "testpay"}
        responses = await asyncio.wait_for(
            asyncio.gather(*(client.post("/api/v1/checkouts", json=body, headers=h) for h in headers)),
            timeout=REQUEST_TIMEOUT * 2,
        )

    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == STOCK, [r.text for r in responses if r.status_code not in (201, 409)][:3]
    assert statuses.count(409) == CUSTOMERS - STOCK, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"insufficient_stock"}
    counts = await purchase_counts(kit.runtime, [sku])
    assert counts[sku] == (STOCK, STOCK)  # all reserved, nothing available, nothing oversold
    assert counts["orders_order"] == STOCK
    assert counts["checkout_checkout"] == STOCK
    reserved = await kit.runtime.db.fetchrow(
        "SELECT COUNT(*) AS n, SUM(reserved_delta) AS q FROM inventory_movement WHERE sku_id = {} AND kind = 'reserve'",
        sku,
    )
    assert (int(reserved["n"]), int(reserved["q"])) == (STOCK, STOCK)
    winners = {r.json()["customer_id"] for r in responses if r.status_code == 201}
    assert len(winners) == STOCK
