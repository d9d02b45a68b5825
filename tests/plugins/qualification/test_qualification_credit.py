"""Credit rating: recomputed from events with the published formula, nightly, public rules."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from qualification_helpers import BASE


async def emit(kit, events):
    async with kit.runtime.unit_of_work():
        for type_, subject, data in events:
            await kit.runtime.events.emit(type_, data, subject=subject)
    await kit.run_due()


async def test_score_from_a_sequence_of_events_matches_the_published_formula(qkit):
    kit = qkit
    mid, owner = await kit.merchant()
    m = {"merchant_id": mid}
    await emit(kit, [
        ("order.paid", "ord_1", m), ("order.shipped", "ord_1", {**m, "on_time": True}), ("order.completed", "ord_1", m),
        ("order.paid", "ord_2", m), ("order.shipped", "ord_2", {**m, "on_time": False}), ("order.completed", "ord_2", m),
        ("return.approved", "ret_1", {**m, "order_id": "ord_2"}),
        ("order.paid", "ord_3", m), ("order.cancelled", "ord_3", {**m, "by": "merchant"}),
        ("order.paid", "ord_4", m), ("order.cancelled", "ord_4", {**m, "by": "customer"}),
        ("complaint.upheld", "cmp_1", m),
        ("review.created", "rev_1", {**m, "rating": 5}), ("review.created", "rev_2", {**m, "rating": 2}),
        ("review.created", "rev_3", {**m, "rating": 9}),  # out of range: ignored
    ])
    r = await kit.client.get(f"{BASE}/credit/rules")
    assert r.status_code == 200, r.text
    rules = r.json()
    w = {c["name"]: c["weight"] for c in rules["components"]}
    # the published formula, reproduced: 4 orders, 2 shipped (1 on time), 1 merchant cancellation,
    # 1 return, 1 upheld complaint, ratings 5 and 2
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
    await emit(kit, [("order.paid", "ord_5", m), ("order.shipped", "ord_5", {**m, "shipped_at": "2026-01-01T10:00:00Z",
                                                                            "ship_by": "2026-01-02T00:00:00Z"})])
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
