"""In-transaction listeners (``Plugin.listeners``): run by ``rt.emit`` inside the emitting
transaction, in load order, before ``emit`` returns; distinct from after-commit subscribers."""

from __future__ import annotations

from typing import Any

import pytest
from thing_events import ThingCreated, emitter

from bazaar.core.kernel.config import load_settings
from bazaar.core.kernel.plugins import PluginHost
from bazaar.sdk.errors import Conflict, PluginError, PluginFailed
from bazaar.sdk.events import Event
from bazaar.sdk.plugin import Plugin

NOTES = "CREATE TABLE IF NOT EXISTS listener_note (event_id VARCHAR(40) NOT NULL, plugin VARCHAR(40) NOT NULL, at INTEGER NOT NULL)"


def noting(pid: str, calls: list[tuple[str, Event, bool]], *, fail: Exception | None = None, **kwargs: Any) -> Plugin:
    """A plugin whose listener of ``thing.created`` writes a row, records the call, and may fail."""

    async def note(rt: Any, event: ThingCreated) -> None:
        calls.append((pid, event, rt.db.in_transaction()))
        await rt.db.execute("INSERT INTO listener_note (event_id, plugin, at) VALUES ({}, {}, {})",
                            event.id, pid, len(calls))
        if fail is not None:
            raise fail

    return Plugin(id=pid, version="1.0.0", summary="notes things", listeners={"thing.created": note}, **kwargs)


async def start(bazaar_factory, *plugins: Plugin):
    kit = await bazaar_factory(plugins=[p.id for p in plugins] + ["emitter"], extra=[*plugins, emitter()])
    await kit.runtime.db.execute(NOTES)
    return kit


async def notes(kit) -> list[dict[str, Any]]:
    return await kit.runtime.db.fetch("SELECT event_id, plugin FROM listener_note ORDER BY at")


async def test_a_listener_runs_inside_emit_in_the_emitting_transaction(bazaar_factory):
    calls: list[tuple[str, Event, bool]] = []
    kit = await start(bazaar_factory, noting("notes", calls))
    rt = kit.runtime
    async with rt.unit_of_work():
        event_id = await rt.emit(ThingCreated(thing_id="thg_1", name="lamp"))
        assert [(pid, e.id, tx) for pid, e, tx in calls] == [("notes", event_id, True)], "ran before emit returned"
    (_, event, _) = calls[0]
    assert isinstance(event, ThingCreated) and event.name == "lamp" and event.occurred_at == kit.clock.now()
    assert await notes(kit) == [{"event_id": event_id, "plugin": "notes"}]


async def test_what_a_listener_wrote_rolls_back_with_the_emitter(bazaar_factory):
    calls: list[tuple[str, Event, bool]] = []
    kit = await start(bazaar_factory, noting("notes", calls))
    rt = kit.runtime
    with pytest.raises(RuntimeError, match="changed my mind"):
        async with rt.unit_of_work():
            await rt.emit(ThingCreated(thing_id="thg_ghost"))
            raise RuntimeError("changed my mind")
    assert len(calls) == 1
    assert await notes(kit) == []
    assert await rt.db.fetch("SELECT id FROM kernel_outbox") == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [(Conflict("not now", code="notes.busy"), Conflict), (ConnectionError("down"), PluginFailed)],
)
async def test_a_failing_listener_fails_the_emitter_and_nothing_commits(bazaar_factory, error, expected):
    calls: list[tuple[str, Event, bool]] = []
    kit = await start(bazaar_factory, noting("notes", calls, fail=error))
    rt = kit.runtime
    with pytest.raises(expected) as info:
        async with rt.unit_of_work():
            await rt.emit(ThingCreated(thing_id="thg_1"))
    if expected is PluginFailed:
        assert info.value.plugin == "notes" and info.value.hook == "listener of thing.created"
    assert await notes(kit) == []
    assert await rt.db.fetch("SELECT id FROM kernel_outbox") == []


async def test_listeners_run_in_load_order_and_untyped_rows_reach_none(bazaar_factory):
    calls: list[tuple[str, Event, bool]] = []
    # "aaa" requires "zzz": zzz loads first, so it listens first
    kit = await start(bazaar_factory, noting("aaa", calls, requires=("zzz",)), noting("zzz", calls))
    rt = kit.runtime
    async with rt.unit_of_work():
        event_id = await rt.emit(ThingCreated(thing_id="thg_1"))
    assert [pid for pid, _, _ in calls] == ["zzz", "aaa"]
    async with rt.unit_of_work():
        await rt.events.emit_untyped("thing.created", {"thing_id": "thg_old"})
    assert len(calls) == 2, "emit_untyped (old rows, test feeds) runs no listener"
    assert [n["plugin"] for n in await notes(kit)] == ["zzz", "aaa"]
    assert {n["event_id"] for n in await notes(kit)} == {event_id}


def test_a_listener_of_an_unknown_event_type_refuses_to_start():
    async def listener(rt: Any, event: Any) -> None:
        pass

    typo = Plugin(id="typo", version="1.0.0", summary="typo", listeners={"order.canceled": listener})
    settings = load_settings(environ={}, overrides={"plugins": {"enabled": ["typo"]}})
    with pytest.raises(PluginError, match=r"listens to 'order.canceled'.*did you mean 'order.cancelled'"):
        PluginHost.build(settings, extra=[typo], discover_installed=False)
