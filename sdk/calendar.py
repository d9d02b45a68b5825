"""Deadlines on calendar days and working days (pure; the zone and holidays come from config).

Rules (Civil Code Art. 201-204; 7DR Art. 10): a period counts from the day after the
triggering event and ends at 24:00 of its last day in the calendar's zone; a period of
calendar days that ends on a rest day rolls to the next working day. Working days skip
weekends and holidays, and count make-up working days (weekend days worked in China).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class Calendar:
    """A zone, a set of holidays and a set of make-up working days."""

    def __init__(self, timezone: str, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> None:
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
