"""Pure rules: working hours across weekends, holidays and make-up days; proofs; masking; COD lines."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bazaar.plugins.logistics import policy, states
from bazaar.plugins.logistics.config import CodConfig, LogisticsConfig
from bazaar.sdk.calendar import Calendar

CN = Calendar("Asia/Shanghai", holidays=[date(2025, 1, 28), date(2025, 1, 29), date(2025, 1, 30),
                                          date(2025, 1, 31), date(2025, 2, 3), date(2025, 2, 4)],
              workdays=[date(2025, 1, 26), date(2025, 2, 8)])


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=CN.zone)


@pytest.mark.parametrize(("start", "hours", "due"), [
    (shanghai(2025, 1, 8, 10), 48, shanghai(2025, 1, 10, 10)),  # Wednesday -> Friday
    (shanghai(2025, 1, 10, 15), 48, shanghai(2025, 1, 14, 15)),  # Friday -> Tuesday, over the weekend
    (shanghai(2025, 1, 11, 9), 24, shanghai(2025, 1, 14, 0)),  # paid on Saturday: counting starts Monday
    (shanghai(2025, 1, 24, 12), 48, shanghai(2025, 1, 27, 12)),  # Sunday 26th is a make-up working day
    (shanghai(2025, 1, 27, 12), 24, shanghai(2025, 2, 5, 12)),  # Spring Festival: 28th-4th off
])
def test_ship_by_counts_working_hours_on_the_calendar(start: datetime, hours: int, due: datetime) -> None:
    assert policy.add_working_hours(CN, start, hours) == due


def test_handed_over_is_the_first_scan_else_the_later_of_waybill_and_click() -> None:
    scan, waybill, click = (datetime(2025, 1, d, tzinfo=UTC) for d in (3, 1, 2))
    assert policy.handed_over_at(scan, waybill, click) == scan
    assert policy.handed_over_at(None, waybill, click) == click
    assert policy.handed_over_at(None, None, click) is None


def test_presets_and_proofs() -> None:
    cn = policy.RULES.resolve(LogisticsConfig(preset="cn"))
    eu = policy.RULES.resolve(LogisticsConfig(preset="eu"))
    assert cn["ship_within_hours"] == 48 and eu["ship_within_hours"] is None
    assert not policy.proof_counts("locker_without_consent", cn["delivery_proof.counts"])
    assert policy.proof_counts("locker_without_consent", eu["delivery_proof.counts"])
    cod = policy.COD_RULES.resolve(CodConfig(preset="cn"))
    assert (cod["enabled"], cod["max_order_amount"], cod["remittance_working_days"]) == (True, 500_000, 3)
    for line in policy.RULES.explain(LogisticsConfig()) + policy.COD_RULES.explain(CodConfig()):
        assert line.source, line.key


def test_labels_mask_names_and_phones() -> None:
    assert policy.mask_phone("13812345678") == "138****5678"
    assert policy.mask_name("张三丰") == "张**"
    assert policy.compensation(10_000, {"bps": 500, "cap_minor": 300}) == 300


@pytest.mark.parametrize(("expected", "state", "collected", "outcome", "seen", "kind"), [
    (100, "delivered", 100, "collected", False, "matched"),
    (100, "delivered", 90, "collected", False, "short"),
    (100, "delivered", 110, "collected", False, "over"),
    (None, None, 100, "collected", False, "unexpected"),
    (100, "delivered", 100, "collected", True, "duplicate"),
    (100, "refused", 100, "collected", False, "refused_but_remitted"),
    (100, "refused", 0, "refused", False, "matched"),
])
def test_remittance_lines_classify(expected: int | None, state: str | None, collected: int, outcome: str,
                                   seen: bool, kind: str) -> None:
    assert policy.classify_line(expected=expected, collection_state=state, collected=collected, outcome=outcome,
                                seen_before=seen) == kind


def test_parcels_only_move_forward() -> None:
    assert states.moves_forward("in_transit", None, "delivered", None)
    assert not states.moves_forward("delivered", None, "in_transit", None)
    assert not states.moves_forward("out_for_delivery", None, "picked_up", None)
    assert not states.moves_forward("picked_up", None, "unknown", None)
