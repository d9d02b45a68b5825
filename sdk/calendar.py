"""Deadlines on calendar days and working days (pure; the zone and holidays come from config).

Rules (Civil Code Art. 201-204; 7DR Art. 10): a period counts from the day after the
triggering event and ends at 24:00 of its last day in the calendar's zone; a period of
calendar days that ends on a rest day rolls to the next working day. Working days skip
weekends and holidays, and count make-up working days (weekend days worked in China).

*Working time* is the part of an interval that falls on working days (each working day
counts 00:00-24:00 in the calendar's zone). A clock that pauses keeps its remaining
working time: ``add_working_time(due, working_time_between(paused, resumed))`` moves its
due time by exactly the paused working time. ``snapshot()`` / ``from_snapshot()`` keep a
calendar per ``version`` so a running clock can be recomputed on the calendar it started with.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo


class Calendar:
    """A zone, a set of holidays and a set of make-up working days."""

    def __init__(self, timezone: str, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> None:
        #: the IANA zone name (``Asia/Shanghai``)
        self.timezone = timezone
        self.zone = ZoneInfo(timezone)
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        days = ",".join(sorted(d.isoformat() for d in self.holidays)) + "|" + ",".join(
            sorted(d.isoformat() for d in self.workdays)
        )
        #: a short fingerprint of zone, holidays and make-up days: store it with a running clock
        self.version = hashlib.sha256(f"{timezone}|{days}".encode()).hexdigest()[:12]

    @classmethod
    def from_config(cls, config: object) -> Calendar:
        return cls(config.timezone, config.holidays, config.workdays)  # type: ignore[attr-defined]

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def end_of_day(self, day: date) -> datetime:
        """24:00 of ``day`` in the calendar's zone, as a UTC instant."""
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone).astimezone(UTC)

    def add_days(self, start: datetime, days: int) -> datetime:
        """The end of a period of ``days`` calendar days after ``start``, rolled past rest days."""
        last = self.local_date(start) + timedelta(days=days)
        while not self.is_working_day(last):
            last += timedelta(days=1)
        return self.end_of_day(last)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The end of the ``days``-th working day after the day of ``start``."""
        day = self.local_date(start)
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return self.end_of_day(day)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Whole working days after the day of ``start`` up to and including the day of ``end``."""
        day, last, n = self.local_date(start), self.local_date(end), 0
        while day < last:
            day += timedelta(days=1)
            n += self.is_working_day(day)
        return n

    # --- working time (pausable clocks) ----------------------------------------------------

    def start_of_day(self, day: date) -> datetime:
        """00:00 of ``day`` in the calendar's zone, as a UTC instant."""
        return datetime.combine(day, time(0), tzinfo=self.zone).astimezone(UTC)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much of ``[start, end)`` falls on working days (zero when ``end <= start``)."""
        total = timedelta(0)
        if end <= start:
            return total
        day, last = self.local_date(start), self.local_date(end)
        while day <= last:
            if self.is_working_day(day):
                lo, hi = max(self.start_of_day(day), start), min(self.end_of_day(day), end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The earliest instant ``t >= start`` with ``working_time_between(start, t) == amount``.

        Rest days are skipped; an amount that uses up a working day exactly ends at its 24:00.
        """
        if amount < timedelta(0):
            raise ValueError("amount must not be negative")
        if amount == timedelta(0):
            return start
        left, day = amount, self.local_date(start)
        while True:
            if self.is_working_day(day):
                lo = max(self.start_of_day(day), start)
                available = self.end_of_day(day) - lo
                if left <= available:
                    return lo + left
                left -= available
            day += timedelta(days=1)

    def snapshot(self) -> dict[str, Any]:
        """Zone, holidays and make-up days as JSON-ready data (with ``version``)."""
        return {
            "version": self.version,
            "timezone": self.timezone,
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "workdays": sorted(d.isoformat() for d in self.workdays),
        }

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> Calendar:
        """The calendar a :meth:`snapshot` describes (its ``version`` is recomputed, and checked)."""
        holidays = [date.fromisoformat(str(d)) for d in data.get("holidays") or ()]
        workdays = [date.fromisoformat(str(d)) for d in data.get("workdays") or ()]
        calendar = cls(str(data["timezone"]), holidays, workdays)
        if "version" in data and data["version"] != calendar.version:
            raise ValueError(f"calendar snapshot version {data['version']!r} does not match its days")
        return calendar
