"""The complaints plugin's pure rules: clock folds, machines, figures (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bazaar.plugins.complaints import policy
from bazaar.plugins.complaints.clocks import Mark, Terms, fold, warn_at
from bazaar.plugins.complaints.states import APPEAL, COMPLAINT, IP_NOTICE
from bazaar.sdk.calendar import Calendar
from bazaar.sdk.errors import InvalidTransition

CN = Calendar("Asia/Shanghai", [date(2026, 2, d) for d in range(15, 24)], [date(2026, 2, 14), date(2026, 2, 28)])
WD = Terms(unit="working_days", amount=3, warn_before_hours=4)
HOURS = Terms(unit="hours", amount=24, warn_before_hours=4)
H = timedelta(hours=1)


def cst(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC) - 8 * H


def test_a_working_day_clock_due_time_and_its_warning() -> None:
    view = fold([Mark(kind="started", at=cst(2, 13, 10))], CN, WD)
    assert view.state == "running" and view.due_at == cst(2, 26)
    assert warn_at(view, WD) == cst(2, 26) - 4 * H


def test_pauses_keep_the_remaining_budget_and_the_used_time_leaves_them_out() -> None:
    marks = [Mark(kind="started", at=cst(2, 12, 15)), Mark(kind="paused", at=cst(2, 13, 16)),
             Mark(kind="resumed", at=cst(2, 24, 10))]
    view = fold(marks, CN, WD)
    assert view.due_at == cst(2, 26, 18) and view.paused_for == 42 * H
    done = fold([*marks, Mark(kind="fulfilled", at=cst(2, 25, 12))], CN, WD)
    # used: Thu 9 h + Fri 16 h before the pause, Tue 14 h + Wed 12 h after it
    assert done.state == "fulfilled" and done.used == (9 + 16 + 14 + 12) * H and done.due_at is None
    assert done.final_due_at == cst(2, 26, 18)


def test_a_paused_clock_has_no_due_time_and_a_breach_stands_through_later_pauses() -> None:
    paused = fold([Mark(kind="started", at=cst(1, 5, 9)), Mark(kind="paused", at=cst(1, 5, 10))], CN, HOURS)
    assert paused.state == "paused" and paused.due_at is None and paused.remaining == 23 * H
    breached = fold([Mark(kind="started", at=cst(1, 5, 9)), Mark(kind="breached", at=cst(1, 6, 9)),
                     Mark(kind="paused", at=cst(1, 6, 10)), Mark(kind="resumed", at=cst(1, 7, 10))], CN, HOURS)
    assert breached.breached_at == cst(1, 6, 9) and breached.due_at == cst(1, 6, 9)
    assert warn_at(breached, HOURS) is None


def test_an_hours_clock_moves_by_real_paused_time_over_holidays() -> None:
    view = fold([Mark(kind="started", at=cst(2, 14, 9)), Mark(kind="paused", at=cst(2, 14, 10)),
                 Mark(kind="resumed", at=cst(2, 20, 10))], CN, HOURS)
    assert view.due_at == cst(2, 21, 9)


def test_a_stopped_clock_uses_nothing_and_the_first_mark_must_be_started() -> None:
    view = fold([Mark(kind="started", at=cst(1, 5)), Mark(kind="stopped", at=cst(1, 5, 3))], CN, HOURS)
    assert view.state == "stopped" and view.used is None
    with pytest.raises(ValueError):
        fold([Mark(kind="paused", at=cst(1, 5))], CN, HOURS)


pauses = st.lists(st.tuples(st.integers(0, 20 * 24), st.integers(1, 10 * 24)), max_size=4)


@settings(deadline=None, max_examples=60)
@given(pauses)
def test_used_plus_paused_time_is_all_the_working_time_from_start_to_fulfilment(spans: list[tuple[int, int]]) -> None:
    t = cst(2, 10, 9)
    marks = [Mark(kind="started", at=t)]
    for gap, length in spans:
        t += gap * H
        marks.append(Mark(kind="paused", at=t))
        t += length * H
        marks.append(Mark(kind="resumed", at=t))
    end = t + 5 * H
    view = fold([*marks, Mark(kind="fulfilled", at=end)], CN, WD)
    assert view.used is not None
    assert view.used + view.paused_for == CN.working_time_between(cst(2, 10, 9), end)


@pytest.mark.parametrize("machine", [COMPLAINT, IP_NOTICE, APPEAL])
def test_every_pair_of_every_machine_is_allowed_or_refused(machine) -> None:
    for state in machine.states:
        for event in machine.events:
            if (state, event) in machine.table:
                assert machine.transition(state, event) == machine.table[(state, event)]
            else:
                with pytest.raises(InvalidTransition):
                    machine.transition(state, event)


def test_actions_offered_to_each_party() -> None:
    assert COMPLAINT.allowed_actions("plan_proposed", ["customer"]) == ["accept_plan", "reject_plan", "withdraw"]
    assert COMPLAINT.allowed_actions("plan_proposed", ["operator"]) == []
    assert COMPLAINT.allowed_actions("investigating", ["operator"]) == ["report", "request_info", "suspend"]
    assert IP_NOTICE.allowed_actions("removed", ["merchant"]) == ["declare"]


def test_figures_median_nearest_rank_percentile_and_reopen_window() -> None:
    assert policy.median([1, 3, 2, 10]) == 2.5 and policy.median([]) is None
    assert policy.percentile([5, 1, 4, 2, 3, 6, 7, 8, 9, 10], 90) == 9
    assert policy.percentile([7], 90) == 7 and policy.rate(1, 3) == 0.3333 and policy.rate(1, 0) is None
    # closed Friday Jan 9: days Jan 10..16 count; the 16th is a Friday (working day): ends at its 24:00
    assert policy.reopen_deadline(CN, cst(1, 9, 10), 7) == cst(1, 17)
    assert policy.unsatisfied(None) and policy.unsatisfied(3) and not policy.unsatisfied(4)


def test_presets_have_every_key_with_a_source() -> None:
    assert policy.RULES.presets() == {"cn", "eu"}
    for rule in policy.RULES.rules.values():
        assert set(rule.presets) == {"cn", "eu"} and rule.source
