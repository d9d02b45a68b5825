"""Storefront: search (CJK included) on both engines, filters, sorts, keyset pagination, detail, SQL budget."""

import random
from datetime import timedelta

import msgspec
from catalogue_kit import BAD_ID, problem

from bazaar.core.kernel.ids import new_id
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.testing import seed


async def ids(kit, **params):
    r = await kit.client.get("/api/v1/products", params=params)
    assert r.status_code == 200, r.text
    return [i["id"] for i in r.json()["items"]]


async def test_search_finds_words_and_two_character_chinese_terms(bazaar):
    rt = bazaar.runtime
    mid, _ = await bazaar.merchant()
    dress = await seed.product(rt, mid, name="红色连衣裙 Dress", description="夏季新款 summer dress, 100% cotton")
    shirt = await seed.product(rt, mid, name="Linen shirt", description="Breathable; pairs with a dress")
    tea = await seed.product(rt, mid, name="西湖龙井 绿茶", description="Dragon Well green tea")
    await seed.product(rt, mid, name="连衣裙 draft", status="draft")
    assert await ids(bazaar, q="连衣") == [dress["id"]]
    assert await ids(bazaar, q="绿茶") == [tea["id"]]
    assert await ids(bazaar, q="龙") == [tea["id"]]
    assert await ids(bazaar, q="连衣裙 cotton") == [dress["id"]]
    assert await ids(bazaar, q="LINEN") == [shirt["id"]]
    assert await ids(bazaar, q="100%") == [dress["id"]]
    assert await ids(bazaar, q="nothing-like-this") == []
    # name hits rank above description hits
    assert await ids(bazaar, q="dress") == [dress["id"], shirt["id"]]
    r = await bazaar.client.get("/api/v1/products", params={"q": "dress"})
    scores = [i["score"] for i in r.json()["items"]]
    assert scores[0] > scores[1]
    # renaming re-indexes
    await rt.db.execute("UPDATE catalogue_product SET name = {} WHERE id = {}", "Silk scarf", shirt["id"])
    assert await ids(bazaar, q="silk") == [shirt["id"]]
    assert await ids(bazaar, q="linen") == []


async def test_filters_and_sorts(bazaar):
    rt = bazaar.runtime
    clothes = await seed.category(rt, "Clothes")
    shirts = await seed.category(rt, "Shirts", parent_id=clothes)
    toys = await seed.category(rt, "Toys")
    mid, _ = await bazaar.merchant()
    other, _ = await bazaar.merchant(name="Other")
    cheap = await seed.product(rt, mid, name="Cheap shirt", prices=[500, 900], category_id=shirts)
    await bazaar.advance(timedelta(seconds=1))
    dear = await seed.product(rt, mid, name="Dear coat", prices=[9000], category_id=clothes, stock=0)
    await bazaar.advance(timedelta(seconds=1))
    toy = await seed.product(rt, other, name="Toy", prices=[3000, 5000], category_id=toys)
    assert await ids(bazaar) == [toy["id"], dear["id"], cheap["id"]]
    assert await ids(bazaar, sort="price_asc") == [cheap["id"], toy["id"], dear["id"]]
    assert await ids(bazaar, sort="price_desc") == [dear["id"], toy["id"], cheap["id"]]
    assert set(await ids(bazaar, category_id=clothes)) == {cheap["id"], dear["id"]}
    assert await ids(bazaar, category_id=shirts) == [cheap["id"]]
    assert await ids(bazaar, merchant_id=other) == [toy["id"]]
    assert await ids(bazaar, in_stock="true", sort="price_asc") == [cheap["id"], toy["id"]]
    assert await ids(bazaar, in_stock="false") == [dear["id"]]
    # a product matches a price range when one of its variants does
    assert await ids(bazaar, price_min=800, price_max=3500, sort="price_asc") == [cheap["id"], toy["id"]]
    assert await ids(bazaar, price_min=5001) == [dear["id"]]
    r = await bazaar.client.get("/api/v1/products", params={"merchant_id": other})
    card = r.json()["items"][0]
    assert card["merchant"] == {"id": other, "name": "Other", "status": "active", "badges": []}
    assert card["price_min"] == {"amount": 3000, "currency": "CNY"} and card["price_max"]["amount"] == 5000
    assert card["image_url"] == "https://img.example.com/p.jpg"


