"""A commit that schedules a timer wakes the workers of other processes (PostgreSQL LISTEN/NOTIFY)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bazaar.core.kernel.config import load_settings
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.root import build_runtime


@pytest.mark.bazaar_engines("postgres")
async def test_a_commit_elsewhere_wakes_a_listening_worker(bazaar, bazaar_db_url, bazaar_files_dir):
    # a second runtime stands for another process: it shares nothing with the kit but the database
    other = build_runtime(load_settings(environ={}, overrides={
        "database": {"url": bazaar_db_url}, "files": {"dir": bazaar_files_dir}, "worker": {"poll_seconds": 3600},
        "plugins": {"enabled": ["hello"]},
    }))
    await other.start()
    stop = asyncio.Event()
    loop = asyncio.create_task(other.worker.run_forever(stop))
    try:
        await asyncio.wait_for(_until_listening(other), timeout=10)  # bounded: it connects and LISTENs
        await asyncio.wait_for(_until(lambda: other.worker.rounds >= 1), timeout=10)  # first round done
        rt = bazaar.runtime
        async with rt.unit_of_work():
            await rt.timers.schedule("hello.remind", "wake", rt.clock.now() + timedelta(hours=1), {"name": "wake"})
            await rt.timers.schedule("hello.remind", "wake-2", rt.clock.now() + timedelta(hours=1), {"name": "w2"})
            assert other.worker.rounds == 1, "woken before the commit"
        # it polls once an hour: another round now can only come from the wake-up
        await asyncio.wait_for(_until(lambda: other.worker.rounds >= 2), timeout=10)
    finally:
        stop.set()
        await asyncio.wait_for(loop, timeout=10)
        await other.stop()


async def _until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.01)


async def _until_listening(rt: Runtime) -> None:
    """The listener connection shows up in pg_stat_activity once the worker listens."""
    while True:
        row = await rt.db.fetchrow(
            "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() "
            "AND query LIKE 'LISTEN %'"
        )
        if row["n"]:
            return
        await asyncio.sleep(0.05)
