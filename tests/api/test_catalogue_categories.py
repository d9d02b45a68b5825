"""Categories: operators build the tree; anyone reads it; moves carry subtrees and products."""

from catalogue_kit import counts, live, problem


async def make(kit, op, name, slug, parent_id=None, **extra):
    r = await kit.client.post("/api/v1/admin/categories", headers=op.headers,
                              json={"name": name, "slug": slug, "parent_id": parent_id, **extra})
    assert r.status_code == 201, r.text
    return r.json()


async def test_operator_builds_a_tree_anyone_reads_it(bazaar):
    op = await bazaar.operator()
    food = await make(bazaar, op, "Food", "food", licence_kind="food", position=2)
    tea = await make(bazaar, op, "Tea", "tea", food["id"], no_reason_return_excluded=True)
    clothes = await make(bazaar, op, "Clothes", "clothes", position=1)
    assert tea["path"] == [food["id"], tea["id"]] and tea["depth"] == 1
    r = await bazaar.client.get("/api/v1/categories")
    assert r.status_code == 200
    items = r.json()["items"]
    assert [c["slug"] for c in items] == ["clothes", "food", "tea"]
    by_slug = {c["slug"]: c for c in items}
    assert by_slug["food"]["licence_kind"] == "food"
    assert by_slug["tea"]["parent_id"] == food["id"] and by_slug["tea"]["no_reason_return_excluded"] is True
    assert by_slug["clothes"]["id"] == clothes["id"]


async def test_rename_reflag_and_move_with_products(bazaar):
    op = await bazaar.operator()
    a = await make(bazaar, op, "A", "a")
    b = await make(bazaar, op, "B", "b")
    child = await make(bazaar, op, "Child", "child", a["id"])
    mid, owner = await bazaar.merchant()
    p = await live(bazaar, mid, owner, category_id=child["id"])
    r = await bazaar.client.patch(f"/api/v1/admin/categories/{a['id']}", headers=op.headers,
                                  json={"parent_id": b["id"], "name": "A2", "licence_kind": "drugs"})
    assert r.status_code == 200, r.text
    assert r.json()["path"] == [b["id"], a["id"]] and r.json()["name"] == "A2"
    cats = {c["id"]: c for c in (await bazaar.client.get("/api/v1/categories")).json()["items"]}
    assert cats[child["id"]]["path"] == [b["id"], a["id"], child["id"]]
    # the product moved with its category: the subtree filter of B finds it now
    r = await bazaar.client.get("/api/v1/products", params={"category_id": b["id"]})
    assert [i["id"] for i in r.json()["items"]] == [p["id"]]
    # back to a root
    r = await bazaar.client.patch(f"/api/v1/admin/categories/{a['id']}", headers=op.headers, json={"parent_id": None})
    assert r.json()["path"] == [a["id"]]
    assert (await bazaar.client.get("/api/v1/products", params={"category_id": b["id"]})).json()["items"] == []


async def test_category_refusals_change_nothing(bazaar):
    op = await bazaar.operator()
    a = await make(bazaar, op, "A", "a")
    child = await make(bazaar, op, "Child", "child", a["id"])
    before = await counts(bazaar.runtime)
    cases = [
        ("post", "/api/v1/admin/categories", {"name": "X", "slug": "a"}, 409, "slug_taken"),
        ("post", "/api/v1/admin/categories", {"name": "X", "slug": "Bad Slug"}, 422, "validation_failed"),
        ("post", "/api/v1/admin/categories", {"name": "X"}, 422, "validation_failed"),
        ("post", "/api/v1/admin/categories", {"name": "X", "slug": "x", "colour": "red"}, 422, "validation_failed"),
        ("post", "/api/v1/admin/categories", {"name": "x" * 101, "slug": "x"}, 422, "validation_failed"),
        ("post", "/api/v1/admin/categories", {"name": "X", "slug": "x", "parent_id": "cat_01ARZ3NDEKTSV4RRFFQ69G5FAV"},
         422, "unknown_category"),
        ("post", "/api/v1/admin/categories", {"name": "X", "slug": "x", "parent_id": "nope"}, 422, "invalid_id"),
        ("post", "/api/v1/admin/categories", {"name": "X", "slug": "x", "licence_kind": "Food!"}, 422,
         "validation_failed"),
        ("patch", f"/api/v1/admin/categories/{a['id']}", {"parent_id": child["id"]}, 409, "category_cycle"),
        ("patch", f"/api/v1/admin/categories/{a['id']}", {"parent_id": a["id"]}, 409, "category_cycle"),
        ("patch", f"/api/v1/admin/categories/{a['id']}", {"slug": "child"}, 409, "slug_taken"),
        ("patch", "/api/v1/admin/categories/cat_01ARZ3NDEKTSV4RRFFQ69G5FAV", {"name": "Y"}, 404, "category_not_found"),
        ("patch", "/api/v1/admin/categories/123", {"name": "Y"}, 422, "invalid_id"),
    ]
    for method, url, body, status, code in cases:
        r = await getattr(bazaar.client, method)(url, json=body, headers=op.headers)
        problem(r, status, code)
    assert await counts(bazaar.runtime) == before
    cats = (await bazaar.client.get("/api/v1/categories")).json()["items"]
    assert {c["slug"]: c["path"] for c in cats} == {"a": [a["id"]], "child": [a["id"], child["id"]]}


async def test_depth_is_limited(bazaar):
    op = await bazaar.operator()
    parent = None
    for i in range(8):
        parent = (await make(bazaar, op, f"L{i}", f"l{i}", parent))["id"]
    r = await bazaar.client.post("/api/v1/admin/categories", headers=op.headers,
                                 json={"name": "Too deep", "slug": "deep", "parent_id": parent})
    problem(r, 422, "category_too_deep")
    row = await bazaar.runtime.db.fetchrow("SELECT COUNT(*) AS n FROM catalogue_category")
    assert row["n"] == 8, "the refused category was not written"


async def test_only_operators_manage_categories(bazaar):
    user = await bazaar.user()
    mid, owner = await bazaar.merchant()
    body = {"name": "X", "slug": "x"}
    problem(await bazaar.client.post("/api/v1/admin/categories", json=body), 401, "unauthorized")
    problem(await bazaar.client.post("/api/v1/admin/categories", json=body, headers=user.headers), 403, "forbidden")
    problem(await bazaar.client.post("/api/v1/admin/categories", json=body, headers=owner.headers), 403, "forbidden")
    assert (await bazaar.client.get("/api/v1/categories")).json()["items"] == []
