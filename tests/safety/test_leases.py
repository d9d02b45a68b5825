"""Issue 10, item 18: a short lease is safe because a running handler renews it."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from bazaar.core.kernel.timers import Worker
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.timers import Due


def test_the_default_lease_is_short():
    from bazaar.core.kernel.config import WorkerConfig

    assert WorkerConfig().lease_seconds <= 30


@pytest.mark.bazaar_engines("postgres")
async def test_a_running_handler_keeps_its_lease_and_a_dead_workers_timer_is_taken_soon(bazaar_factory):
    started, release = asyncio.Event(), asyncio.Event()
    runs: list[str] = []

    async def slow(rt: Any, due: Due) -> None:
        runs.append(due.subject)
        started.set()
        await release.wait()

    plugin = Plugin(id="slowpoke", version="1.0.0", summary="a slow timer", timers={"slowpoke.run": slow})
    kit = await bazaar_factory(plugins=["slowpoke"], extra=[plugin], settings={"worker": {"lease_seconds": 0.3}})
    rt = kit.runtime
    await rt.timers.schedule("slowpoke.run", "a", kit.clock.now())
    busy, other = Worker(rt, "busy"), Worker(rt, "other")
    task = asyncio.create_task(busy.run_due())
    await asyncio.wait_for(started.wait(), 5)
    kit.clock.advance(timedelta(seconds=10))  # far past the first lease
    busy.renewed.clear()
    await asyncio.wait_for(busy.renewed.wait(), 5)  # the heartbeat renewed from the new now
    assert await other.claim(10) == [], "a renewed lease is not taken over"
    release.set()
    assert await asyncio.wait_for(task, 5) == 1
    assert runs == ["a"]

    # a worker that dies holding a claim: the timer comes back after one short lease
    await rt.timers.schedule("slowpoke.run", "b", kit.clock.now())
    dead = Worker(rt, "dead")
    assert [d.subject for d in await dead.claim(10)] == ["b"]
    assert await other.claim(10) == []
    kit.clock.advance(timedelta(seconds=1))
    assert [d.subject for d in await other.claim(10)] == ["b"]
