"""The no-reason window through HTTP, on the kernel calendar: a public holiday and a make-up working day."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aftersales_market import API, local, make_shop


async def test_window_across_a_holiday_ending_on_a_make_up_day(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.buy({"tea": 2})
    await shop.ship(order_id)
    await shop.at(local(2026, 10, 3, 15, 0))  # signed for in the middle of the National Day week
    await shop.receive(order_id)

    r = await shop.c.get(f"{API}/orders/{order_id}/eligibility", headers=shop.customer.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["window_start_source"] == "receipt_confirmed"
    line = body["lines"][0]
    # day 1 is 4 October; day 7, Saturday 10 October, is a make-up working day: no roll to Monday
    assert datetime.fromisoformat(line["window_ends_at"]) == local(2026, 10, 11)
    ret = next(t for t in line["types"] if t["type"] == "return_refund")
    assert ret["open"] and "no_reason" in ret["grounds"]

    await shop.at(local(2026, 10, 10, 23, 59, 59))  # the last second of the last valid day
    first = await shop.open(order_id, "return_refund", "no_reason", {"tea": 1})
    assert first.status_code == 201, first.text
    assert first.json()["state"] == "requested"
    assert [d["name"] for d in first.json()["deadlines"]] == ["merchant_response"]

    shop.kit.clock.advance(timedelta(seconds=1))  # 24:00: the window has closed
    late = await shop.open(order_id, "return_refund", "no_reason", {"tea": 1})
    assert late.status_code == 409, late.text
    problem = late.json()
    assert problem["code"] == "aftersales.window_closed"
    assert datetime.fromisoformat(problem["window_ends_at"]) == local(2026, 10, 11)
    assert "window_passed" in [r["code"] for r in problem["reasons"]]


async def test_window_ending_in_the_holiday_rolls_to_the_first_working_day(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.buy({"tea": 1})
    await shop.ship(order_id)
    await shop.at(local(2026, 9, 25, 10, 0))  # day 7 is Friday 2 October, a holiday
    await shop.receive(order_id)
    await shop.at(local(2026, 10, 8, 23, 0))  # still open: it rolled to Thursday 8 October
    r = await shop.c.get(f"{API}/orders/{order_id}/eligibility", headers=shop.customer.headers)
    line = r.json()["lines"][0]
    assert datetime.fromisoformat(line["window_ends_at"]) == local(2026, 10, 9)
    assert "return_refund" in line["open_types"]
    assert (await shop.open(order_id, "return_refund", "no_reason", {"tea": 1})).status_code == 201


async def test_eligibility_explains_excluded_goods_and_units_already_claimed(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    r = await shop.c.put(f"{API}/merchants/{shop.merchant_id}/products/{shop.products['tin']}",
                         json={"excluded_kind": "perishable"}, headers=shop.owner.headers)
    assert r.status_code == 200, r.text
    order_id = await shop.delivered_order({"tea": 1, "tin": 1})
    await shop.opened(order_id, "return_refund", "no_reason", {"tea": 1})
    r = await shop.c.get(f"{API}/orders/{order_id}/eligibility", headers=shop.customer.headers)
    lines = {ln["sku_id"]: ln for ln in r.json()["lines"]}
    tea, tin = lines[shop.skus["tea"]], lines[shop.skus["tin"]]
    assert tea["available_quantity"] == 0 and tea["open_types"] == []
    assert tea["types"][0]["reasons"][0]["code"] == "quantity_in_open_case"
    tin_return = next(t for t in tin["types"] if t["type"] == "return_refund")
    assert "no_reason" not in tin_return["grounds"] and tin_return["reasons"][0]["code"] == "excluded_goods"
    refused = await shop.open(order_id, "return_refund", "no_reason", {"tin": 1})
    assert refused.status_code == 422 and refused.json()["code"] == "aftersales.not_eligible"
    assert refused.json()["reasons"][0]["code"] == "excluded_goods"
