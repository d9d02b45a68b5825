"""One follow-up per line within ``followup_days``; one store reply per review and per follow-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reviews_market import make_market

from bazaar.sdk.testing import seed


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC) - timedelta(hours=8)


async def followup(m, buyer, review_id: str, text: str = "Still good after a month."):
    return await m.c.post(f"/api/v1/reviews/{review_id}/followup", json={"text": text}, headers=buyer.headers)


async def test_one_follow_up_after_the_review_window_and_within_180_days(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer = await m.buyer()
    order_id = await m.order(buyer, lines=2)
    first, second = await m.lines_of(buyer, order_id)
    reviews = []
    for line_id in (first, second):
        r = await m.review(buyer, line_id, 5)
        assert r.status_code == 201, r.text
        reviews.append(r.json())

    await m.advance(days=40)  # the review window is long closed
    (offered, _) = await m.eligible(buyer)
    assert offered["action"] == "followup"
    r = await followup(m, buyer, reviews[0]["id"])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["id"] == reviews[0]["id"] and body["followup"]["text"] == "Still good after a month."
    assert "followup" not in body["allowed_actions"]
    r = await followup(m, buyer, reviews[0]["id"], "again")
    assert r.status_code == 409 and r.json()["code"] == "reviews.followup_exists", r.text
    # a follow-up repeats the ratings in its event, flagged, and does not count twice in the average
    events = await m.rt.db.fetch("SELECT data FROM kernel_outbox WHERE type = 'reviews.created' ORDER BY id")
    assert ['"followup":true' in e["data"] for e in events] == [False, False, True]
    assert [(await m.summary(p))["count"] for p in m.products] == [1, 1]

    # day 180 after Monday 5 January is Saturday 4 July: rolled to the end of Monday 6 July
    await m.advance_to(local(2026, 7, 7))
    r = await followup(m, buyer, reviews[1]["id"])
    assert r.status_code == 409 and r.json()["code"] == "reviews.window_closed", r.text


async def test_the_follow_up_window_is_open_until_its_rolled_end(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer = await m.buyer()
    review = await m.reviewed(buyer)
    await m.advance_to(local(2026, 7, 6, 23, 0))
    r = await followup(m, buyer, review["id"])
    assert r.status_code == 201, r.text


async def test_only_the_reviewer_follows_up(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer, other = await m.buyer(), await m.buyer()
    review = await m.reviewed(buyer)
    r = await followup(m, other, review["id"])
    assert r.status_code == 404 and r.json()["code"] == "reviews.not_found"
    r = await m.c.post("/api/v1/reviews/rvw_00000000000000000000000000/followup", json={"text": "x"},
                       headers=buyer.headers)
    assert r.status_code == 404


async def test_the_store_replies_once_to_a_review_and_once_to_its_follow_up(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer = await m.buyer()
    review = await m.reviewed(buyer, 2, text="Too bitter.")
    base = f"/api/v1/reviews/merchants/{m.merchant_id}/reviews"

    r = await m.c.get(f"{base}?unreplied=true", headers=m.owner.headers)
    (waiting,) = r.json()["items"]
    assert waiting["id"] == review["id"] and "reply" in waiting["allowed_actions"]

    r = await m.c.post(f"{base}/{review['id']}/reply", json={"text": "Sorry: brew it cooler."}, headers=m.owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["reply"]["text"] == "Sorry: brew it cooler."
    assert "reply" not in r.json()["allowed_actions"]
    r = await m.c.post(f"{base}/{review['id']}/reply", json={"text": "again"}, headers=m.owner.headers)
    assert r.status_code == 409 and r.json()["code"] == "reviews.already_replied"

    r = await followup(m, buyer, review["id"], "Cooler water helped.")
    followup_id = r.json()["followup"]["id"]
    r = await m.c.post(f"{base}/{followup_id}/reply", json={"text": "Glad to hear it!"}, headers=m.owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["followup"]["reply"]["text"] == "Glad to hear it!"
    assert (await m.c.get(f"{base}?unreplied=true", headers=m.owner.headers)).json()["items"] == []

    public = (await m.c.get(f"/api/v1/reviews/{review['id']}")).json()
    assert public["reply"]["text"] == "Sorry: brew it cooler." and public["allowed_actions"] == []
    assert public["order_id"] is None  # the public never sees the order
    replied = await m.rt.db.fetch("SELECT data FROM kernel_outbox WHERE type = 'reviews.replied'")
    assert len(replied) == 2


async def test_another_store_can_neither_reply_nor_list(bazaar_factory):
    m = await make_market(bazaar_factory)
    review = await m.reviewed(await m.buyer())
    other_id, other_owner = await m.kit.merchant(name="Other Shop")
    await seed.product(m.rt, other_id, name="Other", prices=[100])
    r = await m.c.post(f"/api/v1/reviews/merchants/{other_id}/reviews/{review['id']}/reply",
                       json={"text": "hi"}, headers=other_owner.headers)
    assert r.status_code == 404 and r.json()["code"] == "reviews.not_found"
    r = await m.c.post(f"/api/v1/reviews/merchants/{m.merchant_id}/reviews/{review['id']}/reply",
                       json={"text": "hi"}, headers=other_owner.headers)
    assert r.status_code == 403
    r = await m.c.get(f"/api/v1/reviews/merchants/{m.merchant_id}/reviews", headers=other_owner.headers)
    assert r.status_code == 403
    assert (await m.c.get(f"/api/v1/reviews/{review['id']}")).json()["reply"] is None


async def test_the_credit_rating_counts_a_review_once_and_never_its_follow_up(bazaar_factory):
    m = await make_market(bazaar_factory, plugins=("qualification",), extra_config={"qualification": {"preset": "cn"}})
    buyer = await m.buyer()
    review = await m.reviewed(buyer, 2, text="Leaky lid.")
    assert (await followup(m, buyer, review["id"], "Still leaky.")).status_code == 201
    facts = await m.rt.db.fetch(
        "SELECT value FROM qualification_credit_fact WHERE kind = 'review' AND merchant_id = {}", m.merchant_id)
    assert [f["value"] for f in facts] == [2]
    r = await m.c.get(f"/api/v1/qualification/merchants/{m.merchant_id}/credit", headers=m.owner.headers)
    assert {c["name"]: c["quality_bps"] for c in r.json()["components"]}["review_score"] == 2500
