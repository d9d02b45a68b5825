"""Exchange, repair and refund-only flows without logistics, and the eu withdrawal function."""

from __future__ import annotations

from typing import Any

from aftersales_market import API, make_shop


async def _goods_back(shop: Any, case_id: str, *, address: bool = True) -> dict[str, Any]:
    if address:
        await shop.address(case_id)
    await shop.ship_back(case_id)
    r = await shop.receipt(case_id)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_exchange_ships_a_replacement(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"kettle": 1})
    case = await shop.opened(order_id, "exchange", "defective", {"kettle": 1})
    await shop.did(case["id"], "accept", "merchant")
    received = await _goods_back(shop, case["id"])
    assert received["state"] == "awaiting_replacement"
    assert received["deadlines"][0]["name"] == "replacement_shipment"
    without = await shop.act(case["id"], "ship_replacement", "merchant", {})
    assert without.status_code == 422 and without.json()["code"] == "aftersales.waybill_required"
    shipped = await shop.did(case["id"], "ship_replacement", "merchant", {"carrier": "SF", "waybill": "SF7000001"})
    assert shipped["state"] == "replacement_shipped" and shipped["replacement"]["waybill"] == "SF7000001"
    done = await shop.did(case["id"], "confirm_replacement", "customer")
    assert done["state"] == "closed" and done["outcome"] == "exchanged" and done["refunded"] is None
    assert (await shop.order(order_id))["aftersales_open"] is False


async def test_a_replacement_never_shipped_becomes_a_refund(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"kettle": 1})
    case = await shop.opened(order_id, "exchange", "defective", {"kettle": 1})
    await shop.did(case["id"], "accept", "merchant")
    await _goods_back(shop, case["id"])
    await shop.advance(hours=73)
    view = await shop.case(case["id"])
    assert view["outcome"] == "refunded" and view["refunded"]["amount"] == 12000


async def test_a_repair_that_fails_twice_ends_in_a_refund(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"kettle": 1})
    case = await shop.opened(order_id, "repair", "defective", {"kettle": 1})
    await shop.did(case["id"], "accept", "merchant")
    first = await _goods_back(shop, case["id"])
    assert first["state"] == "repairing" and first["deadlines"][0]["name"] == "repair"
    for attempt in (1, 2):
        back = await shop.did(case["id"], "return_repaired", "merchant", {"carrier": "SF", "waybill": f"SF80000{attempt}"})
        assert back["state"] == "repair_returned"
        failed = await shop.did(case["id"], "report_repair_failed", "customer", {"note": f"broken again ({attempt})"})
        assert failed["state"] == "awaiting_buyer_shipment" and failed["repair_failures"] == attempt
        again = await _goods_back(shop, case["id"], address=False)
    assert again["state"] == "repair_failed"
    buyer = await shop.case(case["id"])
    assert buyer["allowed_actions"] == ["choose_exchange", "choose_refund"]
    done = await shop.did(case["id"], "choose_refund", "customer")
    assert done["outcome"] == "refunded" and done["refunded"]["amount"] == 12000


async def test_refund_only_before_shipment_cancels_the_order(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.buy({"tea": 2})
    partial = await shop.open(order_id, "refund_only", "not_shipped", {"tea": 1})
    assert partial.status_code == 422 and partial.json()["code"] == "aftersales.whole_order_only"
    case = await shop.opened(order_id, "refund_only", "not_shipped", {"tea": 2})
    done = await shop.did(case["id"], "accept", "merchant")
    assert done["state"] == "closed" and done["outcome"] == "refunded"
    order = await shop.order(order_id)
    assert order["state"] == "cancelled" and order["totals"]["refunded"]["amount"] == order["totals"]["total"]["amount"]


async def test_refund_only_on_an_order_in_transit_without_logistics_waits_for_the_merchant(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.buy({"tea": 1})
    await shop.ship(order_id)
    case = await shop.opened(order_id, "refund_only", "not_received", {"tea": 1})
    assert case["state"] == "requested"  # no carrier to ask: the merchant decides
    done = await shop.did(case["id"], "accept", "merchant")
    assert done["outcome"] == "refunded" and done["refunded"]["amount"] == 1000 + 1000  # goods and outbound fee


async def test_eu_withdrawal_function_with_an_acknowledgement(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory, preset="eu")
    order_id = await shop.delivered_order({"tea": 2})
    other = await shop.delivered_order({"tea": 1})
    r = await shop.c.post(f"{API}/withdrawals", json={"order_id": order_id}, headers=shop.customer.headers)
    assert r.status_code == 201, r.text
    draft = r.json()
    assert draft["status"] == "draft" and draft["allowed_actions"] == ["confirm"]
    assert draft["statement"].startswith("I hereby withdraw from my contract")
    r = await shop.c.post(f"{API}/withdrawals/{draft['id']}/confirm", headers=shop.customer.headers)
    assert r.status_code == 200, r.text
    confirmed = r.json()
    assert confirmed["status"] == "confirmed" and confirmed["case_id"]
    pdf = await shop.c.get(confirmed["acknowledgement_url"], headers=shop.customer.headers)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and b"I hereby withdraw" in pdf.content
    assert b"Received: " in pdf.content
    case = await shop.case(confirmed["case_id"], "merchant")
    assert case["type"] == "withdrawal" and case["state"] == "awaiting_return_address"
    assert "reject" not in case["allowed_actions"]  # a withdrawal needs no acceptance
    assert (await shop.c.get(confirmed["acknowledgement_url"], headers=shop.stranger.headers)).status_code == 404
    again = await shop.c.post(f"{API}/withdrawals/{draft['id']}/confirm", headers=shop.customer.headers)
    assert again.status_code == 409

    await shop.advance(days=16)  # day 14 is 5 October, in the holiday: the period rolls to 8 October, 24:00
    assert (await shop.c.post(f"{API}/withdrawals", json={"order_id": other},
                              headers=shop.customer.headers)).status_code == 201
    await shop.advance(days=4)
    late = await shop.c.post(f"{API}/withdrawals", json={"order_id": other}, headers=shop.customer.headers)
    assert late.status_code == 409 and late.json()["code"] == "aftersales.window_closed"


async def test_withdrawal_before_shipment_refunds_at_once(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory, preset="eu")
    order_id = await shop.buy({"tea": 1})
    draft = (await shop.c.post(f"{API}/withdrawals", json={"order_id": order_id}, headers=shop.customer.headers)).json()
    r = await shop.c.post(f"{API}/withdrawals/{draft['id']}/confirm", headers=shop.customer.headers)
    assert r.status_code == 200, r.text
    case = await shop.case(r.json()["case_id"])
    assert case["state"] == "closed" and case["outcome"] == "withdrawn"
    assert (await shop.order(order_id))["state"] == "cancelled"


async def test_the_cn_preset_has_no_withdrawal_function(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    r = await shop.c.post(f"{API}/withdrawals", json={"order_id": await shop.delivered_order({"tea": 1})},
                          headers=shop.customer.headers)
    assert r.status_code == 404 and r.json()["code"] == "aftersales.withdrawal_not_offered"
