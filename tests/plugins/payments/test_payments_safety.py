"""Issue 10, items 3-5 and 15: notifications delivered at least once, payment.closed applied,
approving twice is a 409, and someone else's payment is a 404."""

from __future__ import annotations

from typing import Any

from payments_market import make_market

from bazaar.plugins.payments.providers import adapter


async def test_a_notice_is_marked_delivered_only_after_a_2xx(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory, hold=True)
    body = await m.buy()
    assert (await m.pay(body)).status_code == 200
    answers: list[int] = []

    async def refusing(path: str, headers: dict[str, str], payload: bytes) -> int:
        answers.append(503)
        return 503  # the receiver is down (or the worker dies before the answer)

    adapter(m.rt, m.plugin).sender = refusing
    r = await m.c.post("/api/v1/payments/sandbox/notifications/flush", headers=m.operator.headers)
    assert r.status_code >= 400 and answers
    pending = await m.rt.db.fetch("SELECT id FROM payments_sandbox_notice WHERE delivered = 0")
    assert pending, "a refused notice stays undelivered"
    adapter(m.rt, m.plugin).sender = None
    r = await m.c.post("/api/v1/payments/sandbox/notifications/flush", headers=m.operator.headers)
    assert r.status_code == 200, r.text
    for order in body["orders"]:
        assert await m.order_state(order["id"]) == "paid"
    assert await m.rt.db.fetch("SELECT id FROM payments_sandbox_notice WHERE delivered = 0") == []


async def test_closing_an_unpaid_payment_is_applied_not_refused(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    body = await m.buy()
    await m.advance(minutes=31)  # unpaid: the core cancels the checkout; payments closes the payment
    await m.advance(minutes=1)
    rows = await m.rt.db.fetch("SELECT status FROM payments_instruction WHERE kind = 'close'")
    assert rows and {r["status"] for r in rows} == {"succeeded"}, rows
    r = await m.c.get(f"/api/v1/payments/checkouts/{body['id']}", headers=m.customer.headers)
    assert r.status_code == 200


async def test_approving_an_approved_payment_is_409_with_a_code(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    body = await m.buy()
    page = (await m.c.get(body["payment"]["pay_url"])).headers["location"]
    assert (await m.c.post(page + "/approve")).status_code == 200
    again = await m.c.post(page + "/approve")
    assert again.status_code == 409 and again.json()["code"] == "payments.sandbox_not_payable"  # was 502


async def test_someone_elses_payment_looks_like_none(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    body = await m.paid()
    stranger = await m.kit.user()
    for url in (f"/api/v1/payments/checkouts/{body['id']}", f"/api/v1/payments/orders/{body['orders'][0]['id']}",
                "/api/v1/payments/checkouts/chk_01M8JQ5HDPC8RRW6F7BWZTT7N2"):
        r = await m.c.get(url, headers=stranger.headers)
        assert r.status_code == 404, (url, r.text)


async def test_stuck_instructions_are_listed_and_alerted_on_ready(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    body = await m.paid()
    order = body["orders"][0]

    async def down(path: str, headers: dict[str, str], payload: bytes) -> int:
        return 503

    adapter(m.rt, m.plugin).sender = down  # the refund's confirmation never gets through
    r = await m.refund(order["id"], 500, "stuck-1")
    assert r.status_code == 202
    await m.advance(seconds=1)
    r = await m.c.get("/api/v1/payments/admin/instructions/stuck", headers=m.operator.headers)
    assert r.status_code == 200 and r.json()["items"] == []
    await m.advance(minutes=31)
    r = await m.c.get("/api/v1/payments/admin/instructions/stuck", headers=m.operator.headers)
    kinds = [i["kind"] for i in r.json()["items"]]
    assert "refund" in kinds, r.json()
    ready = {c["name"]: c for c in (await m.c.get("/ready")).json()["checks"]}
    assert ready["payments.escrow:instructions"]["detail"].startswith("ALERT: ")


async def test_a_reconciliation_with_its_period_reversed_is_422(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    r = await m.c.post("/api/v1/payments/admin/reconciliations", headers=m.operator.headers,
                       json={"period_from": "2026-02-01T00:00:00Z", "period_to": "2026-01-01T00:00:00Z"})
    assert r.status_code == 422 and r.json()["code"] == "payments.period_reversed"
    assert r.json()["errors"][0]["field"] == "period_to"
