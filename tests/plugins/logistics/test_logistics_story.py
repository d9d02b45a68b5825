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


async def test_a_locker_drop_without_consent_is_not_delivery_but_one_with_consent_is(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    plain, consented = await m.buy((1, 0)), await m.buy((0, 1))
    r = await m.c.post(f"/api/v1/logistics/orders/{consented}/consents", json={"kind": "locker"},
                       headers=m.customer.headers)
    assert r.status_code == 201, r.text
    waybills = []
    for order_id in (plain, consented):
        shipment = await m.ship(order_id)
        waybills.append((shipment["id"], (await m.labels(shipment["id"]))["parcels"][0]["waybill_no"]))
    for _, waybill in waybills:
        await m.scan(waybill, "pickup", "transit", "locker")
    first = await m.shipment(waybills[0][0])
    assert first["state"] == "delivered" and first["proof"] == "locker_without_consent"
    assert first["counts_as_delivery"] is False
    assert (await m.order(plain))["state"] == "shipped", "a locker drop without consent is not delivery (cn)"
    second = await m.shipment(waybills[1][0])
    assert second["proof"] == "locker_with_consent" and second["counts_as_delivery"] is True
    assert (await m.order(consented))["state"] == "delivered"
    # the operator confirms the first by hand after calling the buyer
    r = await m.c.post(f"/api/v1/logistics/admin/shipments/{waybills[0][0]}/delivery-proofs",
                       json={"at": m.kit.clock.now().isoformat(), "note": "buyer confirmed by phone"},
                       headers=m.operator.headers)
    assert r.status_code == 200 and r.json()["proof"] == "operator_manual", r.text
    assert (await m.order(plain))["state"] == "delivered"


async def test_a_lost_parcel_refunds_the_buyer_first_and_opens_a_carrier_claim(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    order_id = await m.buy((1, 1))
    shipment = await m.ship(order_id)
    waybill = (await m.labels(shipment["id"]))["parcels"][0]["waybill_no"]
    await m.scan(waybill, "pickup", "transit", "lose")
    lost = await m.shipment(shipment["id"])
    assert lost["state"] == "lost"
    assert [d["name"] for d in lost["deadlines"]] == ["carrier_claim"]
    r = await m.c.get("/api/v1/logistics/admin/claims", headers=m.operator.headers)
    [claim] = r.json()
    total = (await m.order(order_id))["totals"]["total"]["amount"]
    assert claim["state"] == "open" and claim["amount_minor"] == total and claim["refund_ref"]
    await m.advance(seconds=1)
    refunded = await m.rt.db.fetchrow("SELECT COALESCE(SUM(amount_minor), 0) AS n FROM payments_posting "
                                      "WHERE account = 'refunds' AND order_id = {}", order_id)
    assert int(refunded["n"]) == total, "the buyer is made whole through the payments plugin"
    await m.assert_balanced()
    assert [e["claim_id"] for e in await m.outbox("shipment.lost")] == [claim["id"]]
    # EXP 28: 7 days on the calendar; then the claim is overdue until the operator records the answer
    await m.advance(days=8)
    r = await m.c.get("/api/v1/logistics/admin/claims?state=overdue", headers=m.operator.headers)
    assert [c["id"] for c in r.json()] == [claim["id"]]
    r = await m.c.post(f"/api/v1/logistics/admin/claims/{claim['id']}/resolve",
                       json={"outcome": "settled", "note": "carrier paid the declared value"}, headers=m.operator.headers)
    assert r.status_code == 200 and r.json()["state"] == "settled"
    r = await m.c.post(f"/api/v1/logistics/admin/claims/{claim['id']}/resolve",
                       json={"outcome": "rejected", "note": "again"}, headers=m.operator.headers)
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
