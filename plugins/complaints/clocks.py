"""Clocks as pure folds over their recorded marks (no I/O): due times, pauses, breaches.

A clock is started with *terms* (unit ``hours`` or ``working_days``, an amount, a warning
lead) and a *calendar* (the version in force when it started). Its history is a list of
marks: ``started``, ``paused``, ``resumed``, ``warned``, ``breached``, ``fulfilled``,
``stopped``. :func:`fold` turns the marks into a :class:`ClockView`; the service stores
that view as the clock's live row, and statistics recompute it from the marks.

* ``hours``: due = start + N hours; a pause moves the due time by the paused real time.
* ``working_days``: due = 24:00 of the N-th working day after the day of the start
  (make-up days count); a pause moves it by exactly the paused *working* time
  (:meth:`Calendar.add_working_time`), so the remaining budget is never lost.
* After a breach the due time stands: a later pause does not undo the breach.
* ``used`` is the running time a fulfilled clock consumed: real time for ``hours``,
  working time for ``working_days``, pauses left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec

from bazaar.sdk.calendar import Calendar

Unit = Literal["hours", "working_days"]
MarkKind = Literal["started", "paused", "resumed", "warned", "breached", "fulfilled", "stopped"]
ClockState = Literal["running", "paused", "fulfilled", "stopped"]
MARK_KINDS: tuple[str, ...] = ("started", "paused", "resumed", "warned", "breached", "fulfilled", "stopped")


class Terms(msgspec.Struct, frozen=True, kw_only=True):
    """What a clock pinned when it started (the policy values in force then)."""

    unit: Unit
    amount: int
    warn_before_hours: int = 0
    escalate_on_breach: bool = True
    actor: str = "platform"
    key: str = ""


class Mark(msgspec.Struct, frozen=True, kw_only=True):
    """One recorded fact of a clock's life."""

    kind: MarkKind
    at: datetime
    reason: str | None = None


class ClockView(msgspec.Struct, frozen=True, kw_only=True):
    """A clock as its marks say it is."""

    state: ClockState
    started_at: datetime
    due_at: datetime | None
    paused_at: datetime | None = None
    warned_at: datetime | None = None
    breached_at: datetime | None = None
    fulfilled_at: datetime | None = None
    stopped_at: datetime | None = None
    #: running time left at the pause (``None`` unless paused before a breach)
    remaining: timedelta | None = None
    #: paused time (in the clock's unit of time) of closed pauses
    paused_for: timedelta = timedelta(0)
    #: running time consumed by a fulfilled clock (``None`` otherwise)
    used: timedelta | None = None
    #: the due time a fulfilled/stopped clock ended with (kept for figures)
    final_due_at: datetime | None = None


def initial_due(calendar: Calendar, terms: Terms, started_at: datetime) -> datetime:
    """The due time of a clock started at ``started_at`` with no pause."""
    if terms.unit == "hours":
        return started_at + timedelta(hours=terms.amount)
    return calendar.add_working_days(started_at, terms.amount)


def running_time(calendar: Calendar, unit: str, start: datetime, end: datetime) -> timedelta:
    """Time between two instants as the clock counts it (working time for ``working_days``)."""
    if end <= start:
        return timedelta(0)
    return end - start if unit == "hours" else calendar.working_time_between(start, end)


def advance(calendar: Calendar, unit: str, start: datetime, amount: timedelta) -> datetime:
    """The instant at which ``amount`` of the clock's time has run from ``start``."""
    return start + amount if unit == "hours" else calendar.add_working_time(start, amount)


def fold(marks: Iterable[Mark], calendar: Calendar, terms: Terms) -> ClockView:
    """The clock after its marks, in order (the first must be ``started``)."""
    items = list(marks)
    if not items or items[0].kind != "started":
        raise ValueError("a clock's first mark is 'started'")
    started = items[0].at
    state: ClockState = "running"
    due: datetime | None = initial_due(calendar, terms, started)
    last_due = due
    paused_at: datetime | None = None
    remaining: timedelta | None = None
    paused_for = timedelta(0)
    warned = breached = fulfilled = stopped = None
    used: timedelta | None = None
    for mark in items[1:]:
        if mark.kind == "paused" and state == "running":
            state, paused_at = "paused", mark.at
            if breached is None and last_due is not None:
                remaining = running_time(calendar, terms.unit, mark.at, last_due)
                due = None
        elif mark.kind == "resumed" and state == "paused" and paused_at is not None:
            paused_for += running_time(calendar, terms.unit, paused_at, mark.at)
            if breached is None and remaining is not None:
                due = advance(calendar, terms.unit, mark.at, remaining)
                last_due = due
            state, paused_at, remaining = "running", None, None
        elif mark.kind == "warned" and warned is None:
            warned = mark.at
        elif mark.kind == "breached" and breached is None:
            breached = mark.at
        elif mark.kind in ("fulfilled", "stopped") and state in ("running", "paused"):
            if state == "paused" and paused_at is not None:
                paused_for += running_time(calendar, terms.unit, paused_at, mark.at)
            if mark.kind == "fulfilled":
                fulfilled = mark.at
                used = running_time(calendar, terms.unit, started, mark.at) - paused_for
            else:
                stopped = mark.at
            state, paused_at, remaining, due = mark.kind, None, None, None
    return ClockView(state=state, started_at=started, due_at=due, paused_at=paused_at, warned_at=warned,
                     breached_at=breached, fulfilled_at=fulfilled, stopped_at=stopped, remaining=remaining,
                     paused_for=paused_for, used=used, final_due_at=last_due)


def warn_at(view: ClockView, terms: Terms) -> datetime | None:
    """When a running clock warns (``None`` when it does not, or already did, or breached)."""
    if view.state != "running" or view.due_at is None or view.warned_at or view.breached_at:
        return None
    if terms.warn_before_hours <= 0:
        return None
    return view.due_at - timedelta(hours=terms.warn_before_hours)


def marks_from_rows(rows: Iterable[dict[str, Any]]) -> list[Mark]:
    """Marks from stored rows (``kind``, ``at``, ``reason``), in their recorded order."""
    return [Mark(kind=r["kind"], at=r["at"], reason=r.get("reason")) for r in rows]
