"""Cash on delivery: offered when allowed, placed, delivered, remitted, reconciled, resolved; refusals."""

from __future__ import annotations

from typing import Any

from logistics_market import Market, make_market


async def cod_market(bazaar_factory: Any, **cod: Any) -> Market:
    m = await make_market(bazaar_factory, plugins=("logistics.cod",), cod=cod)
    r = await m.c.put(f"/api/v1/logistics/cod/merchants/{m.merchant}/settings", json={"accepts": True},
                      headers=m.owner.headers)
    assert r.status_code == 200, r.text
    return m


async def delivered_cod_order(m: Market, quantities: tuple[int, ...] = (1, 0)) -> tuple[str, str]:
    order_id = await m.buy(quantities, method="cod")
    assert (await m.order(order_id))["state"] == "placed"
    shipment = await m.ship(order_id)
    waybill = (await m.labels(shipment["id"]))["parcels"][0]["waybill_no"]
    await m.scan(waybill, "pickup", "out_for_delivery", "sign_self")
    return order_id, waybill


async def upload(m: Market, body: str, key: str, *, content_type: str = "text/csv", carrier: str = "SF") -> Any:
    return await m.c.post(f"/api/v1/logistics/cod/remittances?carrier={carrier}&currency=CNY", content=body.encode(),
                          headers={**m.operator.headers, "content-type": content_type, "Idempotency-Key": key})


async def test_cod_is_offered_only_within_the_limit_and_when_the_merchant_accepts(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory, plugins=("logistics.cod",), cod={"max_order_amount": 5000})
    query = f"/api/v1/checkout/payment-methods?lines={m.skus[0]}:1"
    r = await m.c.get(query, headers=m.customer.headers)
    assert "cod" not in [x["id"] for x in r.json()["items"]], "the merchant has not opted in"
    await m.c.put(f"/api/v1/logistics/cod/merchants/{m.merchant}/settings", json={"accepts": True},
                  headers=m.owner.headers)
    r = await m.c.get(query, headers=m.customer.headers)
    assert [x for x in r.json()["items"] if x["id"] == "cod"][0]["kind"] == "on_delivery"
    r = await m.c.get(f"/api/v1/checkout/payment-methods?lines={m.skus[1]}:1", headers=m.customer.headers)
    assert "cod" not in [x["id"] for x in r.json()["items"]], "120.00 is above the 50.00 limit"


async def test_cod_delivered_remitted_short_and_resolved_by_a_carrier_claim(bazaar_factory: Any) -> None:
    m = await cod_market(bazaar_factory)
    order_id, waybill = await delivered_cod_order(m, (1, 0))
    other, other_waybill = await delivered_cod_order(m, (0, 1))
    assert (await m.order(order_id))["state"] == "delivered"
    total = (await m.order(order_id))["totals"]["total"]["amount"]
    [collected, _] = await m.outbox("cod.collected")
    assert collected["order_id"] == order_id and collected["amount"]["amount"] == total
    other_total = (await m.order(other))["totals"]["total"]["amount"]
    csv = ("waybill,collected,fee,outcome,collected_at\n"
           f"{waybill},{(total - 500) / 100:.2f},2.00,collected,2025-01-08T12:00:00+08:00\n"
           f"{other_waybill},{other_total / 100:.2f},3.00,collected,2025-01-08T12:00:00+08:00\n"
           f"{other_waybill},{other_total / 100:.2f},3.00,collected,2025-01-08T12:00:00+08:00\n"
           "SF000000000001,10.00,0.00,collected,\n")
    r = await upload(m, csv, "file-1")
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["counts"] == {"matched": 1, "short": 1, "over": 0, "unexpected": 1, "duplicate": 1,
                                "refused_but_remitted": 0, "missing": 0}
    again = await upload(m, csv, "file-1")
    assert again.status_code == 201 and again.json()["id"] == report["id"], "same key, same reconciliation"
    r = await m.c.get("/api/v1/logistics/cod/exceptions?kind=short", headers=m.operator.headers)
    [short] = r.json()
    assert short["order_id"] == order_id and short["expected_minor"] - short["collected_minor"] == 500
    r = await m.c.post(f"/api/v1/logistics/cod/exceptions/{short['id']}/resolve",
                       json={"action": "rematch", "note": "x"}, headers=m.operator.headers)
    assert r.status_code == 409 and r.json()["code"] == "logistics.cod_action_not_allowed"
    r = await m.c.post(f"/api/v1/logistics/cod/exceptions/{short['id']}/resolve",
                       json={"action": "claim_carrier", "note": "courier kept 5.00"}, headers=m.operator.headers)
    assert r.status_code == 200 and r.json()["resolution"] == "claimed", r.text
    r = await m.c.get(f"/api/v1/logistics/cod/exceptions/{short['id']}/audit", headers=m.operator.headers)
    assert [(a["action"], a["note"]) for a in r.json()] == [("claim_carrier", "courier kept 5.00")]
    # the matched line and the claimed short line are in the payments ledger, net of the carrier's fee
    held = await m.rt.db.fetch("SELECT order_id, SUM(amount_minor) AS n FROM payments_posting WHERE account = "
                               "'escrow_held' GROUP BY order_id ORDER BY order_id")
    assert {r["order_id"]: int(r["n"]) for r in held} == {order_id: total - 500 - 200, other: other_total - 300}
    await m.assert_balanced()
    await m.advance(seconds=1)
    assert len(await m.outbox("cod.remittance_matched")) == 1


