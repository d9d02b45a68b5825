"""The whole purchase through HTTP, once with escrow and once with instant capture.

The same test runs for both plugins; only the config differs (``config_for``). With
escrow the money is held until receipt, then released less commission; with instant it
settles to the merchant at payment. Either way: payout to the settlement account, the
ledger balanced at every step, merchant and operator views equal, reconciliation clean.
"""

from __future__ import annotations

from typing import Any

import pytest
from payments_market import PLUGINS, Market, make_market

from bazaar.sdk.money import bps_share


@pytest.fixture(params=PLUGINS)
async def market(request: Any, bazaar_factory: Any) -> Market:
    return await make_market(bazaar_factory, request.param)


async def test_purchase_story(market: Market) -> None:
    m = market
    tea, porcelain = m.merchants
    body = await m.buy((2, 1))
    orders = {o["merchant_id"]: o for o in body["orders"]}
    totals = {mid: o["totals"]["total"]["amount"] for mid, o in orders.items()}
    assert sum(totals.values()) == body["totals"]["total"]["amount"]
    assert body["payment"]["provider"] == m.plugin
    r = await m.c.get(f"/api/v1/payments/checkouts/{body['id']}", headers=m.customer.headers)
    assert r.json()["state"] == "pending" and r.json()["amount"]["amount"] == sum(totals.values())
    assert r.json()["deadlines"] == [{"name": "pay_by", "due_at": r.json()["expires_at"]}]
    assert r.json()["allowed_actions"] == []  # the payer pays at the provider; events are the system's
    await m.assert_balanced()
    assert (await m.balance(tea))["payable"] == 0

    # pay on the sandbox page: the signed notification arrives and the orders are paid
    r = await m.pay(body)
    assert r.status_code == 200 and r.json()["status"] == "succeeded", r.text
    for order in orders.values():
        assert await m.order_state(order["id"]) == "paid"
    r = await m.c.get(f"/api/v1/payments/checkouts/{body['id']}", headers=m.customer.headers)
    assert r.json()["state"] == "paid" and r.json()["deadlines"] == []
    tb = await m.assert_balanced()
    commission = {mid: bps_share(total, 500) for mid, total in totals.items()}
    for mid, order in orders.items():
        view = await m.payment_of(order["id"])
        assert view["paid"] == totals[mid]
        if m.escrow:
            assert view["state"] == "held" and view["held"] == totals[mid] and view["commission"] == 0
            assert (await m.balance(mid))["held"] == totals[mid]
        else:
            assert view["state"] == "captured" and view["held"] == 0 and view["commission"] == commission[mid]
            assert (await m.balance(mid))["payable"] == totals[mid] - commission[mid]
    assert tb["accounts"]["CNY"]["buyer_clearing"] == -sum(totals.values())

    # ship; the customer confirms one order, the other auto-confirms when the window ends
    for order in orders.values():
        await m.ship(order)
    if m.escrow:
        view = await m.payment_of(orders[tea]["id"])
        due = view["confirm_due_at"]
        assert due is not None and view["deadlines"] == [{"name": "auto_confirm", "due_at": due}]
    r = await m.c.post(f"/api/v1/orders/{orders[tea]['id']}/confirm-receipt", headers=m.customer.headers)
    assert r.status_code == 200, r.text
    assert await m.order_state(orders[tea]["id"]) == "completed"
    await m.assert_balanced()
    view = await m.payment_of(orders[tea]["id"])
    assert view["held"] == 0 and view["commission"] == commission[tea]
    assert view["paid"] == view["released" if m.escrow else "paid"]
    assert (await m.balance(tea))["payable"] == totals[tea] - commission[tea]
    if m.escrow:
        assert view["state"] == "released" and view["released"] == totals[tea]
        assert (await m.balance(porcelain))["held"] == totals[porcelain]

    await m.advance(days=11)
    assert await m.order_state(orders[porcelain]["id"]) == "completed"
    view = await m.payment_of(orders[porcelain]["id"])
    assert view["held"] == 0 and view["commission"] == commission[porcelain]
    await m.assert_balanced()

    # payouts: the operator runs them (the timer does the same every payout_interval_hours)
    r = await m.c.post("/api/v1/payments/admin/payouts", headers=m.operator.headers)
    assert r.status_code == 200, r.text
    for mid in m.merchants:
        balance = await m.balance(mid)
        assert balance == {**balance, "held": 0, "payable": 0, "debt": 0, "payouts_in_flight": 0,
                           "paid_out": totals[mid] - commission[mid]}
        owner = m.owners[m.merchants.index(mid)]
        r = await m.c.get(f"/api/v1/payments/merchants/{mid}/payouts", headers=owner.headers)
        payouts = r.json()["items"]
        assert [(p["status"], p["amount"]["amount"]) for p in payouts] == [("succeeded", totals[mid] - commission[mid])]
        lines = await m.lines(mid)
        assert sum(line["amount"] for line in lines if line["account"] == "merchant_payable") == 0
        assert all(line["notification_id"] for line in lines)

    tb = await m.assert_balanced()
    cny = tb["accounts"]["CNY"]
    assert cny["platform_commission"] == sum(commission.values())
    assert cny["payouts"] + cny["platform_commission"] == -cny["buyer_clearing"]
    report = await m.reconcile()
    assert report["mismatches"] == [] and report["matched"] >= 3

    r = await m.c.get(f"/api/v1/payments/admin/orders/{orders[tea]['id']}/ledger", headers=m.operator.headers)
    assert r.status_code == 200
    ledger = r.json()
    assert {i["kind"] for i in ledger["instructions"]} == ({"release"} if m.escrow else set())
    for entry_id in {line["entry_id"] for line in ledger["lines"]}:
        assert sum(line["amount"] for line in ledger["lines"] if line["entry_id"] == entry_id) == 0
