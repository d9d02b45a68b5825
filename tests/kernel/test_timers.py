"""Durable timers: schedule / reschedule / cancel by (kind, subject), retries, failure, leases.

The last test runs 2,000 timers through two real ``bazaar worker`` processes on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse, urlunparse

import msgspec
import pytest
from cryptography.fernet import Fernet

from bazaar.core.kernel.timers import Worker, backoff
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.timers import Due, outside_transaction

TABLE = "CREATE TABLE IF NOT EXISTS ticker_effect (subject VARCHAR(200) NOT NULL, attempt INTEGER NOT NULL)"


class Ticker:
    """A plugin with timer kinds whose handler records each run and can fail on purpose."""

    def __init__(self, fail_times: int = 0) -> None:
        self.runs: list[Due] = []
        self.fail_times = fail_times
        self.outside: list[bool] = []
        ticker = self

        async def tick(rt: Any, due: Due) -> None:
            ticker.runs.append(due)
            await rt.db.execute("INSERT INTO ticker_effect (subject, attempt) VALUES ({}, {})", due.subject, due.attempt)
            if ticker.fail_times > 0:
                ticker.fail_times -= 1
                raise TimeoutError(f"attempt {due.attempt} timed out")

        @outside_transaction
        async def call_out(rt: Any, due: Due) -> None:
            ticker.outside.append(rt.db.in_transaction())

        self.plugin = Plugin(
            id="ticker",
            version="1.0.0",
            summary="timers under test",
            timers={"ticker.tick": tick, "ticker.call_out": call_out},
        )


async def start(bazaar_factory, ticker: Ticker, **worker: Any):
    kit = await bazaar_factory(plugins=["ticker"], extra=[ticker.plugin], settings={"worker": worker} if worker else None)
    await kit.runtime.db.execute(TABLE)
    return kit


async def effects(kit) -> list[dict[str, Any]]:
    return await kit.runtime.db.fetch("SELECT subject, attempt FROM ticker_effect ORDER BY subject, attempt")


async def timer_row(kit, subject: str) -> dict[str, Any] | None:
    return await kit.runtime.db.fetchrow(
        "SELECT kind, subject, status, attempts, last_error, due_at FROM kernel_timer WHERE subject = {} "
        "ORDER BY created_at DESC, id DESC",
        subject,
    )


def test_backoff_doubles_up_to_the_cap():
    assert [backoff(n, 5, 60).total_seconds() for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]
    assert backoff(0, 5, 60) == timedelta(seconds=5)


# --- schedule / reschedule / cancel ------------------------------------------------------


async def test_timer_runs_once_when_due_with_its_payload(bazaar_factory):
    ticker = Ticker()
    kit = await start(bazaar_factory, ticker)
    timers, now = kit.runtime.timers, kit.clock.now()
    timer_id = await timers.schedule("ticker.tick", "ord_1", now + timedelta(hours=1), {"reason": "pay"})
    assert (await timers.get("ticker.tick", "ord_1"))["id"] == timer_id
    assert await kit.advance(timedelta(minutes=59)) == 0
    assert ticker.runs == []
    assert await kit.advance(timedelta(minutes=1)) == 1
    (due,) = ticker.runs
    assert (due.id, due.kind, due.subject, due.payload, due.attempt) == (timer_id, "ticker.tick", "ord_1", {"reason": "pay"}, 1)
    assert due.due_at == now + timedelta(hours=1)
    assert await kit.advance(timedelta(days=2)) == 0
    assert len(ticker.runs) == 1
    assert (await timer_row(kit, "ord_1"))["status"] == "done"
    assert await timers.get("ticker.tick", "ord_1") is None, "finished timers leave the (kind, subject) key free"


async def test_scheduling_the_same_kind_and_subject_moves_the_timer(bazaar_factory):
    ticker = Ticker()
    kit = await start(bazaar_factory, ticker)
    timers, now = kit.runtime.timers, kit.clock.now()
    first = await timers.schedule("ticker.tick", "ord_1", now + timedelta(hours=1), {"v": 1})
    again = await timers.schedule("ticker.tick", "ord_1", now + timedelta(hours=3), {"v": 2})
    assert again == first
    other = await timers.schedule("ticker.tick", "ord_2", now + timedelta(hours=1))
    assert other != first
    rows = await kit.runtime.db.fetch("SELECT subject FROM kernel_timer WHERE kind = 'ticker.tick' ORDER BY subject")
    assert [r["subject"] for r in rows] == ["ord_1", "ord_2"]
    await kit.advance(timedelta(hours=2))
    assert [d.subject for d in ticker.runs] == ["ord_2"]
    await kit.advance(timedelta(hours=1))
    assert [(d.subject, d.payload) for d in ticker.runs] == [("ord_2", {}), ("ord_1", {"v": 2})]


async def test_naive_due_at_is_refused(bazaar_factory):
    kit = await start(bazaar_factory, Ticker())
    with pytest.raises(ValueError, match="timezone-aware"):
        await kit.runtime.timers.schedule("ticker.tick", "x", datetime(2026, 1, 1))  # noqa: DTZ001


async def test_reschedule_moves_a_pending_timer(bazaar_factory):
    ticker = Ticker()
    kit = await start(bazaar_factory, ticker)
    timers, now = kit.runtime.timers, kit.clock.now()
    await timers.schedule("ticker.tick", "ord_1", now + timedelta(days=10))
    assert await timers.reschedule("ticker.tick", "ord_1", now + timedelta(days=1)) is True
    assert await kit.advance(timedelta(days=1)) == 1
    assert [d.due_at for d in ticker.runs] == [now + timedelta(days=1)]
    assert await timers.reschedule("ticker.tick", "ord_1", now + timedelta(days=5)) is False, "already done"
    assert await timers.reschedule("ticker.tick", "nobody", now) is False


async def test_cancelled_timer_never_runs(bazaar_factory):
    ticker = Ticker()
    kit = await start(bazaar_factory, ticker)
    timers, now = kit.runtime.timers, kit.clock.now()
    await timers.schedule("ticker.tick", "ord_1", now + timedelta(minutes=30))
    assert await timers.cancel("ticker.tick", "ord_1") is True
    assert await timers.cancel("ticker.tick", "ord_1") is False
    assert await timers.get("ticker.tick", "ord_1") is None
    await kit.advance(timedelta(days=1))
    assert ticker.runs == []
    assert (await timer_row(kit, "ord_1"))["status"] == "cancelled"
    # the subject can be scheduled again afterwards
    await timers.schedule("ticker.tick", "ord_1", kit.clock.now())
    assert await kit.run_due() == 1 and len(ticker.runs) == 1


async def test_timer_scheduled_in_a_rolled_back_unit_of_work_does_not_exist(bazaar_factory):
    ticker = Ticker()
    kit = await start(bazaar_factory, ticker)
    rt = kit.runtime
    with pytest.raises(LookupError):
        async with rt.unit_of_work():
            await rt.timers.schedule("ticker.tick", "ord_1", kit.clock.now())
            raise LookupError("abort")
    assert await rt.timers.get("ticker.tick", "ord_1") is None
    assert await kit.advance(timedelta(days=1)) == 0


# --- failures ----------------------------------------------------------------------------


async def test_failing_handler_retries_with_backoff_then_succeeds(bazaar_factory):
    ticker = Ticker(fail_times=2)
    kit = await start(bazaar_factory, ticker, backoff_base_seconds=60, max_attempts=5)
    await kit.runtime.timers.schedule("ticker.tick", "ord_1", kit.clock.now())
    assert await kit.run_due() == 0  # attempt 1 fails
    row = await timer_row(kit, "ord_1")
    assert row["status"] == "pending" and row["attempts"] == 1
    assert row["last_error"] == "TimeoutError: attempt 1 timed out"
    assert row["due_at"] == kit.clock.now() + timedelta(seconds=60)
    assert await kit.advance(timedelta(seconds=59)) == 0 and len(ticker.runs) == 1
    assert await kit.advance(timedelta(seconds=1)) == 0  # attempt 2 fails; next in 120 s
    assert await kit.advance(timedelta(seconds=119)) == 0 and len(ticker.runs) == 2
    assert await kit.advance(timedelta(seconds=1)) == 1  # attempt 3 succeeds
    assert [d.attempt for d in ticker.runs] == [1, 2, 3]
    row = await timer_row(kit, "ord_1")
    assert row["status"] == "done" and row["attempts"] == 3
    # the failed attempts' writes rolled back with them
    assert await effects(kit) == [{"subject": "ord_1", "attempt": 3}]


async def test_timer_fails_for_good_after_max_attempts(bazaar_factory):
    ticker = Ticker(fail_times=100)
    kit = await start(bazaar_factory, ticker, backoff_base_seconds=1, max_attempts=3)
    await kit.runtime.timers.schedule("ticker.tick", "ord_1", kit.clock.now())
    await kit.run_due()
    await kit.advance(timedelta(seconds=1))
    await kit.advance(timedelta(seconds=2))
    assert [d.attempt for d in ticker.runs] == [1, 2, 3]
    row = await timer_row(kit, "ord_1")
    assert row["status"] == "failed" and row["attempts"] == 3
    assert row["last_error"] == "TimeoutError: attempt 3 timed out"
    await kit.advance(timedelta(days=30))
    assert len(ticker.runs) == 3
    assert await effects(kit) == []
    assert await kit.runtime.timers.get("ticker.tick", "ord_1") is None, "a failed timer frees its key"


async def test_handler_writes_commit_with_the_timer(bazaar_factory):
    ticker = Ticker()
    kit = await start(bazaar_factory, ticker)
    for n in range(3):
        await kit.runtime.timers.schedule("ticker.tick", f"ord_{n}", kit.clock.now())
    assert await kit.run_due() == 3
    assert await effects(kit) == [{"subject": f"ord_{n}", "attempt": 1} for n in range(3)]


async def test_outside_transaction_handler_runs_with_no_transaction_open(bazaar_factory):
    ticker = Ticker()
    kit = await start(bazaar_factory, ticker)
    await kit.runtime.timers.schedule("ticker.call_out", "x", kit.clock.now())
    assert await kit.run_due() == 1
    assert ticker.outside == [False]


async def test_expired_lease_is_taken_over_and_the_late_worker_commits_nothing(bazaar_factory):
    ticker = Ticker()
    kit = await start(bazaar_factory, ticker, lease_seconds=60)
    rt = kit.runtime
    await rt.timers.schedule("ticker.tick", "ord_1", kit.clock.now())
    slow, fast = Worker(rt, "worker-slow"), Worker(rt, "worker-fast")
    (claimed,) = await slow.claim(10)
    assert await fast.claim(10) == [], "a leased timer is not claimed twice"
    kit.clock.advance(timedelta(seconds=61))  # the slow worker's lease ran out
    assert await fast.run_due() == 1
    assert await slow.run_one(claimed) is False, "the late worker finds its lease lost"
    assert [d.attempt for d in ticker.runs] == [2, 1]
    assert await effects(kit) == [{"subject": "ord_1", "attempt": 2}], "only the owner's writes commit"
    row = await rt.db.fetchrow("SELECT status, locked_by FROM kernel_timer WHERE subject = 'ord_1'")
    assert row == {"status": "done", "locked_by": "worker-fast"}


# --- several worker processes (PostgreSQL) ------------------------------------------------

TIMERS = 2_000


def _url_with(url: str, **query: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(query="&".join(f"{k}={v}" for k, v in query.items())))


async def _wait_for(kit, sql: str, predicate, deadline: float, what: str, procs: list[subprocess.Popen]) -> Any:
    while True:
        value = await kit.runtime.db.fetch(sql)
        if predicate(value):
            return value
        for p in procs:
            if p.poll() is not None:
                pytest.fail(f"a worker exited early ({p.returncode}) while waiting for {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}: last {value}")
        await asyncio.sleep(0.05)  # polling the database for progress, not waiting on the clock


@pytest.mark.slow
@pytest.mark.bazaar_engines("postgres")
async def test_two_worker_processes_run_each_timer_exactly_once(bazaar_factory, bazaar_db_url, tmp_path):
    kit = await bazaar_factory(plugins=["hello"])
    db = kit.runtime.db
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAZAAR_")}
    env.update(
        BAZAAR_PLUGINS_ENABLED="hello",
        BAZAAR_WORKER__POLL_SECONDS="0.05",
        BAZAAR_WORKER__BATCH_SIZE="25",
        BAZAAR_LOG__JSON="false",
        BAZAAR_LOG__LEVEL="WARNING",
        BAZAAR_FILES_DIR=str(tmp_path / "files"),
        # a worker refuses to start without an encryption key (issue 10)
        BAZAAR_SECURITY__ENCRYPTION_KEYS='{k1 = "' + Fernet.generate_key().decode() + '"}',
        BAZAAR_SECURITY__ACTIVE_KEY_ID="k1",
    )
    names = [f"bazaar-mp-{os.getpid()}-{n}" for n in (1, 2)]
    logs = [(tmp_path / f"{name}.out").open("w+") for name in names]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bazaar.core.cli", "worker"],
            env={**env, "BAZAAR_DATABASE_URL": _url_with(bazaar_db_url, application_name=name)},
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name, log in zip(names, logs, strict=True)
    ]
    try:
        deadline = time.monotonic() + 120
        # both workers are connected before there is any work, so neither can take it all
        await _wait_for(
            kit,
            "SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE application_name LIKE 'bazaar-mp-%'",
            lambda rows: {r["name"] for r in rows} >= set(names),
            deadline,
            "both workers to connect",
            procs,
        )
        due_at = datetime.now(UTC) - timedelta(minutes=1)  # the workers use the system clock
        await db.execute(
            "INSERT INTO kernel_timer (id, kind, subject, key, payload, due_at, status, attempts, created_at) "
            "SELECT 'tmr_mp_' || n, 'hello.remind', 'person-' || n, 'hello.remind:person-' || n, "
            "{}::json, {}, 'pending', 0, {} FROM generate_series(1, {}) AS n",
            "{}",
            due_at,
            due_at,
            TIMERS,
        )
        await _wait_for(
            kit,
            "SELECT COUNT(*) AS n FROM kernel_timer WHERE kind = 'hello.remind' AND status = 'done'",
            lambda rows: rows[0]["n"] == TIMERS,
            deadline,
            f"{TIMERS} timers done",
            procs,
        )
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=30)
        outputs = []
        for log in logs:
            log.seek(0)
            outputs.append(log.read())
            log.close()
    assert [p.returncode for p in procs] == [0, 0], [out[-2000:] for out in outputs]

    # each handler ran exactly once: one row per subject (unique), each timer claimed once
    reminders = await db.fetch("SELECT COUNT(*) AS n, COUNT(DISTINCT subject) AS subjects FROM hello_reminder")
    assert reminders == [{"n": TIMERS, "subjects": TIMERS}]
    claims = await db.fetch(
        "SELECT status, attempts, COUNT(*) AS n FROM kernel_timer WHERE kind = 'hello.remind' GROUP BY status, attempts"
    )
    assert claims == [{"status": "done", "attempts": 1, "n": TIMERS}]
    # both processes took part
    by_worker = await db.fetch(
        "SELECT locked_by, COUNT(*) AS n FROM kernel_timer WHERE kind = 'hello.remind' GROUP BY locked_by"
    )
    assert len(by_worker) == 2, by_worker
    assert all(row["n"] > 0 for row in by_worker)
    # each process reports what it ran when it stops
    ran = sorted(msgspec.json.decode(out.strip().splitlines()[-1])["ran"] for out in outputs)
    assert sum(ran) == TIMERS and ran[0] > 0, outputs
