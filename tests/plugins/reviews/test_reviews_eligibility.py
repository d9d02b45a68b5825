"""Who may review: the buyer of a completed, paid (or cash-collected) order, once per line, never staff."""

from __future__ import annotations

import anyio
from reviews_market import make_market


async def order_line_ids(m, buyer, order_id: str) -> list[str]:
    r = await m.c.get(f"/api/v1/orders/{order_id}", headers=buyer.headers)
    assert r.status_code == 200, r.text
    return [line["id"] for line in r.json()["lines"]]


async def outbox(m, type_: str) -> list[dict]:
    return await m.rt.db.fetch("SELECT subject, data FROM kernel_outbox WHERE type = {} ORDER BY id", type_)


async def test_only_the_buyer_of_a_completed_order_reviews_it(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer, stranger = await m.buyer(), await m.buyer()
    order_id = await m.order(buyer, complete=False)
    (line_id,) = await order_line_ids(m, buyer, order_id)

    assert await m.eligible(buyer) == []
    r = await m.review(buyer, line_id)  # shipped, not completed: the plugin knows no such line yet
    assert r.status_code == 404 and r.json()["code"] == "reviews.line_not_found", r.text

    r = await m.c.post(f"/api/v1/orders/{order_id}/confirm-receipt", headers=buyer.headers)
    assert r.status_code == 200, r.text
    (eligible,) = await m.eligible(buyer)
    assert eligible["line_id"] == line_id and eligible["action"] == "review"

    r = await m.review(stranger, line_id)
    assert r.status_code == 404 and r.json()["code"] == "reviews.line_not_found", r.text

    r = await m.review(buyer, line_id, 4, service_rating=5, delivery_rating=3, text="Fragrant, well packed.")
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["rating"], body["service_rating"], body["delivery_rating"]) == (4, 5, 3)
    assert body["state"] == "published" and body["rating_counts"] is True
    assert body["reviewer"].startswith("buyer-") and buyer.id not in body["reviewer"]
    assert body["allowed_actions"] == ["followup"]
    assert [d["name"] for d in body["deadlines"]] == ["followup_by"]

    (created,) = await outbox(m, "reviews.created")
    assert created["subject"] == body["id"]
    assert '"rating":4' in created["data"] and '"followup":false' in created["data"]


async def test_one_review_per_line_even_when_two_requests_race(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer = await m.buyer()
    order_id = await m.order(buyer)
    (line_id,) = await m.lines_of(buyer, order_id)
    statuses: list[int] = []

    async def post() -> None:
        statuses.append((await m.review(buyer, line_id, 5)).status_code)

    async with anyio.create_task_group() as tg:
        tg.start_soon(post)
        tg.start_soon(post)
    assert sorted(statuses) == [201, 409]
    r = await m.review(buyer, line_id, 1)
    assert r.status_code == 409 and r.json()["code"] == "reviews.already_reviewed"
    assert (await m.summary())["count"] == 1
    rows = await m.rt.db.fetch("SELECT id FROM reviews_review WHERE line_id = {}", line_id)
    assert len(rows) == 1


async def test_the_store_owner_and_its_staff_are_refused_and_the_attempt_is_recorded(bazaar_factory):
    m = await make_market(bazaar_factory)
    order_id = await m.order(m.owner)
    (line_id,) = await order_line_ids(m, m.owner, order_id)
    assert await m.eligible(m.owner) == []  # the store's own lines are not offered

    r = await m.review(m.owner, line_id, 5, text="Best tea ever!")
    assert r.status_code == 403 and r.json()["code"] == "reviews.staff_refused", r.text
    assert await m.rt.db.fetch("SELECT id FROM reviews_review") == []
    r = await m.c.get("/api/v1/reviews/admin/signals?kind=staff_attempt", headers=m.operator.headers)
    (signal,) = r.json()["items"]
    assert signal["merchant_id"] == m.merchant_id and signal["customer_id"] == m.owner.id


async def test_former_staff_may_review_but_the_operator_is_told(bazaar_factory):
    m = await make_market(bazaar_factory)
    clerk = await m.buyer()
    r = await m.c.post(f"/api/v1/merchants/{m.merchant_id}/staff/invitations", json={"email": clerk.email},
                       headers=m.owner.headers)
    assert r.status_code == 201, r.text
    r = await m.c.post(f"/api/v1/merchant-invitations/{r.json()['token']}/accept", headers=clerk.headers)
    assert r.status_code == 200, r.text

    first = await m.order(clerk)
    (line_id,) = await order_line_ids(m, clerk, first)
    r = await m.review(clerk, line_id, 5)
    assert r.status_code == 403 and r.json()["code"] == "reviews.staff_refused"

    r = await m.c.delete(f"/api/v1/merchants/{m.merchant_id}/staff/{clerk.id}", headers=m.owner.headers)
    assert r.status_code == 204, r.text
    r = await m.review(clerk, line_id, 5)
    assert r.status_code == 201, r.text
    r = await m.c.get("/api/v1/reviews/admin/signals", headers=m.operator.headers)
    kinds = sorted(s["kind"] for s in r.json()["items"])
    assert kinds == ["linked_reviewer", "staff_attempt"]


async def test_cash_on_delivery_orders_are_reviewable_once_the_cash_is_collected(bazaar_factory):
    m = await make_market(bazaar_factory, start_status="on_delivery")
    buyer = await m.buyer()
    order_id = await m.order(buyer)
    (line_id,) = await order_line_ids(m, buyer, order_id)
    assert await m.eligible(buyer) == []
    r = await m.review(buyer, line_id)
    assert r.status_code == 409 and r.json()["code"] == "reviews.not_eligible", r.text

    # what the logistics plugin emits when the carrier collected the cash (its class is never imported)
    await m.kit.emit_untyped("cod.collected", {
        "order_id": order_id, "merchant_id": m.merchant_id, "collection_id": "col_1",
        "amount": {"amount": 2999, "currency": "CNY"}, "collected_at": m.kit.clock.now().isoformat(),
    }, subject=order_id)
    assert [e["line_id"] for e in await m.eligible(buyer)] == [line_id]
    assert (await m.review(buyer, line_id, 5)).status_code == 201


async def test_bad_input_is_refused_with_the_field_named(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer = await m.buyer()
    order_id = await m.order(buyer)
    (line_id,) = await m.lines_of(buyer, order_id)
    for body in ({"line_id": line_id, "rating": 6}, {"line_id": line_id, "rating": 0},
                 {"line_id": line_id, "rating": 5, "stars": 5}, {"line_id": "oln_x", "rating": 5},
                 {"line_id": line_id, "rating": 5, "text": "x" * 2001},
                 {"line_id": line_id, "rating": 5, "service_rating": 9}):
        r = await m.c.post("/api/v1/reviews", json=body, headers=buyer.headers)
        assert r.status_code in (400, 422), (body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    r = await m.c.post("/api/v1/reviews", json={"line_id": line_id, "rating": 5})
    assert r.status_code == 401
    assert await m.rt.db.fetch("SELECT id FROM reviews_review") == []
