"""Issue 10 item 3: SIGKILL the worker mid-batch, again and again, and lose no payment notification.

Real processes on PostgreSQL: one ``bazaar serve --no-worker`` (the shop, which receives the
notifications) and ``bazaar worker`` processes (they run the sandbox's delivery timers, which
POST each signed notification to the server over HTTP, ``sandbox.delivery = "http"``).

Forty checkouts are approved on the sandbox's pay page while no worker runs, so forty
notifications queue. A worker starts delivering them and is killed (SIGKILL) mid-batch: as
soon as the shop has applied a notice the sandbox has not yet marked delivered (the 2xx is on
its way back), or else after a few deliveries; three times, each kill by a new worker after
the dead one's short lease ran out. A last worker then finishes. A few of the buyers paid
at the last second: their checkouts' expiry timers are made due before the notifications get
through, so those payments arrive for cancelled orders and must be refunded, not lost.

Every wait polls with a deadline; real time is used only to wait on processes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import ADDRESS, line

pytestmark = [pytest.mark.slow, pytest.mark.bazaar_engines("postgres")]

CHECKOUTS = 40
CUSTOMERS = 4
KILL_CYCLES = 3
#: checkouts whose buyer paid at the last second (their expiry runs before the notice arrives)
LATE = {5, 15, 25, 35}
PRICES = (1999, 12000)
SECRET = "kill-test-sandbox-secret-0123456789abcdef"
PASSWORD = "Correct-Horse-42"
DEADLINE = 80.0  # seconds for the whole run from the server's start (a guard: it takes ~25 s)
BIN = Path(sys.executable).parent / "bazaar"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(db_url: str, port: int, key: str, files: Path) -> str:
    """One ``bazaar.toml`` for the server and every worker."""
    return f"""
[database]
url = "{db_url}"

[files]
dir = "{files}"

[server]
public_url = "http://127.0.0.1:{port}"
embedded_worker = false

[worker]
lease_seconds = 2
poll_seconds = 0.05
backoff_base_seconds = 0.2
backoff_max_seconds = 1

[security]
encryption_keys = {{k1 = "{key}"}}
active_key_id = "k1"
argon2_time_cost = 1
argon2_memory_kib = 64

[log]
level = "WARNING"
json = false

[plugins]
enabled = ["payments.escrow"]

[plugins.payments.escrow]
allow_sandbox = true
sandbox = {{secret = "{SECRET}", delivery = "http"}}
"""


class Proc:
    """A ``bazaar`` subprocess in its own process group, its output in a file."""

    def __init__(self, name: str, args: list[str], cwd: Path, config: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BAZAAR_")}
        env["BAZAAR_CONFIG"] = str(config)
        self.name = name
        self.log = cwd / f"{name}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen([str(BIN), *args], cwd=cwd, env=env, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)

    def tail(self) -> str:
        return f"--- {self.name} ---\n" + self.log.read_text(errors="replace")[-3000:]

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.name} exited with {self.proc.returncode}\n{self.tail()}")

    def kill(self) -> int:
        """SIGKILL: no handler runs, no transaction finishes, leases stay taken."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        return self.proc.wait(timeout=10)

    def stop(self) -> int:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        return self.proc.returncode


@pytest.fixture
def processes() -> Iterator[list[Proc]]:
    started: list[Proc] = []
    yield started
    for p in reversed(started):
        p.stop()


async def _until(what: str, probe: Callable[[], Awaitable[Any]], deadline: float, alive: list[Proc]) -> Any:
    """Poll ``probe`` until it answers something truthy; fail at ``deadline`` or if a process died."""
    while True:
        value = await probe()
        if value:
            return value
        for p in alive:
            p.check_alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n" + "\n".join(p.tail() for p in alive))
        await asyncio.sleep(0.02)


