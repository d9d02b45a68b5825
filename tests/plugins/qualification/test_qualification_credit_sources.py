"""Where credit facts come from: who cancelled (through the real cancel routes), late shipments
reported by another plugin, and facts that only name the order."""

from __future__ import annotations

from typing import Any

from qualification_helpers import BASE

from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import checkout, fake_payment_plugin, line, mark_paid


async def market(bazaar_factory: Any) -> Any:
    """Qualification (cn) with the test kit's payment provider."""
    return await bazaar_factory(plugins=["qualification", "testing.payments"], extra=[fake_payment_plugin()],
                                config={"qualification": {"preset": "cn"}})


async def paid_order(kit: Any, merchant_id: str, customer: Any) -> str:
    sku = (await seed.product(kit.runtime, merchant_id, prices=[1999], stock=10))["skus"][0]
    r = await checkout(kit, customer, [line(sku)])
    assert r.status_code == 201, r.text
    await mark_paid(kit.runtime, r.json()["id"])
    await kit.run_due()
    return r.json()["orders"][0]["id"]


async def score(kit: Any, merchant_id: str) -> Any:
    r = await kit.client.get(f"{BASE}/public/merchants/{merchant_id}")
    assert r.status_code == 200, r.text
    return r.json()["score"]


async def test_a_customers_own_cancellation_leaves_the_score_at_100(bazaar_factory):
    kit = await market(bazaar_factory)
    mid, _ = await kit.merchant()
    customer = await kit.user()
    order_id = await paid_order(kit, mid, customer)
    r = await kit.client.post(f"/api/v1/orders/{order_id}/cancel", json={"reason": "changed my mind"},
                              headers=customer.headers)
    assert r.status_code == 200 and r.json()["state"] == "cancelled", r.text
    assert await score(kit, mid) == 100  # before typed events the customer's own cancellation lowered it


async def test_a_merchants_cancellation_counts_against_it_an_operators_does_not(bazaar_factory):
    kit = await market(bazaar_factory)
    mid, owner = await kit.merchant()
    customer, operator = await kit.user(), await kit.operator()
    first = await paid_order(kit, mid, customer)
    r = await kit.client.post(f"/api/v1/merchants/{mid}/orders/{first}/cancel", json={"reason": "out of stock"},
                              headers=owner.headers)
    assert r.status_code == 200 and r.json()["state"] == "cancelled", r.text
    assert await score(kit, mid) < 100
    after_merchant = await score(kit, mid)
    second = await paid_order(kit, mid, customer)
    r = await kit.client.post(f"/api/v1/admin/orders/{second}/cancel", json={"reason": "fraud check"},
                              headers=operator.headers)
    assert r.status_code == 200, r.text
    # one merchant cancellation in two orders now: the rate halves, the score rises
    assert await score(kit, mid) > after_merchant
    history = r.json()["history"][-1]
    assert (history["event"], history["actor_kind"], history["actor_id"]) == ("cancel", "operator", operator.id)


async def test_a_late_shipment_naming_only_the_order_is_found_in_the_plugins_own_facts(bazaar_factory):
    """``shipment.late`` (the logistics plugin's event, emitted here as another plugin would) without
    ``merchant_id``: the merchant is found from this plugin's earlier facts of the order, never from a core table."""
    kit = await market(bazaar_factory)
    mid, _ = await kit.merchant()
    order_id = await paid_order(kit, mid, await kit.user())
    assert await score(kit, mid) == 100
    late = {"ship_by": "2026-01-01T00:00:00Z", "breached_at": "2026-01-01T00:00:00Z"}
    await kit.emit_untyped("shipment.late", {"order_id": order_id, **late}, subject=order_id)
    assert await score(kit, mid) < 100
    facts = await kit.runtime.db.fetch(
        "SELECT kind FROM qualification_credit_fact WHERE merchant_id = {} AND order_id = {} ORDER BY kind", mid, order_id
    )
    assert [f["kind"] for f in facts] == ["order", "order", "shipped_late"]  # order.created, order.paid, the late one
    # a late fact about an order this plugin never heard of is dropped, not guessed
    await kit.emit_untyped("shipment.late", {"order_id": "ord_unknown", **late}, subject="ord_unknown")
    assert await kit.runtime.db.fetch("SELECT kind FROM qualification_credit_fact WHERE order_id = 'ord_unknown'") == []
