"""Merchant listings: create, edit, SKUs, own list and view; who may; bad input changes nothing."""

from catalogue_kit import BAD_ID, counts, create, live, problem, product_body, sku

from bazaar.core.merchants.service import transition


async def test_create_view_and_list_own_products(bazaar):
    op = await bazaar.operator()
    r = await bazaar.client.post("/api/v1/admin/categories", headers=op.headers, json={"name": "Shirts", "slug": "shirts"})
    cat = r.json()["id"]
    mid, owner = await bazaar.merchant()
    p = await create(bazaar, mid, owner, category_id=cat)
    assert p["status"] == "draft" and p["visible"] is False
    assert p["price_min"] == {"amount": 1999, "currency": "CNY"} and p["price_max"]["amount"] == 2999
    assert p["in_stock"] is True and p["category_id"] == cat
    assert [(s["code"], s["on_hand"], s["available"]) for s in p["skus"]] == [("S", 5, 5), ("M", 10, 10)]
    assert p["allowed_actions"] == ["submit"]
    # opening stock is in the movement log
    sku_id = p["skus"][0]["id"]
    r = await bazaar.client.get(f"/api/v1/merchants/{mid}/skus/{sku_id}/movements", headers=owner.headers)
    assert [(m["kind"], m["on_hand_delta"]) for m in r.json()["items"]] == [("initial", 5)]
    # drafts are the merchant's: the storefront does not show them
    assert (await bazaar.client.get(f"/api/v1/products/{p['id']}")).status_code == 404
    r = await bazaar.client.get(f"/api/v1/merchants/{mid}/products/{p['id']}", headers=owner.headers)
    assert r.status_code == 200 and r.json()["id"] == p["id"]
    await bazaar.advance(__import__("datetime").timedelta(seconds=1))
    second = await live(bazaar, mid, owner, name="Second")
    r = await bazaar.client.get(f"/api/v1/merchants/{mid}/products", headers=owner.headers)
    assert [i["id"] for i in r.json()["items"]] == [second["id"], p["id"]]
    r = await bazaar.client.get(f"/api/v1/merchants/{mid}/products", params={"status": "draft"}, headers=owner.headers)
    assert [i["id"] for i in r.json()["items"]] == [p["id"]]
    r = await bazaar.client.get(f"/api/v1/merchants/{mid}/products", params={"limit": 1}, headers=owner.headers)
    assert [i["id"] for i in r.json()["items"]] == [second["id"]]
    r = await bazaar.client.get(f"/api/v1/merchants/{mid}/products",
                                params={"limit": 1, "cursor": r.json()["next_cursor"]}, headers=owner.headers)
    assert [i["id"] for i in r.json()["items"]] == [p["id"]] and r.json()["next_cursor"] is None


async def test_patch_content_and_skus(bazaar):
    mid, owner = await bazaar.merchant()
    p = await create(bazaar, mid, owner)
    base = f"/api/v1/merchants/{mid}/products/{p['id']}"
    r = await bazaar.client.patch(base, headers=owner.headers,
                                  json={"name": "Better shirt", "attributes": {"material": "cotton"}})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Better shirt" and r.json()["attributes"] == {"material": "cotton"}
    assert r.json()["description"] == "A plain linen shirt"  # unset fields stay
    r = await bazaar.client.post(f"{base}/skus", headers=owner.headers, json=sku("L", 999, 0))
    assert r.status_code == 201, r.text
    large = r.json()
    view = (await bazaar.client.get(base, headers=owner.headers)).json()
    assert view["price_min"]["amount"] == 999 and view["price_max"]["amount"] == 2999
    r = await bazaar.client.patch(f"{base}/skus/{large['id']}", headers=owner.headers,
                                  json={"price": {"amount": 3999, "currency": "CNY"}})
    assert r.status_code == 200 and r.json()["price"]["amount"] == 3999
    r = await bazaar.client.patch(f"{base}/skus/{large['id']}", headers=owner.headers, json={"active": False})
    assert r.json()["active"] is False
    view = (await bazaar.client.get(base, headers=owner.headers)).json()
    assert (view["price_min"]["amount"], view["price_max"]["amount"]) == (1999, 2999)


