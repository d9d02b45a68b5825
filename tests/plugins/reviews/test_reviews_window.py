"""The review window: ``window_days`` after completion, ending at 24:00 local, rolled past rest days.

The kit's clock starts on Monday 2026-01-05 09:00 in Shanghai (01:00 UTC). Each test
completes an order with two lines, reviews one just before the window ends and is refused
the other just after.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from reviews_market import make_market

CST = timedelta(hours=8)


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    """A Shanghai wall-clock time as a UTC instant."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=UTC) - CST


async def two_lines_completed_at(m, when: datetime):
    await m.advance_to(when)
    buyer = await m.buyer()
    order_id = await m.order(buyer, lines=2)
    first, second = await m.lines_of(buyer, order_id)
    return buyer, first, second


async def test_the_window_ends_at_midnight_of_the_fifteenth_day_after_completion(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer, first, second = await two_lines_completed_at(m, local(2026, 1, 5, 9))  # Monday
    (shown, _) = await m.eligible(buyer)
    assert shown["action"] == "review"
    assert shown["due_at"] == "2026-01-20T16:00:00Z"  # 24:00 of Tuesday 20 January, Shanghai

    await m.advance_to(local(2026, 1, 20, 23, 59, 59))
    r = await m.review(buyer, first, 4, text="fine")
    assert r.status_code == 201, r.text

    await m.advance(seconds=1)  # 00:00 of the 21st: closed
    r = await m.review(buyer, second, 4)
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "reviews.window_closed"
    assert r.json()["due_at"].startswith("2026-01-20T16:00:00")
    assert [e["line_id"] for e in await m.eligible(buyer) if e["action"] == "review"] == []


async def test_a_window_ending_on_a_saturday_rolls_to_the_end_of_monday(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer, first, second = await two_lines_completed_at(m, local(2026, 1, 9, 10))  # Friday; day 15 is Saturday 24th

    await m.advance_to(local(2026, 1, 26, 23, 0))  # Monday evening: still open
    assert (await m.review(buyer, first)).status_code == 201

    await m.advance_to(local(2026, 1, 27, 0, 0))
    r = await m.review(buyer, second)
    assert r.status_code == 409 and r.json()["code"] == "reviews.window_closed", r.text


@pytest.mark.parametrize(
    ("calendar", "open_until_local"),
    [
        # Monday 26th is a holiday: the period ending Saturday rolls past Sunday and Monday
        ({"holidays": ["2026-01-26"]}, (2026, 1, 28)),
        # Saturday 24th is a make-up working day: no roll at all
        ({"workdays": ["2026-01-24"]}, (2026, 1, 25)),
    ],
    ids=["holiday-monday", "make-up-saturday"],
)
async def test_holidays_and_make_up_days_move_the_end(bazaar_factory, calendar, open_until_local):
    m = await make_market(bazaar_factory, settings={"calendar": {"timezone": "Asia/Shanghai", **calendar}})
    buyer, first, second = await two_lines_completed_at(m, local(2026, 1, 9, 10))
    end = local(*open_until_local)

    await m.advance_to(end - timedelta(seconds=1))
    assert (await m.review(buyer, first)).status_code == 201

    await m.advance_to(end)
    r = await m.review(buyer, second)
    assert r.status_code == 409 and r.json()["code"] == "reviews.window_closed", r.text


async def test_the_eu_preset_gives_thirty_days(bazaar_factory):
    m = await make_market(bazaar_factory, preset="eu")
    buyer, first, second = await two_lines_completed_at(m, local(2026, 1, 5, 9))
    await m.advance_to(local(2026, 2, 4, 23, 59))  # day 30 is Wednesday 4 February
    assert (await m.review(buyer, first)).status_code == 201
    await m.advance_to(local(2026, 2, 5))
    assert (await m.review(buyer, second)).json()["code"] == "reviews.window_closed"


async def test_an_override_of_window_days_is_the_rule_in_force(bazaar_factory):
    m = await make_market(bazaar_factory, window_days=3)
    buyer, first, _ = await two_lines_completed_at(m, local(2026, 1, 5, 9))
    await m.advance_to(local(2026, 1, 9))  # day 3 ended at 24:00 on Thursday 8th
    r = await m.review(buyer, first)
    assert r.status_code == 409 and r.json()["code"] == "reviews.window_closed", r.text
