"""SQL statements per storefront request: at most 3 for the list and the detail, whatever the page.

Every statement the app sends goes through the engine's ``run_querystring`` (raw SQL via
``rt.db`` and Piccolo queries alike); a spy around it counts them while one request runs.
An N+1 (a query per product, per SKU or per category) makes the count grow with the page
size or the number of SKUs, which these tests compare. Timings are never asserted here:
the benchmark (bench/run.py) measures speed, this guards the shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bazaar.sdk.testing import seed

MAX_STATEMENTS = 3


@contextmanager
def counting(kit: Any) -> Iterator[list[str]]:
    """Record the SQL of every statement the runtime's engine runs inside the block."""
    engine = kit.runtime.db.engine
    cls = type(engine)  # engines use __slots__: wrap the method on the class, count only ours
    real = cls.run_querystring
    seen: list[str] = []

    async def spy(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        if self is engine:
            seen.append(str(querystring)[:200])
        return await real(self, querystring, *args, **kwargs)

    cls.run_querystring = spy
    kit.auto_run_due = False  # the kit's after-response timer run is not part of the request
    try:
        yield seen
    finally:
        cls.run_querystring = real
        kit.auto_run_due = True


async def catalogue(kit: Any, products: int = 20, skus: int = 3) -> dict[str, Any]:
    """A root > department > two leaves tree with ``products`` live products of ``skus`` SKUs."""
    rt = kit.runtime
    merchant_id, _ = await kit.merchant()
    root = await seed.category(rt, "Home")
    dept = await seed.category(rt, "Kitchen", parent_id=root)
    leaves = [await seed.category(rt, f"Pots {i}", parent_id=dept) for i in range(2)]
    ids = []
    for i in range(products):
        made = await seed.product(rt, merchant_id, name=f"Pot {i}", prices=[1000 + 100 * v for v in range(skus)],
                                  category_id=leaves[i % 2])
        ids.append(made["id"])
    return {"dept": dept, "root": root, "products": ids, "merchant_id": merchant_id}


async def statements(kit: Any, path: str) -> tuple[int, Any]:
    with counting(kit) as seen:
        r = await kit.client.get(path)
    assert r.status_code == 200, r.text
    return len(seen), r.json()


async def test_list_with_category_filter_costs_the_same_few_statements_at_any_page_size(bazaar):
    cat = await catalogue(bazaar)
    counts = {}
    for limit in (1, 5, 20):
        n, body = await statements(bazaar, f"/api/v1/products?category_id={cat['dept']}&limit={limit}")
        assert len(body["items"]) == limit
        counts[limit] = n
    assert counts[1] <= MAX_STATEMENTS, counts
    assert counts[1] == counts[5] == counts[20], f"statements grow with the page size (N+1): {counts}"


async def test_the_next_page_through_the_cursor_stays_within_the_budget(bazaar):
    cat = await catalogue(bazaar)
    _, first = await statements(bazaar, f"/api/v1/products?category_id={cat['root']}&limit=7")
    assert first["next_cursor"]
    n, second = await statements(
        bazaar, f"/api/v1/products?category_id={cat['root']}&limit=7&cursor={first['next_cursor']}")
    assert len(second["items"]) == 7
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert n <= MAX_STATEMENTS


async def test_list_without_filters_stays_within_the_budget(bazaar):
    await catalogue(bazaar, products=12)
    n, body = await statements(bazaar, "/api/v1/products?limit=10")
    assert len(body["items"]) == 10
    assert n <= MAX_STATEMENTS


async def test_detail_costs_the_same_few_statements_whatever_its_skus_and_category_depth(bazaar):
    rt = bazaar.runtime
    cat = await catalogue(bazaar, products=1, skus=1)
    many = await seed.product(rt, cat["merchant_id"], name="Big pot", prices=[1000, 1100, 1200, 1300, 1400, 1500],
                              category_id=cat["dept"])
    flat = await seed.product(rt, cat["merchant_id"], name="Loose pot", prices=[900])
    counts = {}
    for label, product_id, variants in (("one sku, depth 3", cat["products"][0], 1),
                                        ("six skus, depth 2", many["id"], 6),
                                        ("no category", flat["id"], 1)):
        n, body = await statements(bazaar, f"/api/v1/products/{product_id}")
        assert body["id"] == product_id
        assert len(body["variants"]) == variants
        counts[label] = n
    assert max(counts.values()) <= MAX_STATEMENTS, counts
    assert counts["one sku, depth 3"] == counts["six skus, depth 2"], f"statements grow with SKUs or depth: {counts}"