async def test_killing_the_worker_mid_batch_loses_no_notification(
    bazaar_factory: Any, bazaar_db_url: str, tmp_path: Path, processes: list[Proc]
) -> None:
    key = Fernet.generate_key().decode()
    # the kit seeds the same database with the same encryption key, then only reads
    kit = await bazaar_factory(plugins=["payments.escrow"],
                               config={"payments.escrow": {"sandbox": {"secret": SECRET}}},
                               settings={"security": {"encryption_keys": {"k1": key}, "active_key_id": "k1"}})
    skus = []
    for name, price in zip(("Tea House", "Porcelain"), PRICES, strict=True):
        merchant_id, owner = await kit.merchant(name=name)
        skus.append((await seed.product(kit.runtime, merchant_id, prices=[price], stock=CHECKOUTS))["skus"][0])
        r = await kit.client.put(f"/api/v1/payments/merchants/{merchant_id}/settlement-account",
                                 json={"holder_name": name, "bank_account": "6222020200112233"}, headers=owner.headers)
        assert r.status_code == 200, r.text
    operator = await kit.operator()
    kit.auto_run_due = False
    db = kit.runtime.db

    port = _free_port()
    config = tmp_path / "bazaar.toml"
    config.write_text(_config(bazaar_db_url, port, key, tmp_path / "files"))

    def start(name: str, *args: str) -> Proc:
        p = Proc(name, list(args), tmp_path, config)
        processes.append(p)
        return p

    server = start("server", "serve", "--no-worker", "--port", str(port))
    worker = start("worker-0", "worker")
    deadline = time.monotonic() + DEADLINE

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=20) as c:
        async def ready() -> bool:
            try:
                return (await c.get("/ready")).status_code == 200
            except httpx.HTTPError:
                return False

        await _until("the server", ready, deadline, [server])

        async def login(email: str, password: str) -> dict[str, str]:
            r = await c.post("/api/v1/auth/login", json={"email": email, "password": password})
            assert r.status_code == 200, r.text
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        async def customer(n: int) -> dict[str, str]:
            email = f"killtest{n}@example.com"
            r = await c.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": f"Buyer {n}"})
            assert r.status_code == 201, r.text
            return await login(email, PASSWORD)

        async def buy(headers: dict[str, str], count: int) -> list[dict[str, Any]]:
            bodies = []
            body = {"lines": [line(s, 1, p) for s, p in zip(skus, PRICES, strict=True)],
                    "shipping_address": ADDRESS, "payment_method": "sandbox"}
            for _ in range(count):
                r = await c.post("/api/v1/checkouts", json=body, headers=headers)
                assert r.status_code == 201, r.text
                bodies.append(r.json())
            return bodies

        buyers = await asyncio.gather(*(customer(n) for n in range(CUSTOMERS)))
        per = CHECKOUTS // CUSTOMERS
        checkouts = [b for batch in await asyncio.gather(*(buy(h, per) for h in buyers)) for b in batch]
        assert len(checkouts) == CHECKOUTS

        # worker-0 sends the create instructions; then it stops, so the approvals' notices queue
        async def all_created() -> bool:
            row = await db.fetchrow("SELECT COUNT(*) AS n FROM payments_payment WHERE provider_pay_url IS NOT NULL")
            return int(row["n"]) == CHECKOUTS

        await _until("every payment created at the sandbox", all_created, deadline, [server, worker])
        assert worker.stop() == 0, worker.tail()

        async def approve(body: dict[str, Any]) -> None:
            r = await c.get(body["payment"]["pay_url"])
            assert r.status_code == 303, r.text
            page = r.headers["location"]
            assert "Approve" in (await c.get(page)).text
            r = await c.post(page + "/approve")
            assert r.status_code == 200 and r.json()["status"] == "succeeded", r.text

        for n in range(0, CHECKOUTS, 10):
            await asyncio.gather(*(approve(b) for b in checkouts[n:n + 10]))
        # the late payers: their checkouts' expiry falls due before any notice gets through
        for n in LATE:
            moved = await db.execute(
                "UPDATE kernel_timer SET due_at = due_at - INTERVAL '1 hour' WHERE key = {} AND status = 'pending' "
                "RETURNING id", f"core.checkout_expire:{checkouts[n]['id']}",
            )
            assert moved, checkouts[n]["id"]

        async def delivered() -> tuple[int, int]:
            row = await db.fetchrow("SELECT COUNT(*) AS total, COALESCE(SUM(delivered), 0) AS done "
                                    "FROM payments_sandbox_notice")
            return int(row["total"]), int(row["done"])

        async def applied() -> int:
            """Notices the shop applied (one row each, however often one is sent)."""
            return int((await db.fetchrow("SELECT COUNT(*) AS n FROM payments_notification"))["n"])

        total, done = await delivered()
        assert (total, done) == (CHECKOUTS, 0)

        kills: list[dict[str, int]] = []
        for cycle in range(1, KILL_CYCLES + 1):
            before = (await delivered())[1]
            worker = start(f"worker-{cycle}", "worker")

            async def mid_batch(before: int = before) -> bool:
                # kill as the shop has applied a notice the sandbox has not marked delivered yet
                # (its 2xx is on the way), else after a few delivered: mid-batch either way
                total, done = await delivered()
                return done == total or (done > before and (await applied() > done or done >= before + 3))

            await _until(f"worker-{cycle} to deliver", mid_batch, deadline, [server, worker])
            assert worker.kill() == -signal.SIGKILL
            total, done = await delivered()
            kills.append({"undelivered": total - done, "applied_not_marked": await applied() - done})

        final = start("worker-final", "worker")

        async def settled() -> bool:
            # every notice delivered and nothing due soon (a retry backs off at most a second): idle
            total, done = await delivered()
            due = await db.fetchrow("SELECT COUNT(*) AS n FROM kernel_timer WHERE status = 'pending' "
                                    "AND due_at < now() + INTERVAL '5 seconds'")
            return total == done and int(due["n"]) == 0

        await _until("the last worker to finish", settled, deadline, [server, final])
        assert final.stop() == 0, final.tail()

        admin = await login(operator.email, operator.password)
        r = await c.get("/api/v1/payments/admin/trial-balance", headers=admin)
        assert r.status_code == 200, r.text
        tb = r.json()
        r = await c.post("/api/v1/payments/admin/reconciliations", headers=admin,
                         json={"period_from": "2020-01-01T00:00:00Z", "period_to": "2100-01-01T00:00:00Z"})
        assert r.status_code == 201, r.text
        reconciliation = r.json()
    server.stop()

    # the sandbox took every payment; each ended paid, or refunded when its checkout had expired
    taken = await db.fetch("SELECT id, merchant_ref, paid_minor FROM payments_sandbox_payment WHERE status = 'succeeded'")
    assert len(taken) == CHECKOUTS
    refunded = {r["payment_id"]: int(r["total"]) for r in await db.fetch(
        "SELECT payment_id, SUM(amount_minor) AS total FROM payments_sandbox_movement WHERE type = 'refund' "
        "GROUP BY payment_id")}
    late = {checkouts[n]["id"] for n in LATE}
    lost = []
    for sbp in taken:
        payment = await db.fetchrow("SELECT checkout_id, state FROM payments_payment WHERE id = {}", sbp["merchant_ref"])
        orders = {r["state"] for r in await db.fetch(
            "SELECT state FROM orders_order WHERE checkout_id = {}", payment["checkout_id"])}
        if payment["checkout_id"] in late:
            ok = payment["state"] == "resolved" and orders == {"cancelled"} and refunded.get(sbp["id"]) == sbp["paid_minor"]
        else:
            ok = payment["state"] == "paid" and orders == {"paid"} and sbp["id"] not in refunded
        if not ok:
            lost.append((sbp["id"], payment["state"], orders, refunded.get(sbp["id"])))

    notices = await db.fetch("SELECT delivered, last_status FROM payments_sandbox_notice")
    undelivered = sum(1 for n in notices if not n["delivered"])
    print(f"\nkill cycles: {len(kills)}, notifications: {len(notices)}, undelivered: {undelivered}, "
          f"payments lost: {len(lost)}; at each kill: {kills}")
    assert lost == [], lost
    assert undelivered == 0 and all(200 <= n["last_status"] < 300 for n in notices), notices
    assert reconciliation["mismatches"] == [], reconciliation["mismatches"]  # no missing_in_ledger
    assert reconciliation["matched"] == CHECKOUTS + len(LATE)  # every payment, every late refund
    assert tb["balanced"] and tb["unbalanced_entries"] == [] and tb["negative_balances"] == [], tb
    # every kill happened mid-batch: notices were left for the next worker
    assert len(kills) == KILL_CYCLES and all(k["undelivered"] > 0 for k in kills), kills
    # nothing left in flight: a late payer's close was refused at once (it stayed `sent` for ever)
    instructions = await db.fetch("SELECT kind, status, COUNT(*) AS n FROM payments_instruction GROUP BY kind, status")
    assert {(r["kind"], r["status"]): int(r["n"]) for r in instructions} == {
        ("create", "succeeded"): CHECKOUTS, ("close", "failed"): len(LATE), ("refund", "succeeded"): len(LATE)}
    paid_orders = await db.fetchrow("SELECT COUNT(DISTINCT checkout_id) AS n FROM orders_order WHERE state = 'paid'")
    assert int(paid_orders["n"]) == CHECKOUTS - len(LATE)
    # the receiver applied each notification once, however often it came
    applied = await db.fetch("SELECT outcome, COUNT(*) AS n FROM payments_notification GROUP BY outcome ORDER BY outcome")
    assert {r["outcome"]: int(r["n"]) for r in applied} == {
        "paid": CHECKOUTS - len(LATE), "refunded_late_payment": len(LATE), "refund_posted": len(LATE)}, applied