async def test_bad_product_input_is_refused_and_changes_nothing(bazaar):
    mid, owner = await bazaar.merchant()
    url = f"/api/v1/merchants/{mid}/products"
    cases = [
        ({"name": None}, "validation_failed"),
        ({"extra": 1}, "validation_failed"),
        ({"name": "x" * 201}, "validation_failed"),
        ({"name": ""}, "validation_failed"),
        ({"description": "x" * 20_001}, "validation_failed"),
        ({"skus": []}, "validation_failed"),
        ({"skus": [sku(amount=-1)]}, "validation_failed"),
        ({"skus": [sku(amount=10**13)]}, "validation_failed"),
        ({"skus": [sku(on_hand=-1)]}, "validation_failed"),
        ({"skus": [sku(on_hand=10**9)]}, "validation_failed"),
        ({"skus": [{**sku(), "price": {"amount": 100, "currency": "cny"}}]}, "validation_failed"),
        ({"skus": [{**sku(), "price": {"amount": 100, "currency": "XXXX"}}]}, "validation_failed"),
        ({"skus": [{**sku(), "price": {"amount": 100, "currency": "USD"}}]}, "unsupported_currency"),
        ({"skus": [{**sku(), "price": {"amount": 1.5, "currency": "CNY"}}]}, "validation_failed"),
        ({"skus": [sku("A"), sku("A")]}, "duplicate_sku_code"),
        ({"skus": [sku("bad code!")]}, "validation_failed"),
        ({"image_urls": ["ftp://x"]}, "validation_failed"),
        ({"attributes": {"k": "v" * 501}}, "validation_failed"),
        ({"category_id": "cat_01ARZ3NDEKTSV4RRFFQ69G5FAV"}, "unknown_category"),
        ({"category_id": "shirts"}, "invalid_id"),
    ]
    before = await counts(bazaar.runtime)
    for over, code in cases:
        body = product_body(**over)
        if over.get("name", "") is None:
            del body["name"]
        r = await bazaar.client.post(url, json=body, headers=owner.headers)
        problem(r, 422, code)
    assert await counts(bazaar.runtime) == before


async def test_bad_edits_change_nothing(bazaar):
    mid, owner = await bazaar.merchant()
    p = await create(bazaar, mid, owner)
    base = f"/api/v1/merchants/{mid}/products/{p['id']}"
    sku_id = p["skus"][0]["id"]
    before = await counts(bazaar.runtime)
    cases = [
        ("patch", base, {"name": ""}, 422, "validation_failed"),
        ("patch", base, {"price": 5}, 422, "validation_failed"),
        ("patch", base, {"category_id": "cat_01ARZ3NDEKTSV4RRFFQ69G5FAV"}, 422, "unknown_category"),
        ("post", f"{base}/skus", sku("S"), 409, "duplicate_sku_code"),
        ("post", f"{base}/skus", sku("X", amount=-5), 422, "validation_failed"),
        ("post", f"{base}/skus", {**sku("X"), "price": {"amount": 5, "currency": "EUR"}}, 422, "unsupported_currency"),
        ("patch", f"{base}/skus/{sku_id}", {"code": "M"}, 409, "duplicate_sku_code"),
        ("patch", f"{base}/skus/{sku_id}", {"on_hand": 5}, 422, "validation_failed"),
        ("patch", f"{base}/skus/sku_01ARZ3NDEKTSV4RRFFQ69G5FAV", {"active": False}, 404, "sku_not_found"),
        ("patch", f"{base}/skus/nope", {"active": False}, 422, "invalid_id"),
        ("patch", f"/api/v1/merchants/{mid}/products/{BAD_ID}", {"name": "x"}, 404, "product_not_found"),
        ("patch", f"/api/v1/merchants/{mid}/products/prd_1", {"name": "x"}, 422, "invalid_id"),
        ("post", f"/api/v1/merchants/{mid}/products/{BAD_ID}/submit", None, 404, "product_not_found"),
        ("post", f"{base}/delist", {}, 409, "invalid_transition"),
    ]
    for method, url, body, status, code in cases:
        r = await getattr(bazaar.client, method)(url, json=body, headers=owner.headers)
        problem(r, status, code)
    assert await counts(bazaar.runtime) == before
    view = (await bazaar.client.get(base, headers=owner.headers)).json()
    assert view["name"] == "Linen shirt" and [s["code"] for s in view["skus"]] == ["S", "M"]


