"""The storefront: a product's summary and its review list, and what each request costs in SQL.

Like ``tests/contract/test_query_counts.py``: a spy on the engine counts the statements of
one request; the list and the summary stay within 3 and do not grow with the number of
reviews or the page size. Timings are never asserted (see bench/).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import reviews_seed
from reviews_market import make_market

MAX_STATEMENTS = 3


@contextmanager
def counting(kit: Any) -> Iterator[list[str]]:
    """Record the SQL of every statement the runtime's engine runs inside the block."""
    engine = kit.runtime.db.engine
    cls = type(engine)
    real = cls.run_querystring
    seen: list[str] = []

    async def spy(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        if self is engine:
            seen.append(str(querystring)[:200])
        return await real(self, querystring, *args, **kwargs)

    cls.run_querystring = spy
    kit.auto_run_due = False
    try:
        yield seen
    finally:
        cls.run_querystring = real
        kit.auto_run_due = True


async def statements(kit: Any, path: str) -> tuple[int, Any]:
    with counting(kit) as seen:
        r = await kit.client.get(path)
    assert r.status_code == 200, r.text
    return len(seen), r.json()


async def test_the_summary_is_average_count_and_histogram(bazaar_factory):
    m = await make_market(bazaar_factory)
    await reviews_seed.reviews(m.rt, m.merchant_id, m.products[0], [5, 4, 4, 1, 2])
    s = await m.summary()
    assert s == {"product_id": m.products[0], "average": 3.2, "count": 5,
                 "histogram": {"1": 1, "2": 1, "3": 0, "4": 2, "5": 1}, "with_photos": 0}
    empty = await m.summary(m.products[1])
    assert (empty["count"], empty["average"], empty["histogram"]["5"]) == (0, None, 0)
    r = await m.c.get("/api/v1/reviews/products/not-a-product/summary")
    assert r.status_code == 422 and r.json()["code"] == "invalid_id"


async def test_the_list_is_newest_first_with_a_keyset_cursor_and_filters(bazaar_factory):
    m = await make_market(bazaar_factory)
    ratings = [5, 4, 3, 5, 1, 5, 2]
    ids = []
    for rating in ratings:  # a minute apart
        ids += await reviews_seed.reviews(m.rt, m.merchant_id, m.products[0], [rating], text=f"{rating} stars")
        m.kit.clock.advance(timedelta(minutes=1))
    base = f"/api/v1/reviews/products/{m.products[0]}/reviews"

    seen, cursor = [], None
    while True:
        r = await m.c.get(base + "?limit=3" + (f"&cursor={cursor}" if cursor else ""))
        assert r.status_code == 200, r.text
        seen += [i["id"] for i in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(ids))

    fives = (await m.c.get(base + "?rating=5")).json()["items"]
    assert [i["rating"] for i in fives] == [5, 5, 5] and fives[0]["id"] == ids[5]
    assert (await m.c.get(base + "?with_photos=true")).json()["items"] == []
    assert (await m.c.get(base + "?rating=6")).status_code in (400, 422)
    r = await m.c.get(base + "?cursor=bm90LWEtY3Vyc29y")
    assert r.status_code == 422 and r.json()["code"] == "reviews.invalid_cursor"
    first = (await m.c.get(base + "?limit=1")).json()["items"][0]
    assert first["text"] == "2 stars" and first["order_id"] is None and first["allowed_actions"] == []


async def test_list_and_summary_cost_a_few_statements_however_many_reviews(bazaar_factory):
    m = await make_market(bazaar_factory)
    few, many = m.products
    await reviews_seed.reviews(m.rt, m.merchant_id, few, [5, 4, 3, 2, 1])
    await reviews_seed.reviews(m.rt, m.merchant_id, many, [5, 4, 3, 2, 1] * 8)
    await m.reviewed(await m.buyer(), 5)  # one with a follow-up and a reply, through HTTP
    review_id = (await m.c.get(f"/api/v1/reviews/products/{few}/reviews?limit=1")).json()["items"][0]["id"]
    await m.c.post(f"/api/v1/reviews/merchants/{m.merchant_id}/reviews/{review_id}/reply", json={"text": "thanks"},
                   headers=m.owner.headers)

    counts: dict[str, int] = {}
    for label, product in (("few", few), ("many", many)):
        for limit in (1, 5, 20):
            n, body = await statements(m.kit, f"/api/v1/reviews/products/{product}/reviews?limit={limit}")
            assert len(body["items"]) == min(limit, 6 if product == few else 40)
            counts[f"{label}:{limit}"] = n
        n, body = await statements(m.kit, f"/api/v1/reviews/products/{product}/summary")
        assert body["count"] == (6 if product == few else 40)
        counts[f"{label}:summary"] = n
    assert max(counts.values()) <= MAX_STATEMENTS, counts
    assert len({v for k, v in counts.items() if not k.endswith("summary")}) == 1, f"the list grows: {counts}"
    assert counts["few:summary"] == counts["many:summary"], counts

    _, first = await statements(m.kit, f"/api/v1/reviews/products/{many}/reviews?limit=7&rating=5")
    n, second = await statements(
        m.kit, f"/api/v1/reviews/products/{many}/reviews?limit=7&rating=5&cursor={first['next_cursor']}")
    assert n <= MAX_STATEMENTS and len(second["items"]) == 1
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    n, _ = await statements(m.kit, f"/api/v1/reviews/products/{many}/reviews?with_photos=true&limit=20")
    assert n <= MAX_STATEMENTS
