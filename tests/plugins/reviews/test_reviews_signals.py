"""Signs of fake or bought reviews for the operator: bursts, refunds soon after five stars."""

from __future__ import annotations

from datetime import timedelta

import reviews_seed
from reviews_market import make_market


async def signals(m, kind: str | None = None) -> list[dict]:
    r = await m.c.get("/api/v1/reviews/admin/signals" + (f"?kind={kind}" if kind else ""), headers=m.operator.headers)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def refund(m, order_id: str, outcome: str = "refunded") -> None:
    """The after-sales plugin's closing event, with the fields the cross-plugin contract names."""
    await m.kit.emit_untyped("aftersales.case_closed", {
        "case_id": f"case-{order_id}", "order_id": order_id, "merchant_id": m.merchant_id, "outcome": outcome,
        "refunded": {"amount": 1999, "currency": "CNY"} if outcome == "refunded" else None,
        "auto_accepted": False, "ruled_against_merchant": False,
    }, subject=order_id)


async def test_a_burst_of_reviews_on_one_product_raises_one_signal(bazaar_factory):
    m = await make_market(bazaar_factory, signals={"burst_count": 3, "burst_hours": 1})
    await reviews_seed.reviews(m.rt, m.merchant_id, m.products[0], [5, 5])
    await reviews_seed.reviews(m.rt, m.merchant_id, m.products[1], [5, 5])
    assert await signals(m) == []
    await reviews_seed.reviews(m.rt, m.merchant_id, m.products[0], [5, 5])
    (burst,) = await signals(m, "burst")
    assert burst["product_id"] == m.products[0] and burst["merchant_id"] == m.merchant_id
    assert "3 reviews" in burst["detail"]
    events = await m.rt.db.fetch("SELECT data FROM kernel_outbox WHERE type = 'reviews.signal_raised'")
    assert len(events) == 1

    m.kit.clock.advance(timedelta(hours=2))  # reviews spread out: no burst
    await reviews_seed.reviews(m.rt, m.merchant_id, m.products[1], [4])
    assert len(await signals(m, "burst")) == 1


async def test_a_refund_shortly_after_a_five_star_review_raises_a_signal(bazaar_factory):
    m = await make_market(bazaar_factory)
    praised, lukewarm, late = await m.buyer(), await m.buyer(), await m.buyer()
    five = await m.reviewed(praised, 5, text="Perfect!")
    three = await m.reviewed(lukewarm, 3)
    old = await m.reviewed(late, 5)

    await m.advance(days=3)
    await refund(m, five["order_id"])
    await refund(m, three["order_id"])
    await refund(m, five["order_id"])  # a second delivery or case: still one signal
    (signal,) = await signals(m, "refund_after_five_star")
    assert (signal["review_id"], signal["order_id"]) == (five["id"], five["order_id"])

    await m.advance(days=20)  # beyond signals.refund_after_review_days (15)
    await refund(m, old["order_id"])
    await refund(m, three["order_id"], outcome="rejected")
    assert len(await signals(m, "refund_after_five_star")) == 1


async def test_signals_never_hide_anything(bazaar_factory):
    m = await make_market(bazaar_factory, signals={"burst_count": 2, "burst_hours": 24})
    ids = await reviews_seed.reviews(m.rt, m.merchant_id, m.products[0], [5, 5, 5])
    assert len(await signals(m, "burst")) == 1
    listed = (await m.c.get(f"/api/v1/reviews/products/{m.products[0]}/reviews")).json()["items"]
    assert {i["id"] for i in listed} == set(ids) and all(i["state"] == "published" for i in listed)
    assert (await m.summary())["count"] == 3