async def test_a_merchant_never_touches_another_merchants_products(bazaar):
    mine, me = await bazaar.merchant(name="Mine")
    theirs, them = await bazaar.merchant(name="Theirs")
    p = await create(bazaar, theirs, them)
    sku_id = p["skus"][0]["id"]
    customer = await bazaar.user()
    before = await counts(bazaar.runtime)
    their_base = f"/api/v1/merchants/{theirs}/products"
    routes = [
        ("get", their_base, None),
        ("post", their_base, product_body()),
        ("get", f"{their_base}/{p['id']}", None),
        ("patch", f"{their_base}/{p['id']}", {"name": "Hacked"}),
        ("post", f"{their_base}/{p['id']}/submit", None),
        ("post", f"{their_base}/{p['id']}/delist", {}),
        ("post", f"{their_base}/{p['id']}/skus", sku("Z")),
        ("patch", f"{their_base}/{p['id']}/skus/{sku_id}", {"active": False}),
        ("put", f"/api/v1/merchants/{theirs}/skus/{sku_id}/stock", {"on_hand": 0, "reason": "x"}),
        ("get", f"/api/v1/merchants/{theirs}/skus/{sku_id}/movements", None),
    ]
    for method, url, body in routes:
        kwargs = {"json": body} if body is not None else {}
        problem(await getattr(bazaar.client, method)(url, **kwargs), 401, "unauthorized")
        problem(await getattr(bazaar.client, method)(url, headers=customer.headers, **kwargs), 403, "not_merchant_staff")
        problem(await getattr(bazaar.client, method)(url, headers=me.headers, **kwargs), 403, "not_merchant_staff")
    # through my own merchant's path, their product does not exist
    my_base = f"/api/v1/merchants/{mine}/products"
    for method, url, body, code in [
        ("get", f"{my_base}/{p['id']}", None, "product_not_found"),
        ("patch", f"{my_base}/{p['id']}", {"name": "Hacked"}, "product_not_found"),
        ("post", f"{my_base}/{p['id']}/submit", None, "product_not_found"),
        ("post", f"{my_base}/{p['id']}/delist", {}, "product_not_found"),
        ("post", f"{my_base}/{p['id']}/skus", sku("Z"), "product_not_found"),
        ("patch", f"{my_base}/{p['id']}/skus/{sku_id}", {"active": False}, "product_not_found"),
        ("put", f"/api/v1/merchants/{mine}/skus/{sku_id}/stock", {"on_hand": 0, "reason": "x"}, "sku_not_found"),
        ("get", f"/api/v1/merchants/{mine}/skus/{sku_id}/movements", None, "sku_not_found"),
    ]:
        kwargs = {"json": body} if body is not None else {}
        problem(await getattr(bazaar.client, method)(url, headers=me.headers, **kwargs), 404, code)
    assert (await bazaar.client.get(f"{my_base}", headers=me.headers)).json()["items"] == []
    assert await counts(bazaar.runtime) == before
    # an operator may act on any merchant's listings
    op = await bazaar.operator()
    r = await bazaar.client.get(f"{their_base}/{p['id']}", headers=op.headers)
    assert r.status_code == 200 and r.json()["name"] == "Linen shirt"


async def test_merchant_status_gates(bazaar):
    pending, p_owner = await bazaar.merchant(activate=False)
    draft = await create(bazaar, pending, p_owner)  # a pending merchant prepares drafts
    r = await bazaar.client.post(f"/api/v1/merchants/{pending}/products/{draft['id']}/submit", headers=p_owner.headers)
    problem(r, 409, "merchant_pending")

    mid, owner = await bazaar.merchant()
    shown = await live(bazaar, mid, owner)
    draft = await create(bazaar, mid, owner, name="New one")
    await transition(bazaar.runtime, mid, "restricted", reason="late shipments", plugin="test")
    before = await counts(bazaar.runtime)
    r = await bazaar.client.post(f"/api/v1/merchants/{mid}/products/{draft['id']}/submit", headers=owner.headers)
    problem(r, 409, "merchant_restricted")
    r = await bazaar.client.patch(f"/api/v1/merchants/{mid}/products/{shown['id']}", json={"name": "Relist"},
                                  headers=owner.headers)
    problem(r, 409, "merchant_restricted")
    assert await counts(bazaar.runtime) == before
    # restricted still sells what is live
    assert (await bazaar.client.get(f"/api/v1/products/{shown['id']}")).status_code == 200

    await transition(bazaar.runtime, mid, "suspended", reason="fraud check", plugin="test")
    assert (await bazaar.client.get(f"/api/v1/products/{shown['id']}")).status_code == 404
    assert (await bazaar.client.get("/api/v1/products")).json()["items"] == []
    before = await counts(bazaar.runtime)
    problem(await bazaar.client.post(f"/api/v1/merchants/{mid}/products", json=product_body(), headers=owner.headers),
            409, "merchant_suspended")
    problem(await bazaar.client.patch(f"/api/v1/merchants/{mid}/products/{draft['id']}", json={"name": "x"},
                                      headers=owner.headers), 409, "merchant_suspended")
    problem(await bazaar.client.post(f"/api/v1/merchants/{mid}/products/{draft['id']}/submit", headers=owner.headers),
            409, "merchant_suspended")
    assert await counts(bazaar.runtime) == before

    await transition(bazaar.runtime, mid, "active", reason="cleared", plugin="test")
    assert (await bazaar.client.get(f"/api/v1/products/{shown['id']}")).status_code == 200
