"""Property: random interleavings of pay / ship / refund / confirm / auto-confirm / payout keep every invariant.

One market (SQLite) serves all examples; each example makes a fresh two-merchant checkout
and applies a random sequence to it, checking after every step that the ledger balances,
no held/payable/suspense balance is negative, no order is refunded beyond what was paid,
the commission is exactly the rounded share of what was released, a refund is refused
exactly when it would exceed what is left, and the provider's statement agrees.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payments_market import Market, make_market

from bazaar.plugins.payments import ledger
from bazaar.sdk.money import bps_share

OPS = st.lists(
    st.tuples(st.sampled_from(["pay", "ship", "refund", "confirm", "auto", "payout"]), st.integers(0, 1),
              st.integers(1, 16_000)),
    min_size=1, max_size=7,
)
_keys = itertools.count()


async def check(m: Market, body: dict[str, Any], refunded: dict[str, int]) -> None:
    """The invariants, read straight from the ledger service (fast; the story test covers the views)."""
    tb = await ledger.trial_balance(m.rt)
    assert tb["balanced"] and tb["negative_balances"] == [], tb
    for order in body["orders"]:
        view = await ledger.order_totals(m.rt, order["id"])
        total = order["totals"]["total"]["amount"]
        assert view["paid"] in (0, total)
        assert view["refunded"] == refunded[order["id"]] <= view["paid"]
        assert 0 <= view["held"] and view["held"] + view["released"] <= view["paid"]
        assert view["commission"] == bps_share(view["released"], 500)
    for mid in m.merchants:
        balance = await ledger.merchant_totals(m.rt, mid, "CNY")
        assert balance["payable"] >= 0 and balance["debt"] >= 0 and balance["held"] >= 0


@pytest.mark.bazaar_engines("sqlite")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
async def test_random_interleavings_keep_every_invariant(bazaar_factory: Any, ops: list[tuple[str, int, int]]) -> None:
    cache = test_random_interleavings_keep_every_invariant.__dict__.setdefault("markets", {})
    key = id(bazaar_factory)
    if key not in cache:
        cache.clear()
        cache[key] = await make_market(bazaar_factory, payout_interval_hours=0)
    m: Market = cache[key]
    body = await m.buy((1, 1))
    orders = body["orders"]
    refunded = {o["id"]: 0 for o in orders}
    paid = expired = False
    for op, i, amount in ops:
        order = orders[i]
        if op == "pay":
            if paid or expired:
                r = await m.c.get(body["payment"]["pay_url"])
                assert r.status_code == 409 and r.json()["code"] == "payments.not_payable", r.text
            else:
                assert (await m.pay(body)).status_code == 200
                paid = True
        elif op == "ship":
            r = await m.c.post(f"/api/v1/merchants/{order['merchant_id']}/orders/{order['id']}/ship",
                               json={"carrier": "SF", "tracking_number": "SF1"},
                               headers=m.owners[m.merchants.index(order["merchant_id"])].headers)
            assert r.status_code in (200, 409), r.text
        elif op == "refund":
            view = await ledger.order_totals(m.rt, order["id"])
            r = await m.refund(order["id"], amount, f"prop-{next(_keys)}")
            left = view["paid"] - refunded[order["id"]]
            if view["paid"] and amount <= left:
                assert r.status_code == 202, r.text
                refunded[order["id"]] += amount
            else:
                assert r.status_code == 409, r.text
                assert r.json()["code"] in ("payments.refund_exceeds_paid", "payments.not_paid")
        elif op == "confirm":
            r = await m.c.post(f"/api/v1/orders/{order['id']}/confirm-receipt", headers=m.customer.headers)
            assert r.status_code in (200, 409), r.text
        elif op == "auto":
            await m.advance(days=11)
            expired = expired or not paid
        elif op == "payout":
            r = await m.c.post("/api/v1/payments/admin/payouts", headers=m.operator.headers)
            assert r.status_code == 200, r.text
        await check(m, body, refunded)
    assert (await m.reconcile())["mismatches"] == []
