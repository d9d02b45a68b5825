"""Ship-by deadlines on working hours across a weekend, late cancellation, consent, fake waybills."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from logistics_market import make_market

#: Friday 2025-01-10 15:00 in Shanghai
FRIDAY_3PM = datetime(2025, 1, 10, 7, 0, tzinfo=UTC)


async def test_late_shipment_breaches_on_tuesday_and_the_buyer_cancels_for_a_full_refund(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory, start=FRIDAY_3PM)
    order_id = await m.buy((1, 1))
    tracking = await m.tracking(order_id)
    # 48 working hours: Friday 9 h, (weekend), Monday 24 h, Tuesday 15 h -> Tuesday 15:00 Shanghai
    assert tracking["ship_by"] == "2025-01-14T07:00:00Z"
    assert tracking["allowed_actions"] == ["consent_locker"]
    r = await m.c.post(f"/api/v1/logistics/orders/{order_id}/cancel-late", headers=m.customer.headers)
    assert r.status_code == 409 and r.json()["code"] == "logistics.not_late"
    await m.advance(days=3, hours=23, minutes=59)
    assert await m.outbox("shipment.late") == []
    await m.advance(minutes=2)
    [late] = await m.outbox("shipment.late")
    assert late["order_id"] == order_id and late["ship_by"].startswith("2025-01-14T07:00")
    tracking = await m.tracking(order_id)
    assert tracking["state"] == "late" and "cancel_late" in tracking["allowed_actions"]
    r = await m.c.get("/api/v1/logistics/admin/late-shipments", headers=m.operator.headers)
    assert [x["order_id"] for x in r.json()] == [order_id]
    r = await m.c.post(f"/api/v1/logistics/orders/{order_id}/cancel-late", headers=m.customer.headers)
    assert r.status_code == 200, r.text
    order = await m.order(order_id)
    assert order["state"] == "cancelled" and order["cancel_reason"] == "late_shipment"
    assert order["totals"]["refunded"]["amount"] == order["totals"]["total"]["amount"]
    await m.advance(seconds=1)
    await m.assert_balanced()


async def test_shipping_after_the_deadline_needs_the_buyers_consent(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory, start=FRIDAY_3PM)
    order_id = await m.buy((1, 0))
    await m.advance(days=5)
    r = await m.c.post(m.m(f"/orders/{order_id}/shipments"),
                       json={"lines": [{"sku_id": m.skus[0], "quantity": 1}], "carrier": "SF"}, headers=m.owner.headers)
    assert r.status_code == 409 and r.json()["code"] == "logistics.ship_by_passed_consent_required"
    r = await m.c.get(m.m("/orders-to-ship"), headers=m.owner.headers)
    assert r.json()["items"][0]["state"] == "late" and r.json()["items"][0]["consent_to_ship_late"] is False
    r = await m.c.post(f"/api/v1/logistics/orders/{order_id}/consents", json={"kind": "ship_late", "note": "fine"},
                       headers=m.customer.headers)
    assert r.status_code == 201
    shipment = await m.ship(order_id)
    waybill = (await m.labels(shipment["id"]))["parcels"][0]["waybill_no"]
    await m.scan(waybill, "pickup")
    handed = await m.outbox("shipment.handed_over")
    assert handed[0]["on_time"] is False


async def test_a_waybill_without_a_carrier_scan_is_flagged_as_a_fake_shipment(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    order_id = await m.buy((1, 0))
    shipment = await m.ship(order_id, parcels=[{"waybill_no": "SF1234567890"}])
    body = await m.hand_over(shipment["id"])
    assert body["state"] == "handed_over" and body["by_scan"] is False
    assert (await m.order(order_id))["state"] == "shipped"
    await m.advance(hours=47)
    r = await m.c.get("/api/v1/logistics/admin/fake-flags", headers=m.operator.headers)
    assert r.json() == []
    await m.advance(hours=2)
    r = await m.c.get("/api/v1/logistics/admin/fake-flags", headers=m.operator.headers)
    [flag] = r.json()
    assert flag["waybill"] == "SF1234567890" and flag["merchant_id"] == m.merchant
    assert [e["flag_id"] for e in await m.outbox("logistics.fake_shipment_flagged")] == [flag["id"]]
    r = await m.c.post(f"/api/v1/logistics/admin/fake-flags/{flag['id']}/resolve",
                       json={"outcome": "confirmed", "note": "carrier has no record"}, headers=m.operator.headers)
    assert r.status_code == 200 and r.json()["state"] == "confirmed"


async def test_the_core_ship_route_is_refused_while_logistics_is_enabled(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    order_id = await m.buy((1, 0))
    r = await m.c.post(f"/api/v1/merchants/{m.merchant}/orders/{order_id}/ship",
                       json={"carrier": "SF", "tracking_number": "SF1"}, headers=m.owner.headers)
    assert r.status_code == 409 and r.json()["code"] == "plugin_vetoed"
    assert r.json()["reason_code"] == "logistics.ship_through_shipments"
    assert (await m.order(order_id))["state"] == "paid"
