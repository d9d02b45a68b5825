"""Confirmable goods: the buyer ticks the confirmation at checkout (never pre-ticked); only then is
the line out of no-reason returns, with the reason; quality claims stay open."""

from __future__ import annotations

from typing import Any

from aftersales_market import API, PRICES, make_shop


async def test_confirmable_goods_need_a_ticked_confirmation_that_is_kept(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    bad = await shop.c.put(f"{API}/merchants/{shop.merchant_id}/products/{shop.products['kettle']}",
                           json={"confirmable_kind": "teleportation"}, headers=shop.owner.headers)
    assert bad.status_code == 422 and bad.json()["code"] == "aftersales.invalid_declaration"
    r = await shop.c.put(f"{API}/merchants/{shop.merchant_id}/products/{shop.products['kettle']}",
                         json={"confirmable_kind": "activation_devalues", "intact_class": "electronics"},
                         headers=shop.owner.headers)
    assert r.status_code == 200, r.text
    other, _ = await shop.kit.merchant(name="Elsewhere")
    r = await shop.c.put(f"{API}/merchants/{other}/products/{shop.products['kettle']}",
                         json={"excluded_kind": "perishable"}, headers=shop.owner.headers)
    assert r.status_code == 403  # not staff of that merchant

    asked = await shop.c.get(f"/api/v1/checkout/acknowledgements?lines={shop.skus['kettle']}:1,{shop.skus['tea']}:1")
    assert [a["id"] for a in asked.json()] == [f"aftersales.no_reason_waiver:{shop.skus['kettle']}"]
    body = {"lines": [{"sku_id": shop.skus["kettle"], "quantity": 1,
                       "unit_price": {"amount": PRICES["kettle"], "currency": "CNY"}}],
            "shipping_address": {"name": "Alice", "phone": "13912345678", "country": "CN", "region": "Zhejiang",
                                 "city": "Hangzhou", "line1": "88 Wensan Road"}, "payment_method": "sandbox"}
    refused = await shop.c.post("/api/v1/checkouts", json=body, headers=shop.customer.headers)
    assert refused.status_code == 422 and refused.json()["code"] == "acknowledgement_required"
    assert refused.json()["errors"][0]["field"] == "acknowledgements"

    order_id = await shop.buy({"kettle": 1}, acknowledgements=[asked.json()[0]["id"]])
    await shop.ship(order_id)
    await shop.receive(order_id)
    kept = (await shop.order(order_id))["acknowledgements"]
    assert kept[0]["plugin"] == "aftersales" and "not returnable without reason" in kept[0]["text"]
    line = (await shop.c.get(f"{API}/orders/{order_id}/eligibility", headers=shop.customer.headers)).json()["lines"][0]
    ret = next(t for t in line["types"] if t["type"] == "return_refund")
    assert "no_reason" not in ret["grounds"] and "defective" in ret["grounds"]
    assert [r["code"] for r in ret["reasons"]] == ["acknowledged_at_checkout"]
    no = await shop.open(order_id, "return_refund", "no_reason", {"kettle": 1})
    assert no.status_code == 422 and no.json()["reasons"][0]["code"] == "acknowledged_at_checkout"
    assert (await shop.open(order_id, "return_refund", "defective", {"kettle": 1})).status_code == 201