async def test_bad_queries_are_refused(bazaar):
    for params, code in [
        ({"price_min": -1}, "validation_failed"),
        ({"price_min": 10**13}, "validation_failed"),
        ({"price_min": 5, "price_max": 4}, "invalid_price_range"),
        ({"sort": "cheapest"}, "validation_failed"),
        ({"limit": 0}, "validation_failed"),
        ({"limit": 101}, "validation_failed"),
        ({"cursor": "garbage"}, "invalid_cursor"),
        ({"category_id": "toys"}, "invalid_id"),
        ({"merchant_id": "mch_x"}, "invalid_id"),
        ({"q": "x" * 201}, "validation_failed"),
    ]:
        body = problem(await bazaar.client.get("/api/v1/products", params=params), 422, code)
        assert body["errors"], f"{params}: the problem names no field"
    problem(await bazaar.client.get("/api/v1/products", params={"category_id": "cat_01ARZ3NDEKTSV4RRFFQ69G5FAV"}),
            404, "category_not_found")


async def test_detail_shows_variants_levels_merchant_and_breadcrumb(bazaar_factory):
    kit = await bazaar_factory(settings={"checkout": {"low_stock_threshold": 3}})
    rt = kit.runtime
    root = await seed.category(rt, "Home")
    leaf = await seed.category(rt, "Kitchen", parent_id=root)
    mid, owner = await kit.merchant(name="Pots & Pans")
    p = await seed.product(rt, mid, name="Wok", prices=[100, 200, 300], stock=[0, 2, 50], category_id=leaf)
    r = await kit.client.get(f"/api/v1/products/{p['id']}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [v["availability"] for v in body["variants"]] == ["out", "low", "in_stock"]
    assert all(v["available"] is None for v in body["variants"])
    assert body["merchant"] == {"id": mid, "name": "Pots & Pans", "status": "active", "badges": []}
    assert [c["name"] for c in body["categories"]] == ["Home", "Kitchen"]
    problem(await kit.client.get(f"/api/v1/products/{BAD_ID}"), 404, "product_not_found")
    problem(await kit.client.get("/api/v1/products/12345"), 422, "invalid_id")
    hidden = await seed.product(rt, mid, name="Draft wok", status="draft")
    problem(await kit.client.get(f"/api/v1/products/{hidden['id']}"), 404, "product_not_found")
    counted = await bazaar_factory(settings={"checkout": {"show_stock_counts": True}})
    mid2, _ = await counted.merchant()
    p2 = await seed.product(counted.runtime, mid2, prices=[100], stock=[7])
    r = await counted.client.get(f"/api/v1/products/{p2['id']}")
    assert r.json()["variants"][0]["available"] == 7


class Booster:
    """Ranks one merchant's products up (as a credit rating would)."""

    def __init__(self, ctx):
        self.ctx = ctx

    @hookimpl
    async def bazaar_collect_ranking_adjustments(self, products):
        return {p.id: 100.0 for p in products if p.merchant_id == BOOSTED["merchant"]}


BOOSTED: dict[str, str] = {}
BOOSTER = Plugin(id="booster", version="1.0.0", summary="test ranking", hooks=Booster)


async def test_ranking_adjustments_reorder_relevance(bazaar_factory):
    kit = await bazaar_factory(plugins=["booster"], extra=[BOOSTER])
    rt = kit.runtime
    plain, _ = await kit.merchant(name="Plain")
    boosted, _ = await kit.merchant(name="Boosted")
    BOOSTED["merchant"] = boosted
    best_text = await seed.product(rt, plain, name="Green tea green tea", description="green tea")
    weaker = await seed.product(rt, boosted, name="Biscuits", description="good with green tea")
    assert await ids(kit, q="green tea") == [weaker["id"], best_text["id"]]
    # relevance pages with a cursor too
    r = await kit.client.get("/api/v1/products", params={"q": "green tea", "limit": 1})
    assert [i["id"] for i in r.json()["items"]] == [weaker["id"]]
    r = await kit.client.get("/api/v1/products", params={"q": "green tea", "limit": 1,
                                                       "cursor": r.json()["next_cursor"]})
    assert [i["id"] for i in r.json()["items"]] == [best_text["id"]] and r.json()["next_cursor"] is None
    # a cursor of another sort is refused
    problem(await kit.client.get("/api/v1/products", params={"q": "green tea", "sort": "newest",
                                                            "cursor": r.request.url.params["cursor"]}),
            422, "invalid_cursor")


async def test_list_and_detail_stay_within_three_sql_statements(bazaar):
    rt = bazaar.runtime
    cat = await seed.category(rt, "Stuff")
    mid, _ = await bazaar.merchant()
    other, _ = await bazaar.merchant()
    products = [await seed.product(rt, m, name=f"Thing {i}", prices=[100 + i, 200 + i], category_id=cat)
                for i, m in enumerate([mid, other] * 10)]
    # every raw statement goes through Database.fetch (execute and fetchrow call it)
    original = rt.db.fetch
    statements: list[str] = []

    async def counting(sql, *args):
        statements.append(sql)
        return await original(sql, *args)

    bazaar.auto_run_due = False
    rt.db.fetch = counting
    try:
        for params in [{}, {"q": "thing"}, {"q": "thing", "sort": "price_asc", "category_id": cat, "in_stock": "true",
                                           "price_min": 1, "merchant_id": mid}]:
            statements.clear()
            r = await bazaar.client.get("/api/v1/products", params={**params, "limit": 5})
            assert r.status_code == 200 and r.json()["items"], r.text
            assert 1 <= len(statements) <= 3, statements
            statements.clear()
            r = await bazaar.client.get("/api/v1/products", params={**params, "limit": 5,
                                                                   "cursor": r.json()["next_cursor"]})
            assert r.status_code == 200
            assert 1 <= len(statements) <= 3, statements
        statements.clear()
        r = await bazaar.client.get(f"/api/v1/products/{products[0]['id']}")
        assert r.status_code == 200 and len(r.json()["variants"]) == 2
        assert 1 <= len(statements) <= 3, statements
    finally:
        del rt.db.fetch


# --- 10,000 products ----------------------------------------------------------------------


async def bulk_products(rt, merchant_id, n, *, prefix, start_price=0):
    """Insert ``n`` live products in a few multi-row INSERTs (no SKUs: the list does not need them)."""
    now = rt.clock.now()
    rng = random.Random(n)
    made = []
    batch = 250  # 11 parameters a row: well under both engines' limits
    for first in range(0, n, batch):
        values, rows = [], []
        for i in range(first, min(n, first + batch)):
            pid = new_id("prd")
            made.append(pid)
            price = start_price + rng.randrange(100, 5000)  # many ties on price: the id breaks them
            rows.append("({}, {}, '', {}, {}, 'live', TRUE, {}, {}, 'CNY', {}, {}, TRUE, '[]', {}, {}, {})")
            values += [pid, merchant_id, f"{prefix} {i}", "bulk product alpha" if i % 2 else "bulk product",
                       msgspec.json.encode(["https://img.example.com/x.jpg"]).decode(), "{}", price, price + 100, now, now, now]
        async with rt.unit_of_work():
            await rt.db.execute(
                "INSERT INTO catalogue_product (id, merchant_id, category_path, name, description, status, visible, "
                "image_urls, attributes, currency, price_min_minor, price_max_minor, in_stock, review_reasons, "
                f"created_at, updated_at, published_at) VALUES {', '.join(rows)}",
                *values,
            )
    return made


async def walk_while_inserting(kit, params, merchant_id):
    seen, cursor, page = [], None, 0
    while True:
        query = {**params, "limit": 100, **({"cursor": cursor} if cursor else {})}
        r = await kit.client.get("/api/v1/products", params=query)
        assert r.status_code == 200, r.text
        seen += [i["id"] for i in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return seen
        page += 1
        if page % 5 == 0:  # new products arrive (newer, at any price) while the storefront pages
            kit.clock.advance(timedelta(seconds=1))
            await bulk_products(kit.runtime, merchant_id, 20, prefix=f"late{page}", start_price=-100)


async def test_keyset_pagination_over_ten_thousand_products_while_inserting(bazaar):
    bazaar.auto_run_due = False
    mid, _ = await bazaar.merchant()
    # two creation instants: thousands of ties on created_at, broken by id
    first = await bulk_products(bazaar.runtime, mid, 5000, prefix="Item")
    bazaar.clock.advance(timedelta(seconds=1))
    original = set(first) | set(await bulk_products(bazaar.runtime, mid, 5000, prefix="Item"))
    assert len(original) == 10_000
    for params in [{"sort": "newest"}, {"sort": "price_asc"}, {"sort": "price_desc"},
                   {"sort": "newest", "q": "alpha"}]:
        at_start = set(await _ids(bazaar.runtime))  # the 10,000 plus what earlier walks added
        seen = await walk_while_inserting(bazaar, params, mid)
        assert len(seen) == len(set(seen)), f"{params}: a product came twice"
        alpha = set(await _ids(bazaar.runtime, "alpha"))
        expected = at_start & alpha if "q" in params else at_start
        assert original <= at_start and expected <= set(seen), f"{params}: {len(expected - set(seen))} missed"
        if "q" in params:
            assert set(seen) <= alpha, "a product without the term was found"
        if params["sort"] == "newest":
            assert set(seen) <= at_start, "products added during the walk leaked into a newest-first walk"


async def _ids(rt, word=""):
    return [r["id"] for r in await rt.db.fetch("SELECT id FROM catalogue_product WHERE description LIKE {}",
                                               f"%{word}%")]
