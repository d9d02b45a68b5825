"""Stories with the clock: split shipments, hand-over by scan, typed proofs, lost parcels."""

from __future__ import annotations

from typing import Any

from logistics_market import make_market


async def test_split_shipment_of_two_lines_is_delivered_only_after_the_second_parcel(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    order_id = await m.buy((1, 2))
    await m.advance(hours=1)
    first = await m.ship(order_id, [(0, 1), (1, 1)])
    assert first["state"] == "pending" and "buy_labels" in first["allowed_actions"]
    assert [d["name"] for d in first["deadlines"]] == ["ship_by"]
    # the rest of line 2 in a second shipment; more than is left is refused, per field
    r = await m.c.post(m.m(f"/orders/{order_id}/shipments"),
                       json={"lines": [{"sku_id": m.skus[1], "quantity": 2}], "carrier": "SF"},
                       headers=m.owner.headers)
    assert r.status_code == 422 and r.json()["code"] == "logistics.lines_exceed_order"
    assert r.json()["errors"][0]["field"] == "lines[0].quantity"
    second = await m.ship(order_id, [(1, 1)], carrier="ZTO")
    one = (await m.labels(first["id"]))["parcels"][0]["waybill_no"]
    two = (await m.labels(second["id"]))["parcels"][0]["waybill_no"]
    assert one.startswith("SF") and two.startswith("ZTO")

    await m.scan(one, "pickup")
    s1 = await m.shipment(first["id"])
    assert s1["state"] == "handed_over" and s1["by_scan"] is True and s1["on_time"] is True
    assert (await m.order(order_id))["state"] == "shipped"
    await m.scan(two, "pickup", "transit", "out_for_delivery")
    await m.scan(one, "transit", "out_for_delivery", "sign_self")
    assert (await m.shipment(first["id"]))["state"] == "delivered"
    assert (await m.order(order_id))["state"] == "shipped", "one parcel is still out"
    await m.scan(two, "sign_proxy")
    s2 = await m.shipment(second["id"])
    assert s2["state"] == "delivered" and s2["proof"] == "proxy_signed" and s2["counts_as_delivery"] is True
    order = await m.order(order_id)
    assert order["state"] == "delivered"
    delivered = await m.outbox("shipment.delivered")
    assert [e["shipment_id"] for e in delivered] == [first["id"], second["id"]]
    tracking = await m.tracking(order_id, tz="Europe/Paris")
    events = tracking["shipments"][0]["parcels"][0]["events"]
    assert [e["status"] for e in events] == ["info_received", "picked_up", "in_transit", "out_for_delivery", "delivered"]
    assert events[0]["local_time"].endswith("+01:00")
