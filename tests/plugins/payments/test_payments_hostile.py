"""Bad and hostile input: each is refused or absorbed with no money created or lost."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from payments_market import SECRET, Market, make_market

from bazaar.plugins.payments.events import FundsReleased, RefundSettled
from bazaar.plugins.payments.providers.sandbox import signing
from bazaar.sdk.events import OrderCancelled
from bazaar.sdk.money import Money

NOTIFY = "/api/v1/payments/notify/sandbox"


async def held_market(bazaar_factory: Any, plugin: str = "payments.escrow") -> Market:
    """Notifications wait until flushed (or delivered by the test itself)."""
    return await make_market(bazaar_factory, plugin, hold=True)


async def notices(m: Market) -> list[dict[str, Any]]:
    r = await m.c.get("/api/v1/payments/sandbox/notifications", headers=m.operator.headers)
    assert r.status_code == 200, r.text
    return r.json()


def signed(body: str | bytes, *, secret: str = SECRET, at: int) -> dict[str, str]:
    raw = body.encode() if isinstance(body, str) else body
    return {"content-type": "application/json", "Sandbox-Signature": signing.sign(secret, at, raw)}


def now(m: Market) -> int:
    return int(m.kit.clock.now().timestamp())


async def money(m: Market) -> dict[str, Any]:
    """Everything that would show money created or lost."""
    tb = await m.assert_balanced()
    entries = await m.rt.db.fetch("SELECT key FROM payments_entry ORDER BY key")
    return {"accounts": tb["accounts"], "entries": [e["key"] for e in entries]}


async def test_wrong_signature_stale_timestamp_and_unknown_payment_change_nothing(bazaar_factory: Any) -> None:
    m = await held_market(bazaar_factory)
    body = await m.buy()
    assert (await m.pay(body)).status_code == 200
    [paid] = [n for n in await notices(m) if '"payment.succeeded"' in n["body"]]
    before = await money(m)

    r = await m.c.post(NOTIFY, content=paid["body"], headers=signed(paid["body"], secret="not-the-secret-at-all", at=now(m)))
    assert r.status_code == 401 and r.json()["code"] == "payments.bad_signature"
    tampered = paid["body"].replace('"amount":', '"amount":1')
    r = await m.c.post(NOTIFY, content=tampered, headers=signed(paid["body"], at=now(m)))
    assert r.status_code == 401 and r.json()["code"] == "payments.bad_signature"
    r = await m.c.post(NOTIFY, content=paid["body"], headers={"content-type": "application/json"})
    assert r.status_code == 401
    r = await m.c.post(NOTIFY, content=paid["body"], headers=signed(paid["body"], at=now(m) - 301))
    assert r.status_code == 401 and r.json()["code"] == "payments.stale_notification"
    unknown = json.loads(paid["body"]) | {"id": "sbn_other", "instruction_ref": "pay_01M80CFVNXSB5W34H7JY0S2YR3"}
    raw = json.dumps(unknown)
    r = await m.c.post(NOTIFY, content=raw, headers=signed(raw, at=now(m)))
    assert r.status_code == 404 and r.json()["code"] == "payments.unknown_payment"
    r = await m.c.post("/api/v1/payments/notify/alipay", content=raw, headers=signed(raw, at=now(m)))
    assert r.status_code == 404 and r.json()["code"] == "payments.unknown_provider"

    assert await money(m) == before
    assert await m.rt.db.fetch("SELECT id FROM payments_notification") == []
    for order in body["orders"]:
        assert await m.order_state(order["id"]) == "pending_payment"

    # the genuine notification, fresh, still works; a replay of it is a no-op
    r = await m.c.post(NOTIFY, content=paid["body"], headers=signed(paid["body"], at=now(m)))
    assert r.status_code == 200 and r.json() == {"outcome": "paid"}
    after = await money(m)
    r = await m.c.post(NOTIFY, content=paid["body"], headers=signed(paid["body"], at=now(m)))
    assert r.status_code == 200 and r.json() == {"outcome": "duplicate"}
    assert await money(m) == after
    for order in body["orders"]:
        assert await m.order_state(order["id"]) == "paid"


async def test_concurrent_duplicate_notifications_apply_once(bazaar_factory: Any) -> None:
    m = await held_market(bazaar_factory)
    body = await m.buy()
    assert (await m.pay(body)).status_code == 200
    [paid] = [n for n in await notices(m) if '"payment.succeeded"' in n["body"]]
    m.kit.auto_run_due = False
    headers = signed(paid["body"], at=now(m))
    answers = await asyncio.gather(*[m.c.post(NOTIFY, content=paid["body"], headers=headers) for _ in range(2)])
    m.kit.auto_run_due = True
    assert sorted(a.json()["outcome"] for a in answers) == ["duplicate", "paid"], [a.text for a in answers]
    holds = await m.rt.db.fetch("SELECT key FROM payments_entry WHERE kind = 'hold'")
    assert len(holds) == 2
    tb = await m.assert_balanced()
    assert tb["accounts"]["CNY"]["escrow_held"] == body["totals"]["total"]["amount"]


async def test_amount_mismatch_needs_review_never_pays_and_is_refunded_on_resolution(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    body = await m.buy()
    total = body["totals"]["total"]["amount"]
    r = await m.pay(body, amount=total - 1)
    assert r.status_code == 200, r.text
    for order in body["orders"]:
        assert await m.order_state(order["id"]) == "pending_payment"
    r = await m.c.get("/api/v1/payments/admin/reviews", headers=m.operator.headers)
    [review] = r.json()["items"]
    assert review["state"] == "needs_review" and review["review_reason"] == "amount_mismatch"
    assert review["allowed_actions"] == ["resolve"] and review["deadlines"] == []
    assert review["received"] == {"amount": total - 1, "currency": "CNY"}
    tb = await m.assert_balanced()
    assert tb["accounts"]["CNY"] == {"buyer_clearing": -(total - 1), "suspense": total - 1}

    r = await m.c.post(f"/api/v1/payments/admin/reviews/{review['id']}/resolve",
                       json={"action": "dismiss", "note": "looks fine"}, headers=m.operator.headers)
    assert r.status_code == 409 and r.json()["code"] == "payments.suspense_not_empty"
    r = await m.c.post(f"/api/v1/payments/admin/reviews/{review['id']}/resolve",
                       json={"action": "refund", "note": "refund the short payment"}, headers=m.operator.headers)
    assert r.status_code == 200 and r.json()["state"] == "resolved", r.text
    assert r.json()["allowed_actions"] == []
    tb = await m.assert_balanced()
    assert tb["accounts"]["CNY"]["suspense"] == 0 and tb["accounts"]["CNY"]["refunds"] == total - 1
    assert (await m.reconcile())["mismatches"] == []
    r = await m.c.get("/api/v1/payments/admin/reviews", headers=m.operator.headers)
    assert r.json()["items"] == []


async def test_paid_after_the_checkout_expired_is_refunded_automatically(bazaar_factory: Any) -> None:
    m = await held_market(bazaar_factory)
    body = await m.buy()
    assert (await m.pay(body)).status_code == 200  # approved, but the notification is late
    await m.advance(minutes=31)  # the core's unpaid timer cancels the checkout
    r = await m.c.post("/api/v1/payments/sandbox/notifications/flush", headers=m.operator.headers)
    assert r.status_code == 200 and r.json()["sent"] >= 1
    await m.advance(seconds=1)  # the refund instruction is sent after commit
    r = await m.c.post("/api/v1/payments/sandbox/notifications/flush", headers=m.operator.headers)
    r = await m.c.get(f"/api/v1/payments/checkouts/{body['id']}", headers=m.customer.headers)
    assert r.json()["state"] == "resolved" and r.json()["review_reason"] == "paid_after_cancel"
    tb = await m.assert_balanced()
    assert tb["accounts"]["CNY"].get("suspense", 0) == 0
    assert tb["accounts"]["CNY"]["refunds"] == body["totals"]["total"]["amount"]
    assert (await m.reconcile())["mismatches"] == []


async def test_paid_after_the_checkout_expired_goes_to_review_when_configured(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory, hold=True, late_payment="review")
    body = await m.buy()
    assert (await m.pay(body)).status_code == 200  # approved, but the notification is late
    await m.advance(minutes=31)  # the core's unpaid timer cancels the checkout
    for order in body["orders"]:
        assert await m.order_state(order["id"]) == "cancelled"
    r = await m.c.post("/api/v1/payments/sandbox/notifications/flush", headers=m.operator.headers)
    assert r.status_code == 200 and r.json()["sent"] >= 1
    r = await m.c.get(f"/api/v1/payments/checkouts/{body['id']}", headers=m.customer.headers)
    assert r.json()["state"] == "needs_review" and r.json()["review_reason"] == "paid_after_cancel"
    assert r.json()["allowed_actions"] == []  # resolving is the operators'
    tb = await m.assert_balanced()
    assert tb["accounts"]["CNY"]["suspense"] == body["totals"]["total"]["amount"]


async def test_refunds_never_exceed_what_was_paid_and_are_idempotent(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    body = await m.paid()
    order = body["orders"][0]
    total = order["totals"]["total"]["amount"]
    r = await m.refund(order["id"], total + 1, "k-too-much")
    assert r.status_code == 409 and r.json()["code"] == "payments.refund_exceeds_paid"
    assert r.json()["refundable"] == total
    r1 = await m.refund(order["id"], 500, "k-1")
    assert r1.status_code == 202 and r1.json()["status"] == "queued", r1.text  # sent after commit
    r2 = await m.refund(order["id"], 500, "k-1")
    assert r2.status_code == 202 and r2.json()["id"] == r1.json()["id"]
    r = await m.refund(order["id"], 700, "k-1")
    assert r.status_code == 409 and r.json()["code"] == "payments.idempotency_key_reused"
    r = await m.refund(order["id"], total - 500 + 1, "k-2")
    assert r.status_code == 409 and r.json()["code"] == "payments.refund_exceeds_paid"
    assert (await m.refund(order["id"], total - 500, "k-3")).status_code == 202
    view = await m.payment_of(order["id"])
    assert view["refunded"] == total and view["held"] == 0 and view["paid"] == total
    r = await m.refund(order["id"], 1, "k-4")
    assert r.status_code == 409 and r.json()["code"] == "payments.refund_exceeds_paid"
    r = await m.refund(order["id"], 0, "k-5")
    assert r.status_code == 400 or r.status_code == 422
    r = await m.c.post(f"/api/v1/payments/admin/orders/{order['id']}/refunds",
                       json={"amount": 1, "currency": "CNY", "reason": "x"}, headers=m.operator.headers)
    assert r.status_code == 422 and r.json()["code"] == "payments.idempotency_key_required"
    await m.assert_balanced()
    assert (await m.reconcile())["mismatches"] == []


async def events_of(m: Market, type_: str) -> list[Any]:
    """The typed events of one type in the outbox."""
    rows = await m.rt.db.fetch("SELECT id FROM kernel_outbox WHERE type = {} ORDER BY occurred_at, id", type_)
    return [await m.rt.events.load(r["id"]) for r in rows]


async def test_cancelling_a_paid_order_refunds_it_from_the_hold(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    body = await m.paid()
    order = body["orders"][0]
    r = await m.c.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "changed my mind"},
                       headers=m.customer.headers)
    assert r.status_code == 200, r.text
    view = await m.payment_of(order["id"])
    total = order["totals"]["total"]["amount"]
    assert view["refunded"] == view["paid"] == total and view["held"] == 0
    await m.assert_balanced()
    (cancelled,) = await events_of(m, "order.cancelled")
    assert isinstance(cancelled, OrderCancelled) and cancelled.order_id == order["id"]
    assert (cancelled.cancel_reason, cancelled.by.kind, cancelled.by.id) == ("customer_request", "customer", m.customer.id)
    assert cancelled.refunded == Money(amount=total, currency="CNY")
    (settled,) = await events_of(m, "payments.refund_settled")
    assert isinstance(settled, RefundSettled)
    assert (settled.order_id, settled.outcome, settled.amount.amount, settled.source, settled.plugin) == (
        order["id"], "succeeded", total, "hold", "payments.escrow")


async def test_refund_after_release_comes_from_payable_then_debt_which_the_next_release_repays(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    tea = m.merchants[0]
    first = await m.paid((1, 0))
    order = first["orders"][0]
    total = order["totals"]["total"]["amount"]  # 1999 + 1000 shipping
    await m.ship(order)
    assert (await m.c.post(f"/api/v1/orders/{order['id']}/confirm-receipt", headers=m.customer.headers)).status_code == 200
    net = total - (total * 500 + 5000) // 10000
    assert (await m.balance(tea))["payable"] == net
    (released,) = await events_of(m, "payments.released")
    assert isinstance(released, FundsReleased)
    assert (released.order_id, released.merchant_id, released.amount.amount, released.commission.amount) == (
        order["id"], tea, total, total - net)
    assert (await m.c.post("/api/v1/payments/admin/payouts", headers=m.operator.headers)).status_code == 200
    assert (await m.balance(tea))["paid_out"] == net

    r = await m.refund(order["id"], 1000, "after-release")
    assert r.status_code == 202, r.text
    assert r.json()["detail"]["source"] == "merchant"
    balance = await m.balance(tea)
    assert balance["payable"] == 0 and balance["debt"] == 1000
    await m.assert_balanced()

    second = await m.paid((1, 0))
    order2 = second["orders"][0]
    await m.ship(order2)
    assert (await m.c.post(f"/api/v1/orders/{order2['id']}/confirm-receipt", headers=m.customer.headers)).status_code == 200
    balance = await m.balance(tea)
    assert balance["debt"] == 0 and balance["payable"] == net - 1000
    tb = await m.assert_balanced()
    assert tb["accounts"]["CNY"]["merchant_debt"] == 0
    assert (await m.reconcile())["mismatches"] == []


@pytest.mark.parametrize("switch", [{"duplicates": True}, {"delay_seconds": 90}, {"out_of_order": True, "hold": True}])
async def test_duplicate_delayed_and_reordered_delivery_keep_the_books(bazaar_factory: Any, switch: dict[str, Any]) -> None:
    m = await make_market(bazaar_factory, **switch)
    body = await m.buy()
    assert (await m.pay(body)).status_code == 200
    if switch.get("delay_seconds"):
        assert await m.order_state(body["orders"][0]["id"]) == "pending_payment"
        await m.advance(seconds=91)
    if switch.get("hold"):
        await m.c.post("/api/v1/payments/sandbox/notifications/flush", headers=m.operator.headers)
    for order in body["orders"]:
        assert await m.order_state(order["id"]) == "paid"
    # two partial refunds per order, confirmed in whatever order the switches produce
    for order in body["orders"]:
        assert (await m.refund(order["id"], 100, f"{order['id']}-a")).status_code == 202
        assert (await m.refund(order["id"], 200, f"{order['id']}-b")).status_code == 202
    if switch.get("delay_seconds"):
        await m.advance(seconds=91)
    if switch.get("hold"):
        await m.c.post("/api/v1/payments/sandbox/notifications/flush", headers=m.operator.headers)
    for order in body["orders"]:
        view = await m.payment_of(order["id"])
        assert view["refunded"] == 300 and view["held"] == view["paid"] - 300
    outcomes = await m.rt.db.fetch("SELECT outcome FROM payments_notification")
    assert sorted({o["outcome"] for o in outcomes}) == ["paid", "refund_posted"]
    await m.assert_balanced()
    assert (await m.reconcile())["mismatches"] == []
