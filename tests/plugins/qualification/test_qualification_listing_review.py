"""Listing review: automatic checks, banned claims with positions, licences, the three modes."""

from __future__ import annotations

from qualification_helpers import BASE, category, count, submit_product, upload


async def review_of(kit, owner, mid, pid):
    r = await kit.client.get(f"{BASE}/merchants/{mid}/listings/{pid}/review", headers=owner.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_automatic_checks_reject_with_every_reason_and_claim_positions(qkit):
    kit = qkit
    operator = await kit.operator()
    mid, owner = await kit.merchant()
    cat = await category(kit, operator, "Household")
    r = await submit_product(kit, owner, mid, cat, name="最佳毛巾", description="全国第一，最佳选择", image_urls=[],
                             skus=[{"code": "T-1", "price": {"amount": 0, "currency": "CNY"}, "on_hand": 1}])
    assert r.status_code == 200, r.text
    product = r.json()
    assert product["status"] == "rejected"
    review = await review_of(kit, owner, mid, product["id"])
    assert review["status"] == "rejected"
    got = {(f["field"], f["position"]) for f in review["findings"]}
    assert got == {("name", 0), ("description", 2), ("description", 5), ("image_urls", None), ("skus[0].price", None)}
    assert all(f["outcome"] == "reject" for f in review["findings"])
    claim = next(f for f in review["findings"] if f["field"] == "name")
    assert "最佳" in claim["reason"] and "position 0" in claim["reason"]
    # the merchant also sees every reason on the product itself
    r = await kit.client.get(f"/api/v1/merchants/{mid}/products/{product['id']}", headers=owner.headers)
    reasons = r.text
    assert "最佳" in reasons and "the price must be positive" in reasons and "image" in reasons


async def test_category_based_licensed_category_needs_licence_then_operator(qkit):
    kit = qkit
    operator = await kit.operator()
    mid, owner = await kit.merchant()
    plain = await category(kit, operator, "Towels")
    food = await category(kit, operator, "Snacks", licence_kind="food")
    r = await submit_product(kit, owner, mid, plain)
    assert r.json()["status"] == "live"  # no licence needed: live after the automatic checks
    r = await submit_product(kit, owner, mid, food, name="Peanuts", description="Roasted peanuts")
    assert r.json()["status"] == "rejected"
    review = await review_of(kit, owner, mid, r.json()["id"])
    assert review["findings"][0]["reason"] == "a food licence is required before listing in this category"

    # the merchant gets a food licence approved
    doc = (await upload(kit, owner, mid, "category_licence", filename="food.pdf")).json()["id"]
    r = await kit.client.post(f"{BASE}/merchants/{mid}/licences", headers=owner.headers, json={
        "licence_kind": "food", "licence_number": "JY13101150000001", "document_id": doc, "valid_until": "2099-01-01"})
    assert r.status_code == 201, r.text
    lic = r.json()["id"]
    r = await kit.client.get(f"{BASE}/admin/licences", headers=operator.headers)
    assert [x["id"] for x in r.json()] == [lic]
    r = await kit.client.post(f"{BASE}/admin/licences/{lic}/approve", headers=operator.headers, json={})
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text

    # now it goes to the operator queue, and approval puts it live
    r = await submit_product(kit, owner, mid, food, name="Peanuts", description="Roasted peanuts")
    pid = r.json()["id"]
    assert r.json()["status"] == "in_review"
    r = await kit.client.get(f"{BASE}/admin/listings", headers=operator.headers)
    assert [x["product_id"] for x in r.json()] == [pid]
    r = await kit.client.post(f"{BASE}/admin/listings/{pid}/approve", headers=operator.headers, json={})
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    r = await kit.client.get(f"/api/v1/products/{pid}")
    assert r.status_code == 200, r.text


async def test_pre_publish_queues_everything_and_rejection_reasons_reach_the_merchant(bazaar_factory):
    kit = await bazaar_factory(plugins=["qualification"],
                               config={"qualification": {"preset": "cn", "listing_review_mode": "pre_publish"}})
    operator = await kit.operator()
    mid, owner = await kit.merchant()
    cat = await category(kit, operator, "Towels")
    r = await submit_product(kit, owner, mid, cat)
    pid = r.json()["id"]
    assert r.json()["status"] == "in_review"
    before = await count(kit, "qualification_listing_review", "status = 'queued'")
    r = await kit.client.post(f"{BASE}/admin/listings/{pid}/reject", headers=operator.headers, json={"reasons": []})
    assert r.status_code == 422  # at least one reason
    assert await count(kit, "qualification_listing_review", "status = 'queued'") == before == 1
    r = await kit.client.post(f"{BASE}/admin/listings/{pid}/reject", headers=operator.headers,
                              json={"reasons": ["photos show another product", "size missing"]})
    assert r.status_code == 200, r.text
    review = await review_of(kit, owner, mid, pid)
    assert review["status"] == "rejected" and review["reasons"] == ["photos show another product", "size missing"]
    r = await kit.client.get(f"/api/v1/merchants/{mid}/products/{pid}", headers=owner.headers)
    assert r.json()["status"] == "rejected" and "size missing" in r.text


async def test_post_publish_monitor_goes_live_and_operators_take_down(bazaar_factory):
    kit = await bazaar_factory(plugins=["qualification"], config={"qualification": {"preset": "eu"}})
    operator = await kit.operator()
    mid, owner = await kit.merchant()
    cat = await category(kit, operator, "Towels", licence_kind=None)
    r = await submit_product(kit, owner, mid, cat)
    pid = r.json()["id"]
    assert r.json()["status"] == "live"
    r = await kit.client.get(f"{BASE}/admin/listings", params={"status": "monitoring"}, headers=operator.headers)
    assert [x["product_id"] for x in r.json()] == [pid]
    r = await kit.client.post(f"{BASE}/admin/listings/{pid}/take-down", headers=operator.headers,
                              json={"reasons": ["counterfeit reported"]})
    assert r.status_code == 200 and r.json()["status"] == "taken_down", r.text
    r = await kit.client.get(f"/api/v1/products/{pid}")
    assert r.status_code == 404
    review = await review_of(kit, owner, mid, pid)
    assert review["reasons"] == ["counterfeit reported"]
    # the eu claim list is checked too
    r = await submit_product(kit, owner, mid, cat, name="Miracle towel")
    assert r.json()["status"] == "rejected"
