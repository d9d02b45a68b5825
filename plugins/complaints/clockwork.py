"""Clocks on the database: start, pause, resume, fulfil, stop; warning and breach timers.

Every change appends a mark to ``complaints_clock_mark`` (the append-only log) and
re-folds the clock's live row from all its marks with the terms and calendar version it
started with (:mod:`.clocks`). Timers ``complaints.clock_warn`` and ``complaints.clock_due``
follow the live due time. A breach is recorded at the due time itself (also when the
worker notices it late, or when an action arrives after it), escalates to the supervisor
queue when the clock's terms say so, and is counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from bazaar.plugins.complaints import calendars, escalations, policy
from bazaar.plugins.complaints.clocks import ClockView, Mark, Terms, fold, marks_from_rows, warn_at
from bazaar.plugins.complaints.events import (
    ClockBreached,
    ClockFulfilled,
    ClockPaused,
    ClockResumed,
    ClockStarted,
    ClockStopped,
    ClockWarned,
)
from bazaar.plugins.complaints.records import dump, for_update, load, values
from bazaar.sdk.api import new_id
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due

DUE = "complaints.clock_due"
WARN = "complaints.clock_warn"
LIVE = ("running", "paused")


def terms_of(row: dict[str, Any]) -> Terms:
    return msgspec.convert(load(row["terms"]), Terms)


async def start(rt: PluginRuntime, complaint: dict[str, Any], name: str, *,
                info_request_id: str | None = None) -> dict[str, Any]:
    """Start clock ``name`` for a complaint with the policy values and calendar in force now."""
    terms = Terms(**policy.clock_terms(name, values(rt)))
    calendar = await calendars.current(rt)
    now = rt.clock.now()
    clock_id = new_id("clk")
    await rt.db.execute(
        "INSERT INTO complaints_clock (id, complaint_id, name, round, info_request_id, merchant_id, category, actor, "
        "unit, amount, terms, calendar_version, state, started_at, paused_seconds) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 'running', {}, 0)",
        clock_id, complaint["id"], name, complaint.get("round") or 1, info_request_id, complaint.get("merchant_id"),
        complaint["category"], terms.actor, terms.unit, terms.amount, dump(msgspec.to_builtins(terms)),
        calendar.version, now,
    )
    row = await _row(rt, clock_id)
    view = await _append(rt, row, "started", now)
    await rt.emit(ClockStarted(**_fact(row, now, view.due_at)))
    return await _row(rt, clock_id)


async def pause(rt: PluginRuntime, clock: dict[str, Any], reason: str) -> ClockView:
    """Pause a running clock (waiting on the complainant, or a suspension)."""
    now = rt.clock.now()
    await _catch_up(rt, clock, now)
    view = await _append(rt, clock, "paused", now, reason)
    await rt.emit(ClockPaused(**_fact(clock, now, None), reason=reason))
    return view


async def resume(rt: PluginRuntime, clock: dict[str, Any]) -> ClockView:
    """Resume a paused clock: its due time moves by exactly the paused running time."""
    now = rt.clock.now()
    view = await _append(rt, clock, "resumed", now)
    await rt.emit(ClockResumed(**_fact(clock, now, view.due_at)))
    return view


async def fulfil(rt: PluginRuntime, clock: dict[str, Any]) -> ClockView:
    """What the clock waited for happened (late when it had breached)."""
    now = rt.clock.now()
    breached = await _catch_up(rt, clock, now)
    view = await _append(rt, clock, "fulfilled", now)
    await rt.emit(ClockFulfilled(**_fact(clock, now, view.final_due_at), late=breached))
    return view


async def stop(rt: PluginRuntime, clock: dict[str, Any], reason: str) -> ClockView:
    """End a clock without fulfilment (withdrawn, closed)."""
    now = rt.clock.now()
    view = await _append(rt, clock, "stopped", now, reason)
    await rt.emit(ClockStopped(**_fact(clock, now, view.final_due_at)))
    return view


async def open_clock(rt: PluginRuntime, complaint_id: str, name: str, *, lock: bool = True) -> dict[str, Any] | None:
    """The live (running or paused) clock ``name`` of a complaint, if any."""
    return await rt.db.fetchrow(
        "SELECT * FROM complaints_clock WHERE complaint_id = {} AND name = {} AND state IN ('running', 'paused') "
        f"ORDER BY started_at DESC, id DESC LIMIT 1{for_update(rt) if lock else ''}", complaint_id, name,
    )


async def for_request(rt: PluginRuntime, info_request_id: str) -> dict[str, Any] | None:
    """The live clock of an information request to the merchant, if any."""
    return await rt.db.fetchrow(
        "SELECT * FROM complaints_clock WHERE info_request_id = {} AND state IN ('running', 'paused')",
        info_request_id,
    )


async def stop_all(rt: PluginRuntime, complaint_id: str, reason: str) -> None:
    """Stop every live clock of a complaint."""
    rows = await rt.db.fetch(
        "SELECT * FROM complaints_clock WHERE complaint_id = {} AND state IN ('running', 'paused') ORDER BY id",
        complaint_id,
    )
    for row in rows:
        await stop(rt, row, reason)


async def clocks_of(rt: PluginRuntime, complaint_id: str) -> list[dict[str, Any]]:
    """Every clock of a complaint, oldest first."""
    return await rt.db.fetch(
        "SELECT * FROM complaints_clock WHERE complaint_id = {} ORDER BY started_at, id", complaint_id
    )


async def marks(rt: PluginRuntime, clock_id: str) -> list[Mark]:
    """A clock's recorded marks in order."""
    rows = await rt.db.fetch("SELECT kind, at, reason FROM complaints_clock_mark WHERE clock_id = {} ORDER BY seq",
                             clock_id)
    return marks_from_rows(rows)


