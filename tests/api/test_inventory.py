"""Inventory: atomic reservations (no overselling under concurrency), release, commit, stock PUT, movements."""

import asyncio
from datetime import timedelta

import pytest
from catalogue_kit import counts, live, problem

from bazaar.core.inventory import service as inventory
from bazaar.sdk.errors import Conflict, ValidationFailed
from bazaar.sdk.testing import seed


async def stock(rt, sku_id):
    return await rt.db.fetchrow("SELECT on_hand, reserved FROM catalogue_sku WHERE id = {}", sku_id)


async def in_stock(rt, product_id):
    row = await rt.db.fetchrow("SELECT in_stock FROM catalogue_product WHERE id = {}", product_id)
    return bool(row["in_stock"])


async def test_concurrent_reservations_never_oversell(bazaar):
    rt = bazaar.runtime
    mid, _ = await bazaar.merchant()
    p = await seed.product(rt, mid, prices=[1000], stock=10)
    sku_id = p["skus"][0]

    async def attempt(i):
        try:
            await inventory.reserve(rt, [(sku_id, 1)], ref=f"chk_{i}", actor_id=None)
            return True
        except Conflict as exc:
            assert exc.code == "insufficient_stock"
            return False

    results = await asyncio.gather(*(attempt(i) for i in range(50)))
    assert results.count(True) == 10
    assert dict(await stock(rt, sku_id)) == {"on_hand": 10, "reserved": 10}
    moves = await rt.db.fetch("SELECT kind, reserved_delta FROM inventory_movement WHERE sku_id = {} AND kind <> 'initial'",
                              sku_id)
    assert len(moves) == 10 and all(m["kind"] == "reserve" and m["reserved_delta"] == 1 for m in moves)
    assert await in_stock(rt, p["id"]) is False
    r = await bazaar.client.get("/api/v1/products", params={"in_stock": "true"})
    assert r.json()["items"] == []


async def test_reserve_is_all_or_nothing_and_names_every_short_sku(bazaar):
    rt = bazaar.runtime
    mid, _ = await bazaar.merchant()
    p = await seed.product(rt, mid, prices=[100, 200, 300], stock=[5, 1, 0])
    a, b, c = p["skus"]
    before = await counts(rt)
    with pytest.raises(Conflict) as info:
        await inventory.reserve(rt, [(a, 2), (b, 2), (c, 1), (a, 1)], ref="chk_1", actor_id=None)
    assert info.value.code == "insufficient_stock"
    assert sorted(e.value for e in info.value.errors) == sorted([b, c])
    assert [dict(await stock(rt, s)) for s in (a, b, c)] == [
        {"on_hand": 5, "reserved": 0}, {"on_hand": 1, "reserved": 0}, {"on_hand": 0, "reserved": 0}]
    assert await counts(rt) == before
    for bad in ([(a, 0)], [(a, -1)], [(a, 10**7)], [(a, True)]):
        with pytest.raises(ValidationFailed):
            await inventory.reserve(rt, bad, ref="chk_2", actor_id=None)
    with pytest.raises(Conflict) as info:
        await inventory.reserve(rt, [("sku_01ARZ3NDEKTSV4RRFFQ69G5FAV", 1)], ref="chk_3", actor_id=None)
    assert info.value.errors[0].reason == "no such SKU"
    assert await counts(rt) == before


async def test_release_and_commit(bazaar):
    rt = bazaar.runtime
    mid, owner = await bazaar.merchant()
    p = await seed.product(rt, mid, prices=[100], stock=3)
    sku_id = p["skus"][0]
    await inventory.reserve(rt, [(sku_id, 3)], ref="chk_1", actor_id=owner.id)
    assert await in_stock(rt, p["id"]) is False
    await inventory.release(rt, [(sku_id, 1)], ref="ord_1", actor_id=None, reason="payment_timeout")
    assert dict(await stock(rt, sku_id)) == {"on_hand": 3, "reserved": 2}
    assert await in_stock(rt, p["id"]) is True
    await inventory.commit(rt, [(sku_id, 2)], ref="ord_2", actor_id=owner.id)
    assert dict(await stock(rt, sku_id)) == {"on_hand": 1, "reserved": 0}
    before = await counts(rt)
    for call in (inventory.commit(rt, [(sku_id, 1)], ref="x", actor_id=None),
                 inventory.release(rt, [(sku_id, 1)], ref="x", actor_id=None, reason="cancel")):
        with pytest.raises(Conflict) as info:
            await call
        assert info.value.code == "not_reserved"
    assert await counts(rt) == before
    r = await bazaar.client.get(f"/api/v1/merchants/{mid}/skus/{sku_id}/movements", headers=owner.headers)
    moves = r.json()["items"]
    assert sorted((m["kind"], m["on_hand_delta"], m["reserved_delta"], m["reason"]) for m in moves) == [
        ("commit", -2, -2, "shipped"), ("initial", 3, 0, "opening stock"), ("release", 0, -1, "payment_timeout"),
        ("reserve", 0, 3, "reserved")]
    assert {m["ref"] for m in moves} == {None, "chk_1", "ord_1", "ord_2"}


