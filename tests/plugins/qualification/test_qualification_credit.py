"""Credit rating: recomputed from events with the published formula, nightly, public rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

from qualification_helpers import BASE

from bazaar.sdk.events import (
    Event,
    OrderCancelled,
    OrderCompleted,
    OrderPaid,
    OrderShipped,
)

T = datetime(2026, 1, 1, 10, tzinfo=UTC)


def order(kind: str, order_id: str, merchant_id: str, **extra: Any) -> Event:
    """A core order event about ``order_id`` of ``merchant_id`` (``paid``, ``shipped``, ``completed``, ``cancelled``)."""
    base = {"order_id": order_id, "checkout_id": "chk_" + order_id, "merchant_id": merchant_id, "customer_id": "usr_1"}
    if kind == "paid":
        return OrderPaid(**base, from_state="pending_payment", paid_at=T)
    if kind == "shipped":
        return OrderShipped(**base, from_state="paid", shipped_at=extra.pop("shipped_at", T), **extra)
    if kind == "completed":
        return OrderCompleted(**base, from_state="shipped", completed_at=T)
    return OrderCancelled(**base, from_state="paid", cancelled_at=T, **extra)


def review(m: dict[str, Any], review_id: str, rating: int, **extra: Any) -> dict[str, Any]:
    """A ``reviews.created`` as the reviews plugin writes it (the fields the cross-plugin contract names)."""
    return {**m, "review_id": review_id, "order_id": "ord_1", "product_id": "prd_1", "rating": rating, **extra}


async def emit(kit, events):
    """Typed events are emitted as the core does; ``(type, subject, data)`` rows as a plugin not installed here would."""
    async with kit.runtime.unit_of_work():
        for event in events:
            if isinstance(event, Event):
                await kit.runtime.emit(event)
            else:
                type_, subject, data = event
                await kit.runtime.events.emit_untyped(type_, data, subject=subject)
    await kit.run_due()


async def test_score_from_a_sequence_of_events_matches_the_published_formula(qkit):
    kit = qkit
    mid, owner = await kit.merchant()
    m = {"merchant_id": mid}
    await emit(kit, [
        order("paid", "ord_1", mid), order("shipped", "ord_1", mid, on_time=True), order("completed", "ord_1", mid),
        order("paid", "ord_2", mid), order("shipped", "ord_2", mid, on_time=False), order("completed", "ord_2", mid),
        ("aftersales.case_closed", "ret_1", {**m, "order_id": "ord_2", "case_id": "ret_1", "outcome": "refunded"}),
        ("aftersales.case_closed", "ret_2", {**m, "order_id": "ord_1", "case_id": "ret_2", "outcome": "rejected"}),
        order("paid", "ord_3", mid), order("cancelled", "ord_3", mid, cancel_reason="merchant_request"),
        order("paid", "ord_4", mid), order("cancelled", "ord_4", mid, cancel_reason="customer_request"),
        ("complaints.upheld", "cmp_1", {**m, "complaint_id": "cmp_1"}),
        ("reviews.created", "rev_1", review(m, "rev_1", 5)), ("reviews.created", "rev_2", review(m, "rev_2", 2)),
        ("reviews.created", "rev_3", review(m, "rev_3", 9)),  # out of range: ignored
        ("reviews.created", "rev_4", review(m, "rev_4", 1, followup=True)),  # a follow-up: counted once already
    ])
    r = await kit.client.get(f"{BASE}/credit/rules")
    assert r.status_code == 200, r.text
    rules = r.json()
    w = {c["name"]: c["weight"] for c in rules["components"]}
    # the published formula, reproduced: 4 orders, 2 shipped (1 on time), 1 merchant cancellation (the
    # customer's own does not count), 1 return (a rejected case is none), 1 upheld complaint, ratings 5 and 2
    quality = {
        "on_time_shipping": Fraction(1, 2), "cancellation": 1 - Fraction(1, 4), "return_rate": 1 - Fraction(1, 4),
        "upheld_complaints": 1 - Fraction(1, 4), "review_score": Fraction(5 + 2 - 2, 4 * 2),
    }
    expected = int(Fraction(100) * sum(w[k] * q for k, q in quality.items()) / sum(w.values()) + Fraction(1, 2))
    grade = next((g for g, floor in sorted(rules["grades"].items(), key=lambda kv: -kv[1]) if expected >= floor), "D")
    r = await kit.client.get(f"{BASE}/merchants/{mid}/credit", headers=owner.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["score"], body["grade"], body["orders"]) == (expected, grade, 4) == (66, "C", 4)
    assert {c["name"]: c["quality_bps"] for c in body["components"]} == {k: int(q * 10000) for k, q in quality.items()}
    # the grade is public, and on the merchant's own status
    r = await kit.client.get(f"{BASE}/public/merchants/{mid}")
    assert r.json()["grade"] == "C" and r.json()["score"] == 66
    # one more on-time order raises it at once (recomputed on the event)
    await emit(kit, [order("paid", "ord_5", mid),
                     order("shipped", "ord_5", mid, ship_by=T + timedelta(hours=14))])
    r = await kit.client.get(f"{BASE}/merchants/{mid}", headers=owner.headers)
    assert r.json()["score"] > 66

    # facts leave the window; the nightly run recomputes: no orders in the window -> unrated
    await kit.advance(timedelta(days=181))
    r = await kit.client.get(f"{BASE}/public/merchants/{mid}")
    assert r.json()["grade"] == "N" and r.json()["score"] is None


async def test_rules_route_follows_rules_public(bazaar_factory):
    kit = await bazaar_factory(plugins=["qualification"],
                               config={"qualification": {"preset": "cn", "credit": {"rules_public": False}}})
    r = await kit.client.get(f"{BASE}/credit/rules")
    assert r.status_code == 404 and r.json()["code"] == "qualification.rules_not_public"
    operator = await kit.operator()
    r = await kit.client.get(f"{BASE}/credit/rules", headers=operator.headers)
    assert r.status_code == 200 and "round_half_up" in r.json()["formula"]
