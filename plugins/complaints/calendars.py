"""Calendar versions: each kernel calendar a clock started on is kept, so it can be recomputed.

``current(rt)`` records the calendar in force (zone, holidays, make-up days) under its
``version`` the first time a clock uses it; ``by_version(rt, v)`` gives any recorded one
back. A clock keeps the version it started with for its whole life.
"""

from __future__ import annotations

from typing import Any

import msgspec

from bazaar.sdk.calendar import Calendar
from bazaar.sdk.runtime import PluginRuntime

#: calendars by version: a version is a hash of the days, so one process may share them
_BY_VERSION: dict[str, Calendar] = {}


async def current(rt: PluginRuntime) -> Calendar:
    """The calendar in force, recorded under its version (idempotent)."""
    calendar = rt.calendar
    snap = calendar.snapshot()
    await rt.db.execute(
        "INSERT INTO complaints_calendar (version, timezone, holidays, workdays, recorded_at) "
        "VALUES ({}, {}, {}, {}, {}) ON CONFLICT (version) DO NOTHING",
        calendar.version, snap["timezone"], msgspec.json.encode(snap["holidays"]).decode(),
        msgspec.json.encode(snap["workdays"]).decode(), rt.clock.now(),
    )
    _BY_VERSION.setdefault(calendar.version, calendar)
    return calendar


async def by_version(rt: PluginRuntime, version: str) -> Calendar:
    """A recorded calendar (``LookupError`` when the version was never recorded here)."""
    if version in _BY_VERSION:
        return _BY_VERSION[version]
    row = await rt.db.fetchrow("SELECT * FROM complaints_calendar WHERE version = {}", version)
    if row is None:
        raise LookupError(f"calendar version {version!r} is not recorded")
    calendar = Calendar.from_snapshot({
        "version": row["version"], "timezone": row["timezone"],
        "holidays": msgspec.json.decode(row["holidays"]), "workdays": msgspec.json.decode(row["workdays"]),
    })
    _BY_VERSION[version] = calendar
    return calendar


async def recorded(rt: PluginRuntime) -> list[dict[str, Any]]:
    """Every recorded version with its days, oldest first (for operators and regulators)."""
    rows = await rt.db.fetch("SELECT * FROM complaints_calendar ORDER BY recorded_at, version")
    return [{"version": r["version"], "timezone": r["timezone"], "holidays": msgspec.json.decode(r["holidays"]),
             "workdays": msgspec.json.decode(r["workdays"]), "recorded_at": r["recorded_at"]} for r in rows]