# --- timers ------------------------------------------------------------------------------


async def on_due(rt: PluginRuntime, due: Due) -> None:
    """Timer ``complaints.clock_due``: record the breach of a clock still running at its due time."""
    clock = await _row(rt, due.subject, lock=True)
    if clock is None or clock["state"] != "running" or clock["breached_at"] is not None:
        return
    await _catch_up(rt, clock, rt.clock.now(), running=DUE)


async def on_warn(rt: PluginRuntime, due: Due) -> None:
    """Timer ``complaints.clock_warn``: record the warning of a clock close to its due time."""
    clock = await _row(rt, due.subject, lock=True)
    if clock is None or clock["state"] != "running" or clock["warned_at"] or clock["breached_at"]:
        return
    if clock["due_at"] is not None and rt.clock.now() >= clock["due_at"]:
        return  # too late to warn: the due timer records the breach
    view = await _append(rt, clock, "warned", due.due_at, running=WARN)
    await rt.emit(ClockWarned(**_fact(clock, due.due_at, view.due_at)))


TIMERS = {DUE: on_due, WARN: on_warn}


# --- inside ------------------------------------------------------------------------------


async def _row(rt: PluginRuntime, clock_id: str, *, lock: bool = False) -> dict[str, Any]:
    row = await rt.db.fetchrow(
        f"SELECT * FROM complaints_clock WHERE id = {{}}{for_update(rt) if lock else ''}", clock_id
    )
    return row  # type: ignore[return-value]


def _fact(clock: dict[str, Any], at: datetime, due_at: datetime | None) -> dict[str, Any]:
    return {"complaint_id": clock["complaint_id"], "clock_id": clock["id"], "clock": clock["name"], "at": at,
            "due_at": due_at, "calendar_version": clock["calendar_version"], "merchant_id": clock["merchant_id"]}


async def _catch_up(rt: PluginRuntime, clock: dict[str, Any], now: datetime, *, running: str | None = None) -> bool:
    """Record a breach the clock owes (running past its due time); ``True`` when it has breached."""
    if clock["breached_at"] is not None:
        return True
    due_at = clock["due_at"]
    if clock["state"] != "running" or due_at is None or now < due_at:
        return False
    await _append(rt, clock, "breached", due_at, running=running)
    await rt.emit(ClockBreached(**_fact(clock, due_at, due_at), actor=clock["actor"]))
    clock["breached_at"] = due_at
    if terms_of(clock).escalate_on_breach:
        await escalations.escalate(rt, clock["complaint_id"], "breach", clock_id=clock["id"])
    return True


async def _append(rt: PluginRuntime, clock: dict[str, Any], kind: str, at: datetime,
                  reason: str | None = None, *, running: str | None = None) -> ClockView:
    """Append a mark, re-fold the clock on its own calendar and terms, store the view, move the timers.

    ``running`` is the timer kind whose handler calls this: the kernel finishes that timer
    itself, so it is left alone (touching it would cost the handler its lease).
    """
    row = await rt.db.fetchrow("SELECT COALESCE(MAX(seq), 0) AS n FROM complaints_clock_mark WHERE clock_id = {}",
                               clock["id"])
    seq = int(row["n"] if row else 0) + 1
    await rt.db.execute(
        "INSERT INTO complaints_clock_mark (id, clock_id, complaint_id, seq, kind, at, reason, recorded_at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
        new_id("ckm"), clock["id"], clock["complaint_id"], seq, kind, at, reason, rt.clock.now(),
    )
    terms = terms_of(clock)
    calendar = await calendars.by_version(rt, clock["calendar_version"])
    view = fold(await marks(rt, clock["id"]), calendar, terms)
    await rt.db.execute(
        "UPDATE complaints_clock SET state = {}, due_at = {}, final_due_at = {}, paused_at = {}, warned_at = {}, "
        "breached_at = {}, fulfilled_at = {}, stopped_at = {}, used_seconds = {}, paused_seconds = {} WHERE id = {}",
        view.state, view.due_at, view.final_due_at, view.paused_at, view.warned_at, view.breached_at,
        view.fulfilled_at, view.stopped_at, int(view.used.total_seconds()) if view.used is not None else None,
        int(view.paused_for.total_seconds()), clock["id"],
    )
    clock.update(state=view.state, due_at=view.due_at, breached_at=view.breached_at, warned_at=view.warned_at)
    if running != DUE:
        if view.state == "running" and view.due_at is not None and view.breached_at is None:
            await rt.timers.schedule(DUE, clock["id"], view.due_at, {})
        else:
            await rt.timers.cancel(DUE, clock["id"])
    warning = warn_at(view, terms)
    if running != WARN:
        if warning is not None:
            await rt.timers.schedule(WARN, clock["id"], max(warning, rt.clock.now()), {})
        else:
            await rt.timers.cancel(WARN, clock["id"])
    return view