async def test_merchant_sets_stock_never_below_reserved(bazaar):
    rt = bazaar.runtime
    mid, owner = await bazaar.merchant()
    p = await live(bazaar, mid, owner)
    sku_id = p["skus"][0]["id"]
    url = f"/api/v1/merchants/{mid}/skus/{sku_id}/stock"
    r = await bazaar.client.put(url, json={"on_hand": 40, "reason": "delivery from supplier"}, headers=owner.headers)
    assert r.status_code == 200, r.text
    assert (r.json()["on_hand"], r.json()["available"]) == (40, 40)
    await inventory.reserve(rt, [(sku_id, 30)], ref="chk_1", actor_id=None)
    before = await counts(rt)
    body = problem(await bazaar.client.put(url, json={"on_hand": 29, "reason": "stocktake"}, headers=owner.headers),
                   409, "below_reserved")
    assert body["errors"][0]["field"] == "on_hand"
    for bad in [{"on_hand": -1, "reason": "x"}, {"on_hand": 10**9, "reason": "x"}, {"on_hand": 5},
                {"on_hand": 5, "reason": ""}, {"on_hand": 5, "reason": "x" * 201},
                {"on_hand": 5, "reason": "x", "reserved": 0}]:
        problem(await bazaar.client.put(url, json=bad, headers=owner.headers), 422, "validation_failed")
    problem(await bazaar.client.put(f"/api/v1/merchants/{mid}/skus/sku_01ARZ3NDEKTSV4RRFFQ69G5FAV/stock",
                                    json={"on_hand": 1, "reason": "x"}, headers=owner.headers), 404, "sku_not_found")
    problem(await bazaar.client.put(f"/api/v1/merchants/{mid}/skus/bad/stock", json={"on_hand": 1, "reason": "x"},
                                    headers=owner.headers), 422, "invalid_id")
    assert await counts(rt) == before
    assert dict(await stock(rt, sku_id)) == {"on_hand": 40, "reserved": 30}
    r = await bazaar.client.put(url, json={"on_hand": 30, "reason": "stocktake"}, headers=owner.headers)
    assert r.json()["available"] == 0
    assert (await bazaar.client.get(f"/api/v1/products/{p['id']}")).json()["variants"][0]["availability"] == "out"
    # an operator may set stock for a merchant
    op = await bazaar.operator()
    r = await bazaar.client.put(url, json={"on_hand": 31, "reason": "correction"}, headers=op.headers)
    assert r.status_code == 200
    r = await bazaar.client.get(f"/api/v1/merchants/{mid}/skus/{sku_id}/movements", headers=owner.headers)
    latest = r.json()["items"][0]
    assert (latest["kind"], latest["on_hand_delta"], latest["actor_id"], latest["reason"]) == (
        "adjust", 1, op.id, "correction")


async def test_movements_page_by_keyset(bazaar):
    mid, owner = await bazaar.merchant()
    p = await live(bazaar, mid, owner)
    sku_id = p["skus"][0]["id"]
    url = f"/api/v1/merchants/{mid}/skus/{sku_id}/stock"
    for n in range(1, 6):
        await bazaar.advance(timedelta(seconds=1))
        assert (await bazaar.client.put(url, json={"on_hand": n, "reason": f"count {n}"}, headers=owner.headers)).status_code == 200
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        r = await bazaar.client.get(f"/api/v1/merchants/{mid}/skus/{sku_id}/movements", params=params,
                                    headers=owner.headers)
        seen += [m["reason"] for m in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == ["count 5", "count 4", "count 3", "count 2", "count 1", "opening stock"]
    problem(await bazaar.client.get(f"/api/v1/merchants/{mid}/skus/{sku_id}/movements", params={"cursor": "zzz"},
                                    headers=owner.headers), 422, "invalid_cursor")
