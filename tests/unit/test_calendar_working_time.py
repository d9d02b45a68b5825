"""Working-time arithmetic of the kernel calendar (pausable clocks), on the 2026 Spring Festival.

The State Council's 2026 arrangement: Feb 15 (Sun) to Feb 23 (Mon) off; Saturdays Feb 14
and Feb 28 are make-up working days. Asia/Shanghai is UTC+8 all year.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bazaar.sdk.calendar import Calendar

HOLIDAYS = [date(2026, 2, d) for d in range(15, 24)]
WORKDAYS = [date(2026, 2, 14), date(2026, 2, 28)]
CN = Calendar("Asia/Shanghai", HOLIDAYS, WORKDAYS)
H = timedelta(hours=1)


def cst(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in Beijing as a UTC instant."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC) - 8 * H


def test_existing_deadline_rules_count_the_make_up_saturday() -> None:
    # from Friday Feb 13: Sat 14 (make-up) is the 1st working day, Tue 24 the 2nd, Wed 25 the 3rd
    assert CN.add_working_days(cst(2, 13, 10), 3) == cst(2, 26)
    assert CN.working_days_between(cst(2, 13, 10), cst(2, 25, 12)) == 3


def test_working_time_skips_weekends_and_holidays_and_counts_make_up_days() -> None:
    # Fri 13 18:00 -> Tue 24 06:00: 6 h of Friday, 24 h of Saturday 14 (make-up), 6 h of Tuesday
    assert CN.working_time_between(cst(2, 13, 18), cst(2, 24, 6)) == 36 * H
    # a holiday week counts nothing
    assert CN.working_time_between(cst(2, 15), cst(2, 24)) == timedelta(0)
    # a plain Saturday counts nothing, a make-up Saturday a whole day
    assert CN.working_time_between(cst(2, 7), cst(2, 8)) == timedelta(0)
    assert CN.working_time_between(cst(2, 28), cst(3, 1)) == 24 * H
    assert CN.working_time_between(cst(2, 24, 5), cst(2, 24, 5)) == timedelta(0)
    assert CN.working_time_between(cst(2, 24, 6), cst(2, 24, 5)) == timedelta(0)


def test_add_working_time_resumes_after_the_holiday() -> None:
    # 10 h from Sat 14 20:00 (make-up day): 4 h on Saturday, then Tue 24 00:00 + 6 h
    assert CN.add_working_time(cst(2, 14, 20), 10 * H) == cst(2, 24, 6)
    # starting on a rest day: nothing counts before Tuesday
    assert CN.add_working_time(cst(2, 16, 9), 90 * timedelta(minutes=1)) == cst(2, 24, 1, 30)
    # using up a day exactly ends at its 24:00, not after the following rest days
    assert CN.add_working_time(cst(2, 13), 24 * H) == cst(2, 14)
    assert CN.add_working_time(cst(2, 13), 48 * H) == cst(2, 15)
    assert CN.add_working_time(cst(2, 13, 7), timedelta(0)) == cst(2, 13, 7)
    with pytest.raises(ValueError):
        CN.add_working_time(cst(2, 13), -H)


def test_a_pause_moves_a_due_time_by_exactly_the_paused_working_time() -> None:
    started = cst(2, 12, 15)
    due = CN.add_working_days(started, 3)  # Fri 13, Sat 14, Tue 24 -> Tue 24 24:00
    assert due == cst(2, 25)
    paused, resumed = cst(2, 13, 16), cst(2, 24, 10)  # 8 h Fri + 24 h Sat + 10 h Tue
    moved = CN.add_working_time(due, CN.working_time_between(paused, resumed))
    assert CN.working_time_between(due, moved) == 42 * H
    assert moved == cst(2, 26, 18)
    # the remaining budget is the same however it is computed
    remaining = CN.working_time_between(paused, due)
    assert CN.add_working_time(resumed, remaining) == moved


def test_daylight_saving_days_count_their_real_length() -> None:
    eu = Calendar("Europe/Berlin")
    # Sunday 2026-03-29 has 23 hours but is a rest day; Monday 30 counts 24 h
    start = datetime(2026, 3, 27, 23, 0, tzinfo=UTC)  # Sat 28 00:00 Berlin
    assert eu.working_time_between(start, datetime(2026, 3, 31, 0, tzinfo=UTC)) == timedelta(hours=24) + 2 * H
    # autumn: Friday 22:00 CEST leaves 2 h of Friday; Monday starts at 23:00 UTC (CET) after the 25-hour Sunday
    friday = datetime(2026, 10, 23, 20, tzinfo=UTC)
    assert eu.add_working_time(friday, 4 * H) == datetime(2026, 10, 25, 23, tzinfo=UTC) + 2 * H


def test_snapshot_round_trips_and_keeps_the_version() -> None:
    data = CN.snapshot()
    assert data["timezone"] == "Asia/Shanghai" and "2026-02-14" in data["workdays"]
    again = Calendar.from_snapshot(data)
    assert again.version == CN.version and again.holidays == CN.holidays and again.workdays == CN.workdays
    with pytest.raises(ValueError):
        Calendar.from_snapshot({**data, "holidays": data["holidays"][1:]})


moments = st.integers(min_value=0, max_value=60 * 24 * 60).map(lambda m: cst(2, 1) + timedelta(minutes=m))


@settings(deadline=None, max_examples=60)
@given(moments, st.integers(min_value=0, max_value=30 * 24 * 60))
def test_add_then_measure_gives_back_the_amount(start: datetime, minutes: int) -> None:
    amount = timedelta(minutes=minutes)
    end = CN.add_working_time(start, amount)
    assert CN.working_time_between(start, end) == amount
    # earliest: a minute less of working time would end earlier
    if minutes:
        assert CN.add_working_time(start, amount - timedelta(minutes=1)) < end


@settings(deadline=None, max_examples=60)
@given(moments, moments, moments)
def test_working_time_is_additive(a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    assert CN.working_time_between(a, c) == CN.working_time_between(a, b) + CN.working_time_between(b, c)
