"""With logistics: the return parcel's scans move the case, an exchange ships its replacement as a new
shipment, and a refund asked for an order in transit has the parcel intercepted."""

from __future__ import annotations

from typing import Any

from aftersales_market import API, make_shop

from bazaar.sdk.carriers import Recipient, WaybillRequest

CARRIER_SECRET = "test-carrier-secret-0123456789-abcdef"
LOGISTICS = {"logistics": {"preset": "cn", "allow_sandbox": True, "sandbox": {"secret": CARRIER_SECRET}}}


async def _shop(bazaar_factory: Any) -> Any:
    return await make_shop(bazaar_factory, plugins=("logistics",), config=LOGISTICS)


def _m(shop: Any, path: str) -> str:
    return f"/api/v1/logistics/merchants/{shop.merchant_id}{path}"


async def _scan(shop: Any, waybill: str, *actions: str) -> None:
    from datetime import timedelta

    for action in actions:
        shop.kit.clock.advance(timedelta(minutes=1))
        r = await shop.c.post(f"/api/v1/logistics/sandbox/parcels/{waybill}/{action}", json={},
                              headers=shop.operator.headers)
        assert r.status_code == 200, r.text
    await shop.kit.run_due()


async def _ship(shop: Any, order_id: str) -> str:
    """Ship the whole order through logistics; answers the waybill (picked up, in transit)."""
    order = await shop.order(order_id)
    body = {"lines": [{"sku_id": ln["sku_id"], "quantity": ln["quantity"]} for ln in order["lines"]], "carrier": "SF"}
    r = await shop.c.post(_m(shop, f"/orders/{order_id}/shipments"), json=body, headers=shop.owner.headers)
    assert r.status_code == 201, r.text
    labels = await shop.c.post(_m(shop, f"/shipments/{r.json()['id']}/labels"), headers=shop.owner.headers)
    assert labels.status_code == 200, labels.text
    waybill = labels.json()["parcels"][0]["waybill_no"]
    await _scan(shop, waybill, "pickup", "transit")
    return str(waybill)


async def _return_waybill(shop: Any, ref: str) -> str:
    """The buyer books the return parcel at the (sandbox) carrier's counter."""
    books = shop.rt.provider("carrier", "sandbox").books
    booked = await books.book(WaybillRequest(ref=ref, carrier="SF", sender_name="Alice",
                                             recipient=Recipient(name="Tea House", phone="13800138000", country="CN")),
                              "SF Express")
    return str(booked.waybill)


async def _delivered(shop: Any, lines: dict[str, int]) -> str:
    order_id = await shop.buy(lines)
    waybill = await _ship(shop, order_id)
    await _scan(shop, waybill, "out_for_delivery", "sign_self")
    order = await shop.order(order_id)
    assert order["state"] == "delivered", order["state"]
    return order_id


async def test_the_return_parcel_scans_move_the_case(bazaar_factory: Any) -> None:
    shop = await _shop(bazaar_factory)
    order_id = await _delivered(shop, {"kettle": 1})
    r = await shop.c.get(f"{API}/orders/{order_id}/eligibility", headers=shop.customer.headers)
    assert r.json()["window_start_source"] == "delivered"
    case = await shop.opened(order_id, "return_refund", "no_reason", {"kettle": 1})
    await shop.did(case["id"], "accept", "merchant")
    await shop.address(case["id"])
    waybill = await _return_waybill(shop, f"return-{case['id']}")
    shipped = await shop.did(case["id"], "return_shipment", "customer", {"carrier": "SF", "waybill": waybill})
    assert shipped["state"] == "return_in_transit" and shipped["return_parcel"]["parcel_id"]
    await _scan(shop, waybill, "pickup", "transit")
    assert (await shop.case(case["id"]))["return_parcel"]["status"] == "in_transit"
    await _scan(shop, waybill, "out_for_delivery", "sign_self")
    arrived = await shop.case(case["id"], "merchant")
    assert arrived["state"] == "return_delivered" and arrived["received_at"] is not None
    assert arrived["deadlines"][0]["name"] == "refund_deadline"
    done = (await shop.receipt(case["id"])).json()
    assert done["outcome"] == "refunded" and done["refunded"]["amount"] == 12000


async def test_an_exchange_ships_its_replacement_as_a_new_shipment(bazaar_factory: Any) -> None:
    shop = await _shop(bazaar_factory)
    order_id = await _delivered(shop, {"kettle": 1})
    case = await shop.opened(order_id, "exchange", "defective", {"kettle": 1})
    await shop.did(case["id"], "accept", "merchant")
    await shop.address(case["id"])
    waybill = await _return_waybill(shop, f"return-{case['id']}")
    await shop.did(case["id"], "return_shipment", "customer", {"carrier": "SF", "waybill": waybill})
    await _scan(shop, waybill, "pickup", "transit", "out_for_delivery", "sign_self")
    received = (await shop.receipt(case["id"])).json()
    assert received["state"] == "awaiting_replacement"
    shipped = await shop.did(case["id"], "ship_replacement", "merchant", {})
    shipment_id = shipped["replacement"]["shipment_id"]
    assert shipped["state"] == "replacement_shipped" and shipment_id
    r = await shop.c.get(_m(shop, f"/shipments/{shipment_id}"), headers=shop.owner.headers)
    assert r.status_code == 200 and r.json()["order_id"] == order_id
    done = await shop.did(case["id"], "confirm_replacement", "customer")
    assert done["outcome"] == "exchanged"


async def test_a_refund_on_an_order_in_transit_has_the_parcel_intercepted(bazaar_factory: Any) -> None:
    shop = await _shop(bazaar_factory)
    order_id = await shop.buy({"tea": 2})
    waybill = await _ship(shop, order_id)
    case = await shop.opened(order_id, "refund_only", "not_received", {"tea": 2})
    assert case["state"] == "intercepting" and case["deadlines"][0]["name"] == "interception"
    await _scan(shop, waybill, "intercept_ok")
    done = await shop.case(case["id"])
    assert done["state"] == "closed" and done["outcome"] == "refunded"
    assert done["refunded"]["amount"] == 2000 + 1000  # the goods and the outbound fee

    other = await shop.buy({"tea": 1})
    second = await _ship(shop, other)
    failed = await shop.opened(other, "refund_only", "not_received", {"tea": 1})
    await _scan(shop, second, "intercept_fail")
    view = await shop.case(failed["id"], "merchant")
    assert view["state"] == "requested" and "accept" in view["allowed_actions"]  # the merchant decides
