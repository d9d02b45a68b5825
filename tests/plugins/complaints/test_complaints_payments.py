"""Money remedies through the real payments plugin (escrow, sandbox provider): refund and compensation, once."""

from __future__ import annotations

from typing import Any

from complaints_market import API, cst

from bazaar.sdk.testing import seed

SECRET = "test-sandbox-secret-0123456789-abcdef"


async def test_refund_and_compensation_go_through_the_payment_provider_once(bazaar_factory: Any) -> None:
    kit = await bazaar_factory(
        plugins=["payments.escrow", "complaints"],
        config={"payments.escrow": {"preset": "cn", "payout_interval_hours": 744, "allow_sandbox": True,
                                    "sandbox": {"secret": SECRET}}, "complaints": {"preset": "cn"}},
        settings={"security": {"token_ttl_seconds": 30 * 86_400}})
    kit.clock.set(cst(3, 2, 9))
    merchant_id, owner = await kit.merchant(name="Kettle Works")
    product = await seed.product(kit.runtime, merchant_id, name="Kettle", prices=[12000], stock=10)
    r = await kit.client.put(f"/api/v1/payments/merchants/{merchant_id}/settlement-account",
                             json={"holder_name": "Kettle Works", "bank_account": "6222020200112233"},
                             headers=owner.headers)
    assert r.status_code == 200, r.text
    buyer, operator = await kit.user(), await kit.operator()
    r = await kit.client.post("/api/v1/checkouts", headers=buyer.headers, json={
        "lines": [{"sku_id": product["skus"][0], "quantity": 1, "unit_price": {"amount": 12000, "currency": "CNY"}}],
        "shipping_address": {"name": "Li Lei", "phone": "13912345678", "country": "CN", "region": "Zhejiang",
                             "city": "Hangzhou", "line1": "88 Wensan Road"},
        "payment_method": "sandbox"})
    assert r.status_code == 201, r.text
    page = (await kit.client.get(r.json()["payment"]["pay_url"])).headers["location"]
    assert (await kit.client.post(page + "/approve")).status_code == 200
    order_id = r.json()["orders"][0]["id"]
    await kit.run_due()

    async def post(path: str, who: Any, body: Any = None) -> dict[str, Any]:
        response = await kit.client.post(f"{API}/{path}", json=body, headers=who.headers)
        assert response.status_code in (200, 201), response.text
        return response.json()  # type: ignore[no-any-return]

    cid = (await post("", buyer, {"category": "product_quality", "subject": {"type": "order", "id": order_id},
                                  "description": "The lid is cracked."}))["id"]
    await post(f"{cid}/acknowledge", operator)
    await post(f"{cid}/report", operator, {"findings": "Cracked on dispatch.", "upheld": True,
                                           "responsible_party": "merchant"})
    await post(f"{cid}/plan", operator, {"remedies": [
        {"kind": "refund", "amount": {"amount": 2000, "currency": "CNY"}, "note": "price reduction"},
        {"kind": "compensation", "amount": {"amount": 500, "currency": "CNY"}, "payer": "merchant",
         "note": "inconvenience"}]})
    body = await post(f"{cid}/plan/accept", buyer)
    for remedy in body["remedies"]:
        body = await post(f"{cid}/remedies/{remedy['id']}/execute", operator, {})
        body = await post(f"{cid}/remedies/{remedy['id']}/execute", operator, {})  # again: nothing more happens
    assert body["state"] == "resolved"
    assert all(r["status"] == "executed" and r["reference"] for r in body["remedies"])
    await kit.run_due()
    payment = (await kit.client.get(f"/api/v1/payments/orders/{order_id}", headers=buyer.headers)).json()
    assert payment["refunded"] == 2000, payment
    balance = await kit.client.get("/api/v1/payments/admin/trial-balance", headers=operator.headers)
    assert balance.status_code == 200 and balance.json()["balanced"], balance.text
    instructions = await kit.runtime.db.fetch(
        "SELECT kind, amount_minor, idempotency_key FROM payments_instruction WHERE order_id = {} "
        "AND idempotency_key LIKE {} ORDER BY created_at, id", order_id, "%complaints:%")
    assert sorted((i["kind"], int(i["amount_minor"])) for i in instructions) == [("compensate", 500), ("refund", 2000)], \
        instructions
