"""Hide (never delete) on a published ground, the reviewer told, appeals and outcomes, public figures."""

from __future__ import annotations

import anyio
from reviews_market import make_market


async def view(m, review_id: str, who=None) -> dict:
    r = await m.c.get(f"/api/v1/reviews/{review_id}", headers=who.headers if who else None)
    assert r.status_code == 200, r.text
    return r.json()


async def appeal(m, buyer, review_id: str, statement: str = "My review is fair.") -> object:
    return await m.c.post(f"/api/v1/reviews/{review_id}/appeal", json={"statement": statement}, headers=buyer.headers)


async def decide(m, review_id: str, outcome: str, reason: str = "decided") -> object:
    return await m.c.post(f"/api/v1/reviews/admin/reviews/{review_id}/appeal-decision",
                          json={"outcome": outcome, "reason": reason}, headers=m.operator.headers)


async def test_a_hidden_review_shows_its_reason_keeps_its_rating_and_the_reviewer_is_told(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer = await m.buyer()
    review = await m.reviewed(buyer, 1, text="Call the owner on 13800138000!")
    await m.reviewed(await m.buyer(), 5)
    before = await m.summary()

    r = await m.hide(review["id"], "personal_data", "Names a private phone number.")
    assert r.status_code == 200, r.text
    public = await view(m, review["id"])
    assert public["state"] == "hidden" and public["text"] is None and public["photos"] == []
    assert public["hidden"]["ground"] == "personal_data"
    assert public["hidden"]["reason"] == "Names a private phone number."
    assert public["rating_counts"] is True and public["rating"] == 1
    assert await m.summary() == before  # the rating still counts

    mine = await view(m, review["id"], buyer)
    assert mine["text"] == "Call the owner on 13800138000!"
    assert mine["allowed_actions"] == ["appeal", "followup"]
    assert [d["name"] for d in mine["deadlines"]] == ["appeal_by", "followup_by"]
    assert (await view(m, review["id"], m.owner))["text"] is None

    (told,) = await m.rt.db.fetch("SELECT subject, data FROM kernel_outbox WHERE type = 'reviews.hidden'")
    assert told["subject"] == review["id"] and buyer.id in told["data"] and '"rating_counts":true' in told["data"]
    listed = (await m.c.get(f"/api/v1/reviews/products/{m.products[0]}/reviews")).json()["items"]
    assert {i["id"]: i["hidden"] is not None for i in listed}[review["id"]] is True


async def test_an_appeal_reinstates_the_review(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer = await m.buyer()
    review = await m.reviewed(buyer, 2, text="Contact me at tea-lover@example.com")
    await m.hide(review["id"], "advertising", "Promotes an outside contact.")

    r = await appeal(m, buyer, review["id"], "It is my own address, not an advert.")
    assert r.status_code == 200 and r.json()["state"] == "appeal_pending", r.text
    queue = (await m.c.get("/api/v1/reviews/admin/appeals", headers=m.operator.headers)).json()
    assert [(a["review_id"], a["statement"]) for a in queue] == [(review["id"], "It is my own address, not an advert.")]

    r = await decide(m, review["id"], "reinstate", "Not advertising.")
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "reinstated" and r.json()["hidden"] is None
    assert (await view(m, review["id"]))["text"] == "Contact me at tea-lover@example.com"
    history = (await m.c.get(f"/api/v1/reviews/admin/reviews/{review['id']}/moderation",
                             headers=m.operator.headers)).json()
    assert [(h["action"], h["ground"]) for h in history] == [
        ("hide", "advertising"), ("appeal", "advertising"), ("reinstate", "advertising")]
    (decided,) = await m.rt.db.fetch("SELECT data FROM kernel_outbox WHERE type = 'reviews.appeal_decided'")
    assert '"outcome":"reinstated"' in decided["data"]


async def test_a_review_hidden_as_fake_leaves_the_average_until_reinstated(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer = await m.buyer()
    fake = await m.reviewed(buyer, 5)
    await m.reviewed(await m.buyer(), 3)
    assert (await m.summary())["average"] == 4.0

    await m.hide(fake["id"], "fake", "Bought praise: cash-back after the review.")
    s = await m.summary()
    assert (s["count"], s["average"], s["histogram"]["5"]) == (1, 3.0, 0)
    assert (await view(m, fake["id"]))["rating_counts"] is False

    assert (await appeal(m, buyer, fake["id"])).status_code == 200
    r = await decide(m, fake["id"], "uphold", "The cash-back is on record.")
    assert r.status_code == 200 and r.json()["state"] == "hide_upheld", r.text
    assert (await m.summary())["count"] == 1
    assert (await appeal(m, buyer, fake["id"])).json()["code"] == "invalid_transition"

    r = await m.c.post(f"/api/v1/reviews/admin/reviews/{fake['id']}/reinstate",
                       json={"reason": "The court found the review genuine."}, headers=m.operator.headers)
    assert r.status_code == 200 and r.json()["state"] == "reinstated", r.text
    assert (await m.summary())["average"] == 4.0
    assert len(await m.rt.db.fetch("SELECT id FROM kernel_outbox WHERE type = 'reviews.reinstated'")) == 1


async def test_the_appeal_window_and_who_may_appeal(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer, other = await m.buyer(), await m.buyer()
    review = await m.reviewed(buyer, 1)
    r = await appeal(m, buyer, review["id"])
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"  # nothing to appeal yet
    await m.hide(review["id"], "threats")
    assert (await m.hide(review["id"], "threats")).json()["code"] == "invalid_transition"
    r = await appeal(m, other, review["id"])
    assert r.status_code == 404 and r.json()["code"] == "reviews.not_found"
    r = await decide(m, review["id"], "reinstate")
    assert r.status_code == 409  # no appeal pending

    await m.advance(days=16)  # cn: 15 days, ending at 24:00 local
    r = await appeal(m, buyer, review["id"])
    assert r.status_code == 409 and r.json()["code"] == "reviews.appeal_window_closed", r.text
    assert (await view(m, review["id"]))["state"] == "hidden"


async def test_only_grounds_in_force_and_only_operators(bazaar_factory):
    m = await make_market(bazaar_factory, hide_grounds=["personal_data", "illegal_content", "fake"])
    buyer = await m.buyer()
    review = await m.reviewed(buyer, 3)
    r = await m.hide(review["id"], "advertising")
    assert r.status_code == 422 and r.json()["code"] == "reviews.ground_refused", r.text
    assert r.json()["errors"][0]["field"] == "ground"
    r = await m.hide(review["id"], "rude")
    assert r.status_code in (400, 422)
    r = await m.c.post(f"/api/v1/reviews/admin/reviews/{review['id']}/hide",
                       json={"ground": "fake", "reason": "competitor"}, headers=m.owner.headers)
    assert r.status_code == 403
    r = await m.c.post(f"/api/v1/reviews/admin/reviews/{review['id']}/hide", json={"ground": "fake", "reason": ""},
                       headers=m.operator.headers)
    assert r.status_code in (400, 422)  # the reason is published: it cannot be empty
    assert (await view(m, review["id"]))["state"] == "published"
    assert await m.rt.db.fetch("SELECT id FROM reviews_moderation") == []


async def test_transparency_counts_every_hide_appeal_and_outcome_per_month(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyers = [await m.buyer() for _ in range(3)]
    reviews = [await m.reviewed(b, 4) for b in buyers]
    await m.hide(reviews[0]["id"], "obscenity")
    await m.hide(reviews[1]["id"], "fake")
    await appeal(m, buyers[1], reviews[1]["id"])
    await decide(m, reviews[1]["id"], "uphold")

    r = await m.c.get("/api/v1/reviews/transparency")
    assert r.status_code == 200, r.text
    (month,) = r.json()
    assert month == {"month": "2026-01", "reviews": 3, "hidden": 2, "hidden_by_ground": {"fake": 1, "obscenity": 1},
                     "appeals": 1, "reinstated": 0, "upheld": 1}
    assert (await m.c.get("/api/v1/reviews/transparency?month=2025-12")).json() == []
    assert (await m.c.get("/api/v1/reviews/transparency?month=2026-13")).status_code in (400, 422)


async def test_two_operators_racing_to_hide_make_one_hide(bazaar_factory):
    m = await make_market(bazaar_factory)
    review = await m.reviewed(await m.buyer(), 5)
    await m.reviewed(await m.buyer(), 3)
    answers: list[tuple[int, str | None]] = []

    async def hide(ground: str) -> None:
        r = await m.hide(review["id"], ground, "race")
        answers.append((r.status_code, r.json().get("code")))

    async with anyio.create_task_group() as tg:
        tg.start_soon(hide, "fake")
        tg.start_soon(hide, "threats")
    assert sorted(a[0] for a in answers) == [200, 409], answers
    assert {a[1] for a in answers if a[0] == 409} <= {"invalid_transition", "reviews.changed"}
    history = await m.rt.db.fetch("SELECT ground FROM reviews_moderation WHERE review_id = {}", review["id"])
    assert len(history) == 1
    expected = 1 if history[0]["ground"] == "fake" else 2  # the fake hide took the five stars out, once
    assert (await m.summary())["count"] == expected
