"""Domain events: outbox in the transaction, delivery to subscribed plugins after commit, retries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar import post

from bazaar.core.kernel.events import DELIVER_TO_PLUGIN
from bazaar.core.kernel.runtime import RuntimeDep
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.types import DomainEvent, HookContext

SEEN_TABLE = "CREATE TABLE IF NOT EXISTS listener_seen (event_id VARCHAR(40) NOT NULL, plugin VARCHAR(40) NOT NULL)"


class Listener:
    """A subscriber that records what it receives and can be told to fail N times."""

    def __init__(self, pid: str, subscribes: tuple[str, ...], fail_times: int = 0) -> None:
        self.pid = pid
        self.received: list[DomainEvent] = []
        self.fail_times = fail_times
        listener = self

        class Hooks:
            def __init__(self, context: Any) -> None:
                self.context = context

            @hookimpl
            async def bazaar_handle_event(self, event: DomainEvent, ctx: HookContext) -> None:
                listener.received.append(event)
                rt = self.context.runtime
                assert rt.db.in_transaction(), "handlers run in their own transaction"
                await rt.db.execute("INSERT INTO listener_seen (event_id, plugin) VALUES ({}, {})", event.id, listener.pid)
                if listener.fail_times > 0:
                    listener.fail_times -= 1
                    raise ConnectionError("downstream unavailable")

        self.plugin = Plugin(id=pid, version="1.0.0", summary="listens", hooks=Hooks, subscribes=subscribes)


@post("/emitter/things", operation_id="emitter_create", status_code=201, opt={"auth": "public"})
async def create_thing(rt: RuntimeDep) -> dict[str, str]:
    async with rt.unit_of_work():
        event_id = await rt.events.emit("thing.created", {"name": "via-http"}, subject="thg_http")
    return {"event_id": event_id}


EMITTER = Plugin(id="emitter", version="1.0.0", summary="emits over HTTP", routes=(create_thing,))


async def start(bazaar_factory, *listeners: Listener, **kwargs: Any):
    kit = await bazaar_factory(plugins=[lst.pid for lst in listeners] + ["emitter"], extra=[*(lst.plugin for lst in listeners), EMITTER], **kwargs)
    await kit.runtime.db.execute(SEEN_TABLE)
    return kit


async def emit(kit, type_: str, data: dict | None = None, subject: str | None = None) -> str:
    rt = kit.runtime
    async with rt.unit_of_work():
        return await rt.events.emit(type_, data or {}, subject=subject)


async def seen_rows(kit) -> list[dict[str, Any]]:
    return await kit.runtime.db.fetch("SELECT event_id, plugin FROM listener_seen ORDER BY plugin")


async def test_event_is_delivered_after_commit_with_its_data(bazaar_factory):
    things = Listener("things", ("thing.*",))
    kit = await start(bazaar_factory, things)
    rt = kit.runtime
    async with rt.unit_of_work():
        event_id = await rt.events.emit("thing.created", {"name": "lamp", "count": 2}, subject="thg_1")
        assert things.received == []
    assert things.received == [], "delivery waits for the worker"
    assert await kit.run_due() == 1
    (event,) = things.received
    assert event.id == event_id and event.type == "thing.created" and event.subject == "thg_1"
    assert event.data == {"name": "lamp", "count": 2}
    assert event.occurred_at == kit.clock.now()
    assert await seen_rows(kit) == [{"event_id": event_id, "plugin": "things"}]
    assert await kit.run_due() == 0, "delivered once"
    assert len(things.received) == 1


async def test_event_emitted_by_a_request_is_delivered_after_the_response(bazaar_factory):
    things = Listener("things", ("thing.*",))
    kit = await start(bazaar_factory, things)
    r = await kit.client.post("/api/v1/emitter/things")
    assert r.status_code == 201, r.text
    assert [e.id for e in things.received] == [r.json()["event_id"]]
    assert things.received[0].data == {"name": "via-http"}


async def test_event_in_a_rolled_back_transaction_is_never_delivered(bazaar_factory):
    things = Listener("things", ("thing.*",))
    kit = await start(bazaar_factory, things)
    rt = kit.runtime
    with pytest.raises(RuntimeError, match="changed my mind"):
        async with rt.unit_of_work():
            await rt.events.emit("thing.created", {"name": "ghost"}, subject="thg_ghost")
            raise RuntimeError("changed my mind")
    assert await kit.advance(timedelta(days=1)) == 0
    assert things.received == []
    assert await rt.db.fetch("SELECT id FROM kernel_outbox") == []
    assert await rt.db.fetch("SELECT id FROM kernel_timer") == []


async def test_emit_outside_a_unit_of_work_is_refused(bazaar_factory):
    kit = await start(bazaar_factory)
    with pytest.raises(RuntimeError, match="inside a unit of work"):
        await kit.runtime.events.emit("thing.created", {})


async def test_events_not_matching_subscribes_are_not_delivered(bazaar_factory):
    things = Listener("things", ("thing.*",))
    paid = Listener("paid", ("order.paid",))
    kit = await start(bazaar_factory, things, paid)
    for type_ in ("other.created", "thing", "things.created", "order.paid.late", "order.shipped"):
        await emit(kit, type_)
    order_paid = await emit(kit, "order.paid")
    thing_created = await emit(kit, "thing.created")
    await kit.run_due()
    assert [e.id for e in things.received] == [thing_created]
    assert [e.id for e in paid.received] == [order_paid]


async def test_failing_handler_is_retried_with_backoff_and_gets_the_same_event(bazaar_factory):
    flaky = Listener("flaky", ("thing.*",), fail_times=2)
    kit = await start(bazaar_factory, flaky, settings={"worker": {"backoff_base_seconds": 10, "max_attempts": 5}})
    event_id = await emit(kit, "thing.created", {"n": 1}, subject="thg_1")
    await kit.run_due()
    assert len(flaky.received) == 1  # first attempt failed
    assert await kit.run_due() == 0 and len(flaky.received) == 1, "no retry before the backoff"
    await kit.advance(timedelta(seconds=9))
    assert len(flaky.received) == 1
    await kit.advance(timedelta(seconds=1))  # 10 s after the first attempt
    assert len(flaky.received) == 2  # second attempt failed; next one 20 s later
    await kit.advance(timedelta(seconds=19))
    assert len(flaky.received) == 2
    assert await kit.advance(timedelta(seconds=1)) == 1
    assert [e.id for e in flaky.received] == [event_id] * 3, "at least once: same event id each time"
    # the failed attempts' writes rolled back with them; only the successful one is kept
    assert await seen_rows(kit) == [{"event_id": event_id, "plugin": "flaky"}]
    timer = await kit.runtime.db.fetchrow("SELECT status, attempts, last_error FROM kernel_timer WHERE kind = {}", DELIVER_TO_PLUGIN)
    assert timer["status"] == "done" and timer["attempts"] == 3
    assert "PluginFailed" in timer["last_error"]
    await kit.advance(timedelta(days=1))
    assert len(flaky.received) == 3


async def test_each_subscriber_is_retried_on_its_own(bazaar_factory):
    steady = Listener("steady", ("thing.*",))
    flaky = Listener("flaky", ("thing.*",), fail_times=1)
    kit = await start(bazaar_factory, steady, flaky, settings={"worker": {"backoff_base_seconds": 5}})
    event_id = await emit(kit, "thing.created")
    await kit.run_due()
    assert len(steady.received) == 1 and len(flaky.received) == 1
    await kit.advance(timedelta(seconds=5))
    assert len(steady.received) == 1, "the one that succeeded is not called again"
    assert len(flaky.received) == 2
    assert await seen_rows(kit) == [{"event_id": event_id, "plugin": "flaky"}, {"event_id": event_id, "plugin": "steady"}]


async def test_delivery_gives_up_after_max_attempts(bazaar_factory):
    broken = Listener("broken", ("thing.*",), fail_times=100)
    kit = await start(bazaar_factory, broken, settings={"worker": {"backoff_base_seconds": 1, "max_attempts": 3}})
    await emit(kit, "thing.created")
    await kit.run_due()
    await kit.advance(timedelta(seconds=1))
    await kit.advance(timedelta(seconds=2))
    assert len(broken.received) == 3
    await kit.advance(timedelta(days=1))
    assert len(broken.received) == 3
    timer = await kit.runtime.db.fetchrow("SELECT status, attempts FROM kernel_timer WHERE kind = {}", DELIVER_TO_PLUGIN)
    assert timer == {"status": "failed", "attempts": 3}
    assert await seen_rows(kit) == []
