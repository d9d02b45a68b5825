"""Clocks with automatic outcomes: merchant silence accepts, a buyer who never ships back lapses, a
merchant who never confirms receipt refunds; late actions are refused naming the deadline."""

from __future__ import annotations

from typing import Any

from aftersales_market import API, make_shop


async def test_merchant_silence_accepts_and_a_late_answer_names_the_deadline(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"tea": 2})
    case = await shop.opened(order_id, "return_refund", "no_reason", {"tea": 1})
    assert (await shop.order(order_id))["aftersales_open"] is True
    merchant_view = await shop.case(case["id"], "merchant")
    assert merchant_view["allowed_actions"] == ["accept", "reject", "request_info"]
    assert case["allowed_actions"] == ["cancel"]  # the buyer's view of the same case
    due = merchant_view["deadlines"][0]
    assert due["name"] == "merchant_response" and due["actor"] == "merchant" and due["on_expiry"] == "accept_return"

    await shop.advance(hours=47, minutes=59)
    assert (await shop.case(case["id"]))["state"] == "requested"
    await shop.advance(minutes=2)
    after = await shop.case(case["id"], "merchant")
    assert after["state"] == "awaiting_return_address"
    assert after["history"][-1]["actor"] == "system"
    assert after["deadlines"][0]["name"] == "return_address"

    late = await shop.act(case["id"], "accept", "merchant")
    assert late.status_code == 409 and late.json()["code"] == "aftersales.deadline_passed"
    assert late.json()["deadline"]["name"] == "merchant_response"
    r = await shop.c.get(f"{API}/merchants/{shop.merchant_id}/stats", headers=shop.owner.headers)
    assert r.json()["auto_accepted"] == 1 and r.json()["deadlines_missed"] == 1


async def test_buyer_who_never_ships_back_lapses(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"tea": 1})
    case = await shop.opened(order_id, "return_refund", "no_reason", {"tea": 1})
    await shop.did(case["id"], "accept", "merchant")
    await shop.address(case["id"])
    view = await shop.case(case["id"])
    assert view["state"] == "awaiting_buyer_shipment" and view["allowed_actions"] == ["cancel", "return_shipment"]
    assert view["return_address"]["city"] == "Hangzhou"
    await shop.advance(days=8)  # buyer_ship_back_days (7) ran out, whatever the hour
    view = await shop.case(case["id"])
    assert view["state"] == "closed" and view["outcome"] == "lapsed"
    assert (await shop.order(order_id))["aftersales_open"] is False
    late = await shop.act(case["id"], "return_shipment", "customer", {"carrier": "SF", "waybill": "SF123456"})
    assert late.status_code == 409 and late.json()["deadline"]["name"] == "buyer_ship_back"
    # the units are free again (the no-reason window itself has passed meanwhile)
    r = await shop.c.get(f"{API}/orders/{order_id}/eligibility", headers=shop.customer.headers)
    assert r.json()["lines"][0]["available_quantity"] == 1


async def test_merchant_who_never_confirms_receipt_refunds_in_full(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"tea": 2})
    case = await shop.opened(order_id, "return_refund", "no_reason", {"tea": 2})
    await shop.did(case["id"], "accept", "merchant")
    await shop.address(case["id"])
    await shop.ship_back(case["id"])
    due = (await shop.case(case["id"], "merchant"))["deadlines"][0]
    assert due["name"] == "merchant_receipt"
    # 10 days from 22 September end on 1 October, a holiday: rolled to Thursday 8 October, 24:00
    assert due["due_at"] == "2026-10-08T16:00:00Z"
    await shop.advance(days=11)
    assert (await shop.case(case["id"]))["state"] == "return_in_transit"
    await shop.advance(days=7)
    view = await shop.case(case["id"])
    assert view["state"] == "closed" and view["outcome"] == "refunded"
    assert view["refunded"]["amount"] == 2000
    assert sum(i["amount"] for i in view["breakdown"]["items"]) == 2000
    await shop.advance(seconds=1)
    assert (await shop.payment(order_id))["refunded"] == 2000
    await shop.assert_balanced()


async def test_ask_once_then_silence_accepts_and_an_unanswered_question_lapses(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"tea": 2})
    one = await shop.opened(order_id, "return_refund", "defective", {"tea": 1})
    asked = await shop.did(one["id"], "request_info", "merchant",
                           {"missing": ["a photo of the defect", "the batch number"]})
    assert asked["state"] == "info_requested" and "batch number" in asked["info_request"]
    await shop.did(one["id"], "supply_info", "customer", {"reason": "photo attached; batch 42"})
    reviewing = await shop.case(one["id"], "merchant")
    assert reviewing["allowed_actions"] == ["accept", "reject"]  # asking twice is not in the table
    again = await shop.act(one["id"], "request_info", "merchant", {"missing": ["more"]})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"

    two = await shop.opened(order_id, "return_refund", "defective", {"tea": 1})
    await shop.did(two["id"], "request_info", "merchant", {"missing": ["a photo"]})
    await shop.advance(hours=73)
    assert (await shop.case(two["id"]))["outcome"] == "lapsed"
    assert (await shop.case(one["id"]))["state"] == "awaiting_return_address"  # silence accepted


async def test_a_closed_case_is_kept_for_the_retention_period_then_deleted(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"tea": 1})
    case = await shop.opened(order_id, "return_refund", "no_reason", {"tea": 1})
    r = await shop.c.post(f"{API}/cases/{case['id']}/messages", json={"body": "never mind"},
                          headers=shop.customer.headers)
    assert r.status_code == 201
    await shop.did(case["id"], "cancel", "customer")
    late = await shop.c.post(f"{API}/cases/{case['id']}/messages", json={"body": "hello?"},
                             headers=shop.customer.headers)
    assert late.status_code == 409 and late.json()["code"] == "aftersales.case_closed"
    await shop.advance(days=1094)  # retention.aftersales_days (cn): 1095 after closing
    shop.customer = await shop.kit.login(shop.customer.email, shop.customer.password)
    assert (await shop.case(case["id"]))["outcome"] == "cancelled"
    await shop.advance(days=2)
    shop.customer = await shop.kit.login(shop.customer.email, shop.customer.password)
    gone = await shop.c.get(f"{API}/cases/{case['id']}", headers=shop.customer.headers)
    assert gone.status_code == 404
    left = await shop.rt.db.fetch("SELECT id FROM aftersales_history WHERE case_id = {}", case["id"])
    assert left == []
