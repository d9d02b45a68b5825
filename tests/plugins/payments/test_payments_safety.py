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


async def _flush(m: Any) -> None:
    r = await m.c.post("/api/v1/payments/sandbox/notifications/flush", headers=m.operator.headers)
    assert r.status_code == 200, r.text
    await m.advance(seconds=1)  # instructions the notices caused are sent after commit


async def test_closing_a_payment_the_buyer_already_paid_is_refused_not_left_in_flight(bazaar_factory: Any) -> None:
    # found by tests/concurrency/test_kill_worker.py: a late payer's close instruction stayed `sent` for ever
    m = await make_market(bazaar_factory, hold=True)
    body = await m.buy()
    assert (await m.pay(body)).status_code == 200  # paid at the last second; the notice is late
    await m.advance(minutes=31)  # the checkout expires: payments closes the payment at the provider
    await m.advance(seconds=1)
    rows = await m.rt.db.fetch("SELECT status, error FROM payments_instruction WHERE kind = 'close'")
    assert [r["status"] for r in rows] == ["failed"], rows  # the provider refused at once (it was paid)
    assert "already" in rows[0]["error"]
    await _flush(m)  # payment.succeeded for a cancelled checkout: refunded automatically
    await _flush(m)  # refund.succeeded
    r = await m.c.get(f"/api/v1/payments/checkouts/{body['id']}", headers=m.customer.headers)
    assert r.json()["state"] == "resolved"
    in_flight = await m.rt.db.fetch("SELECT kind FROM payments_instruction WHERE status IN ('queued', 'sent')")
    assert in_flight == []
    await m.advance(minutes=31)
    r = await m.c.get("/api/v1/payments/admin/instructions/stuck", headers=m.operator.headers)
    assert r.json()["items"] == []
    assert (await m.reconcile())["mismatches"] == []


async def test_closing_a_declined_payment_is_confirmed(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    body = await m.buy()
    page = (await m.c.get(body["payment"]["pay_url"])).headers["location"]
    assert (await m.c.post(page + "/decline")).status_code == 200
    await m.advance(minutes=31)  # the checkout expires unpaid
    await m.advance(seconds=1)
    rows = await m.rt.db.fetch("SELECT status FROM payments_instruction WHERE kind = 'close'")
    assert [r["status"] for r in rows] == ["succeeded"], rows  # was left `sent` (no notice came)
    r = await m.c.get(page + "/status")
    assert r.json()["status"] == "closed"
