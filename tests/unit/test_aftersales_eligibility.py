"""After-sales eligibility: the legal day count on the kernel calendar, exclusions, quantities, reasons."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bazaar.plugins.aftersales import eligibility as el
from bazaar.plugins.aftersales import policy
from bazaar.plugins.aftersales.config import AftersalesConfig
from bazaar.sdk.calendar import Calendar

CST = ZoneInfo("Asia/Shanghai")
#: a National Day week: 1-7 October off, Saturday 10 October worked (a make-up working day)
HOLIDAYS = [date(2026, 10, d) for d in range(1, 8)]
CAL = Calendar("Asia/Shanghai", HOLIDAYS, [date(2026, 10, 10)])
CN = policy.values(AftersalesConfig(preset="cn"))
EU = policy.values(AftersalesConfig(preset="eu"))


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CST)


def order(delivered: datetime | None, *, state: str = "delivered", **line: object) -> el.OrderFacts:
    facts = {"id": "oln_1", "sku_id": "sku_1", "product_id": "prd_1", "quantity": 2, **line}
    return el.OrderFacts(id="ord_1", state=state, paid=True, shipped_at=delivered and delivered - timedelta(days=2),
                         delivered_at=delivered, lines=(el.LineFacts(**facts),))  # type: ignore[arg-type]


def types(line: el.LineEligibility) -> dict[str, el.TypeEligibility]:
    return {t.type: t for t in line.types}


def test_window_ends_on_a_make_up_working_day_without_rolling():
    # signed for during the holiday: day 1 is 4 October, day 7 is Saturday 10 October, a working day
    facts = order(local(2026, 10, 3, 15, 0))
    line = el.order_eligibility(facts, CN, CAL, local(2026, 10, 10, 23, 59, 59))[0]
    assert line.window_ends_at == local(2026, 10, 11, 0, 0)
    assert types(line)["return_refund"].open and "no_reason" in types(line)["return_refund"].grounds
    later = el.order_eligibility(facts, CN, CAL, local(2026, 10, 11, 0, 0))[0]
    assert "no_reason" not in types(later)["return_refund"].grounds
    # cn quality returns share the 7 days; an exchange of faulty goods stays open for 15
    assert [r.code for r in types(later)["return_refund"].reasons] == ["window_passed", "quality_window_passed"]
    assert later.open_types == ["exchange", "repair"]
    # without the make-up day the same window would roll past the weekend to Monday 12 October
    plain = Calendar("Asia/Shanghai", HOLIDAYS)
    assert el.order_eligibility(facts, CN, plain, local(2026, 10, 11, 0, 0))[0].window_ends_at == local(2026, 10, 13)


def test_window_ending_in_the_holiday_rolls_to_the_next_working_day():
    facts = order(local(2026, 9, 25, 9, 30))  # day 7 is Friday 2 October, a holiday
    line = el.order_eligibility(facts, CN, CAL, local(2026, 10, 8, 12, 0))[0]
    assert line.window_ends_at == local(2026, 10, 9, 0, 0)  # 24:00 of Thursday 8 October
    assert "return_refund" in line.open_types


def test_the_window_counts_from_the_day_after_the_start_whatever_the_hour():
    early, late = order(local(2026, 11, 2, 0, 1)), order(local(2026, 11, 2, 23, 59))
    ends = {el.order_eligibility(f, CN, CAL, local(2026, 11, 3))[0].window_ends_at for f in (early, late)}
    assert ends == {local(2026, 11, 10)}  # 7 days from 3 November: Monday 9 November ends at 24:00


def test_eu_window_is_fourteen_days_and_the_withdrawal_function_is_offered():
    facts = order(local(2026, 11, 2, 12))
    line = el.order_eligibility(facts, EU, CAL, local(2026, 11, 3))[0]
    assert line.window_ends_at == local(2026, 11, 17)
    assert types(line)["withdrawal"].open
    assert "withdrawal" not in {t.type for t in el.order_eligibility(facts, CN, CAL, local(2026, 11, 3))[0].types}


def test_exclusions_close_the_no_reason_ground_but_not_quality_claims():
    now = local(2026, 11, 3)
    category = el.order_eligibility(order(local(2026, 11, 2), flags=("no_reason_return_excluded",)), CN, CAL, now)[0]
    ret = types(category)["return_refund"]
    assert ret.open and "no_reason" not in ret.grounds and "defective" in ret.grounds
    assert [r.code for r in ret.reasons] == ["excluded_category"]
    ticked = el.order_eligibility(order(local(2026, 11, 2), confirmable_kind="activation_devalues", acknowledged=True),
                                  CN, CAL, now)[0]
    assert "acknowledged_at_checkout" in {r.code for r in types(ticked)["return_refund"].reasons}
    # the eu preset has no confirmable kinds: the same declaration excludes nothing there
    eu = el.order_eligibility(order(local(2026, 11, 2), confirmable_kind="activation_devalues", acknowledged=True),
                              EU, CAL, now)[0]
    assert "no_reason" in types(eu)["return_refund"].grounds
    custom = el.order_eligibility(order(local(2026, 11, 2), excluded_kind="custom_made"), CN, CAL, now)[0]
    assert [r.code for r in types(custom)["return_refund"].reasons] == ["excluded_goods"]


def test_quantity_already_returned_or_claimed_closes_every_type():
    now = local(2026, 11, 3)
    done = el.order_eligibility(order(local(2026, 11, 2), refunded=2), CN, CAL, now)[0]
    assert done.open_types == [] and done.available_quantity == 0
    assert all(t.reasons[0].code == "quantity_already_returned" for t in done.types)
    half = el.order_eligibility(order(local(2026, 11, 2), claimed=1), CN, CAL, now)[0]
    assert half.available_quantity == 1
    assert el.refusal(half, "return_refund", "no_reason", 2)[0] == "not_eligible"  # type: ignore[index]
    assert el.refusal(half, "return_refund", "no_reason", 1) is None


def test_before_delivery_only_refund_only_is_open():
    shipped = el.OrderFacts(id="o", state="shipped", paid=True, shipped_at=local(2026, 11, 1),
                            lines=(el.LineFacts(id="l", sku_id="s", product_id="p", quantity=1),))
    line = el.order_eligibility(shipped, CN, CAL, local(2026, 11, 2))[0]
    assert line.open_types == ["refund_only"] and types(line)["refund_only"].grounds == ["not_received"]
    assert types(line)["return_refund"].reasons[0].code == "not_delivered"
    unpaid = el.OrderFacts(id="o", state="pending_payment", paid=False, lines=shipped.lines)
    assert el.order_eligibility(unpaid, CN, CAL, local(2026, 11, 2))[0].open_types == []


def test_refusal_names_window_closed_when_only_time_stands_in_the_way():
    facts = order(local(2026, 11, 2))
    late = el.order_eligibility(facts, CN, CAL, local(2026, 11, 12))[0]
    code, reasons = el.refusal(late, "return_refund", "no_reason", 1)  # type: ignore[misc]
    assert code == "window_closed" and reasons[0].code == "window_passed"
    assert el.refusal(late, "exchange", "defective", 1) is None  # 15 days for an exchange of faulty goods
    assert el.refusal(late, "exchange", "no_reason", 1)[0] == "not_eligible"  # type: ignore[index]
    excluded = el.order_eligibility(order(local(2026, 11, 2), excluded_kind="perishable"), CN, CAL, local(2026, 11, 3))[0]
    assert el.refusal(excluded, "return_refund", "no_reason", 1)[0] == "not_eligible"  # type: ignore[index]


def test_receipt_confirmation_starts_the_window_without_a_delivery_proof():
    facts = el.OrderFacts(id="o", state="completed", paid=True, shipped_at=local(2026, 11, 1),
                          completed_at=local(2026, 11, 2, 10),
                          lines=(el.LineFacts(id="l", sku_id="s", product_id="p", quantity=1),))
    assert el.window_start(facts) == (local(2026, 11, 2, 10), "receipt_confirmed")
    assert el.order_eligibility(facts, CN, CAL, local(2026, 11, 3))[0].window_ends_at == local(2026, 11, 10)
