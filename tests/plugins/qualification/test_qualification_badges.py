"""The credit grade and badges appear on the core's merchant and product responses."""

from __future__ import annotations

from test_qualification_credit import emit, order

from bazaar.sdk.testing import seed


async def test_grade_shows_on_merchant_and_product_responses(qkit):
    kit = qkit
    mid, owner = await kit.merchant()
    product = await seed.product(kit.runtime, mid, name="Graded teapot")
    # not rated yet: no credit badge
    r = await kit.client.get(f"/api/v1/merchants/{mid}")
    assert not any(b.startswith("credit:") for b in r.json()["badges"])
    await emit(kit, [order("paid", "ord_1", mid), order("shipped", "ord_1", mid, on_time=True),
                     order("completed", "ord_1", mid)])
    grade = (await kit.client.get(f"/api/v1/qualification/public/merchants/{mid}")).json()["grade"]
    assert grade in "ABCD"
    r = await kit.client.get(f"/api/v1/merchants/{mid}")
    assert f"credit:{grade}" in r.json()["badges"]
    detail = (await kit.client.get(f"/api/v1/products/{product['id']}")).json()
    assert f"credit:{grade}" in detail["merchant"]["badges"]
    listing = (await kit.client.get("/api/v1/products")).json()["items"]
    assert [f"credit:{grade}" in item["merchant"]["badges"] for item in listing] == [True]


async def test_without_the_plugin_there_are_no_badges(bazaar):
    mid, _ = await bazaar.merchant()
    await seed.product(bazaar.runtime, mid)
    assert (await bazaar.client.get(f"/api/v1/merchants/{mid}")).json()["badges"] == []
    assert (await bazaar.client.get("/api/v1/products")).json()["items"][0]["merchant"]["badges"] == []