async def test_a_delivered_cod_parcel_never_remitted_becomes_missing(bazaar_factory: Any) -> None:
    m = await cod_market(bazaar_factory)
    order_id, _ = await delivered_cod_order(m)
    await m.advance(days=4)
    r = await m.c.get("/api/v1/logistics/cod/exceptions?kind=missing", headers=m.operator.headers)
    assert [e["order_id"] for e in r.json()] == [], "3 working days from Wednesday end on Monday"
    await m.advance(days=2)
    r = await m.c.get("/api/v1/logistics/cod/exceptions?kind=missing", headers=m.operator.headers)
    [missing] = r.json()
    assert missing["order_id"] == order_id
    r = await m.c.post(f"/api/v1/logistics/cod/exceptions/{missing['id']}/resolve",
                       json={"action": "write_off", "note": "carrier bankrupt"}, headers=m.operator.headers)
    assert r.status_code == 200 and r.json()["state"] == "resolved"


async def test_a_refused_cod_parcel_becomes_a_return_with_no_money_moved_and_is_restocked(bazaar_factory: Any) -> None:
    m = await cod_market(bazaar_factory)
    stock = await m.rt.db.fetchrow("SELECT on_hand FROM catalogue_sku WHERE id = {}", m.skus[0])
    order_id = await m.buy((2, 0), method="cod")
    shipment = await m.ship(order_id)
    waybill = (await m.labels(shipment["id"]))["parcels"][0]["waybill_no"]
    await m.scan(waybill, "pickup", "out_for_delivery", "refuse", "return_to_sender", "returned")
    assert (await m.shipment(shipment["id"]))["state"] == "returned"
    [refusal] = await m.outbox("cod.refused_return")
    assert refusal["order_id"] == order_id
    r = await m.c.get(f"/api/v1/logistics/cod/merchants/{m.merchant}/returns", headers=m.owner.headers)
    [ret] = r.json()
    assert ret["state"] == "awaiting_return"
    entries = await m.rt.db.fetch("SELECT key FROM payments_entry WHERE order_id = {}", order_id)
    assert entries == [], "no money moved for a refused COD parcel"
    after_ship = await m.rt.db.fetchrow("SELECT on_hand FROM catalogue_sku WHERE id = {}", m.skus[0])
    assert after_ship["on_hand"] == stock["on_hand"] - 2
    r = await m.c.post(f"/api/v1/logistics/cod/merchants/{m.merchant}/returns/{ret['id']}/inspect",
                       json={"restock": True, "note": "sealed, as sent"}, headers=m.owner.headers)
    assert r.status_code == 200 and r.json()["state"] == "restocked", r.text
    restocked = await m.rt.db.fetchrow("SELECT on_hand FROM catalogue_sku WHERE id = {}", m.skus[0])
    assert restocked["on_hand"] == stock["on_hand"]
    # a remittance line for the refused parcel with cash on it is an exception, not money in
    r = await upload(m, f"waybill,collected,fee,outcome,collected_at\n{waybill},39.98,0,collected,\n", "f2")
    assert r.json()["counts"]["refused_but_remitted"] == 1


async def test_a_cod_refund_needs_the_consumers_consent_which_is_kept(bazaar_factory: Any) -> None:
    m = await cod_market(bazaar_factory)
    order_id, _ = await delivered_cod_order(m)
    r = await m.c.post(f"/api/v1/logistics/cod/orders/{order_id}/refund-consent",
                       json={"method": "alipay", "account": "", "consent": True}, headers=m.customer.headers)
    assert r.status_code == 422 and r.json()["code"] == "logistics.cod_account_required"
    r = await m.c.post(f"/api/v1/logistics/cod/orders/{order_id}/refund-consent",
                       json={"method": "bank_transfer", "account": "6222020200112233", "consent": True},
                       headers=m.customer.headers)
    assert r.status_code == 201 and r.json()["account_masked"].endswith("2233"), r.text
    assert "6222020200112233" not in r.text
