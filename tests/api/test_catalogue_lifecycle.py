"""The listing lifecycle through the review hooks: veto, reject (all reasons), queue, approve, take down."""

from collections import Counter

import pytest
from catalogue_kit import counts, create, live, problem

from bazaar.core.catalogue import service
from bazaar.sdk.errors import InvalidTransition
from bazaar.sdk.events import By, ListingStatusChanged
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.types import Objection, ReviewFinding


class Censor:
    """Vetoes "forbidden" names; rejects unlicensed food; queues listings without images."""

    @hookimpl
    def bazaar_listing_objections(self, listing, merchant):
        if "forbidden" in listing.name.lower():
            return Objection(reason="banned word in the name", code="censor.banned")
        return None

    @hookimpl
    async def bazaar_collect_listing_review(self, ctx, listing):
        findings = []
        if "licence:food" in listing.category_flags:
            findings.append(ReviewFinding(outcome="reject", field="category_id", reason="food licence missing"))
        if not listing.image_urls:
            findings.append(ReviewFinding(outcome="review", field="image_urls", reason="no picture"))
        return findings


class Copywriter:
    """A second reviewer: rejects descriptions that promise cures."""

    @hookimpl
    def bazaar_collect_listing_review(self, listing):
        if "cures" in listing.description:
            return [ReviewFinding(outcome="reject", field="description", reason="medical claim")]
        return []


CENSOR = Plugin(id="censor", version="1.0.0", summary="test reviewer", hooks=Censor)
COPYWRITER = Plugin(id="copywriter", version="1.0.0", summary="test reviewer", hooks=Copywriter)


async def reviewers(bazaar_factory):
    return await bazaar_factory(plugins=["censor", "copywriter"], extra=[CENSOR, COPYWRITER])


async def events(rt):
    """How many product events of each kind are in the outbox: ``product.created`` and each listing move by its event.

    (Counted, not listed: ids do not order events within a millisecond.)
    """
    rows = await rt.db.fetch("SELECT id FROM kernel_outbox WHERE type LIKE 'product.%'")
    found = [await rt.events.load(r["id"]) for r in rows]
    return Counter(e.event if isinstance(e, ListingStatusChanged) else e.type for e in found)


async def test_without_plugins_submit_goes_live_and_is_recorded(bazaar):
    mid, owner = await bazaar.merchant()
    p = await live(bazaar, mid, owner)
    assert p["visible"] is True and p["published_at"] is not None
    assert [(h["from_status"], h["to_status"]) for h in p["history"]] == [("draft", "in_review"), ("in_review", "live")]
    assert await events(bazaar.runtime) == {"product.created": 1, "submit": 1, "approve": 1}
    # live -> delisted -> resubmitted -> live
    base = f"/api/v1/merchants/{mid}/products/{p['id']}"
    r = await bazaar.client.post(f"{base}/delist", json={"reason": "out of season"}, headers=owner.headers)
    assert r.status_code == 200 and r.json()["status"] == "delisted" and r.json()["visible"] is False
    assert r.json()["history"][-1]["reasons"][0]["reason"] == "out of season"
    assert (await bazaar.client.get(f"/api/v1/products/{p['id']}")).status_code == 404
    r = await bazaar.client.post(f"{base}/submit", headers=owner.headers)
    assert r.json()["status"] == "live"
    problem(await bazaar.client.post(f"{base}/submit", headers=owner.headers), 409, "invalid_transition")
    assert await events(bazaar.runtime) == {"product.created": 1, "submit": 2, "approve": 2, "delist": 1}


async def test_a_veto_stops_the_submission_and_changes_nothing(bazaar_factory):
    kit = await reviewers(bazaar_factory)
    mid, owner = await kit.merchant()
    p = await create(kit, mid, owner, name="Forbidden fruit")
    before = await counts(kit.runtime)
    r = await kit.client.post(f"/api/v1/merchants/{mid}/products/{p['id']}/submit", headers=owner.headers)
    body = problem(r, 409, "plugin_vetoed")
    assert body["plugin"] == "censor" and body["reason_code"] == "censor.banned"
    assert await counts(kit.runtime) == before
    view = (await kit.client.get(f"/api/v1/merchants/{mid}/products/{p['id']}", headers=owner.headers)).json()
    assert view["status"] == "draft" and view["history"] == []


async def test_rejection_carries_every_reason_then_edit_and_resubmit(bazaar_factory):
    kit = await reviewers(bazaar_factory)
    op = await kit.operator()
    r = await kit.client.post("/api/v1/admin/categories", headers=op.headers,
                              json={"name": "Food", "slug": "food", "licence_kind": "food"})
    food = r.json()["id"]
    r = await kit.client.post("/api/v1/admin/categories", headers=op.headers,
                              json={"name": "Tea", "slug": "tea", "parent_id": food})
    tea = r.json()["id"]  # the licence flag is inherited from Food
    mid, owner = await kit.merchant()
    p = await create(kit, mid, owner, category_id=tea, description="This tea cures everything")
    base = f"/api/v1/merchants/{mid}/products/{p['id']}"
    r = await kit.client.post(f"{base}/submit", headers=owner.headers)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["status"] == "rejected" and view["visible"] is False
    assert [(f["field"], f["reason"], f["plugin"]) for f in view["review_reasons"]] == [
        ("category_id", "food licence missing", "censor"),
        ("description", "medical claim", "copywriter"),
    ]
    assert view["history"][-1]["to_status"] == "rejected" and len(view["history"][-1]["reasons"]) == 2
    assert view["allowed_actions"] == ["edit", "submit"]
    # editing a rejected listing returns it to draft
    r = await kit.client.patch(base, json={"description": "A fine tea", "category_id": None}, headers=owner.headers)
    assert r.json()["status"] == "draft"
    r = await kit.client.post(f"{base}/submit", headers=owner.headers)
    assert r.json()["status"] == "live", r.json()
    assert (await events(kit.runtime))["reject"] == 1


async def test_review_queue_operator_and_plugin_decisions(bazaar_factory):
    kit = await reviewers(bazaar_factory)
    op = await kit.operator()
    mid, owner = await kit.merchant()
    a = await create(kit, mid, owner, name="No picture A", image_urls=[])
    b = await create(kit, mid, owner, name="No picture B", image_urls=[])
    for p in (a, b):
        r = await kit.client.post(f"/api/v1/merchants/{mid}/products/{p['id']}/submit", headers=owner.headers)
        assert r.json()["status"] == "in_review"
        assert r.json()["review_reasons"][0]["reason"] == "no picture"
    assert (await kit.client.get(f"/api/v1/products/{a['id']}")).status_code == 404
    r = await kit.client.get("/api/v1/admin/products", params={"status": "in_review"}, headers=op.headers)
    assert {i["id"] for i in r.json()["items"]} == {a["id"], b["id"]}
    problem(await kit.client.get("/api/v1/admin/products", headers=owner.headers), 403, "forbidden")
    # an operator approves one
    r = await kit.client.post(f"/api/v1/admin/products/{a['id']}/approve", headers=op.headers)
    assert r.status_code == 200 and r.json()["status"] == "live" and r.json()["visible"] is True
    assert r.json()["history"][-1]["actor_id"] == op.id
    assert (await kit.client.get(f"/api/v1/products/{a['id']}")).status_code == 200
    # a plugin rejects the other through the facade, naming itself
    snap = await service.reject_listing(kit.runtime, b["id"], ["poor photos", "wrong size chart"], plugin="censor",
                                        actor_id=None)
    assert snap.status == "rejected"
    view = (await kit.client.get(f"/api/v1/merchants/{mid}/products/{b['id']}", headers=owner.headers)).json()
    assert [f["reason"] for f in view["review_reasons"]] == ["poor photos", "wrong size chart"]
    assert view["history"][-1]["plugin"] == "censor"
    # decisions are only for listings in review
    before = await counts(kit.runtime)
    problem(await kit.client.post(f"/api/v1/admin/products/{a['id']}/approve", headers=op.headers), 409,
            "invalid_transition")
    problem(await kit.client.post(f"/api/v1/admin/products/{b['id']}/reject", json={"reasons": []}, headers=op.headers),
            422, "validation_failed")
    assert await counts(kit.runtime) == before
    # take-down of a live listing
    r = await kit.client.post(f"/api/v1/admin/products/{a['id']}/take-down", json={"reason": "counterfeit report"},
                              headers=op.headers)
    assert r.json()["status"] == "delisted" and r.json()["visible"] is False
    assert (await kit.client.get(f"/api/v1/products/{a['id']}")).status_code == 404
    assert (await events(kit.runtime))["take_down"] == 1
    rows = await kit.runtime.db.fetch("SELECT id FROM kernel_outbox WHERE type = 'product.status_changed'")
    (down,) = [e for e in [await kit.runtime.events.load(r["id"]) for r in rows]
               if isinstance(e, ListingStatusChanged) and e.event == "take_down"]
    assert (down.product_id, down.from_status, down.to_status) == (a["id"], "live", "delisted")
    assert down.by == By(kind="operator", id=op.id) and [r.reason for r in down.reasons] == ["counterfeit report"]


async def test_content_edits_of_live_listings_are_reviewed_again_price_edits_are_not(bazaar_factory):
    kit = await reviewers(bazaar_factory)
    mid, owner = await kit.merchant()
    p = await live(kit, mid, owner)
    base = f"/api/v1/merchants/{mid}/products/{p['id']}"
    r = await kit.client.patch(f"{base}/skus/{p['skus'][0]['id']}", json={"price": {"amount": 1500, "currency": "CNY"}},
                               headers=owner.headers)
    assert r.status_code == 200
    view = (await kit.client.get(base, headers=owner.headers)).json()
    assert view["status"] == "live" and view["price_min"]["amount"] == 1500
    # a veto on the revised content refuses the edit itself
    before = await counts(kit.runtime)
    problem(await kit.client.patch(base, json={"name": "Forbidden shirt"}, headers=owner.headers), 409, "plugin_vetoed")
    assert await counts(kit.runtime) == before
    assert (await kit.client.get(base, headers=owner.headers)).json()["name"] == "Linen shirt"
    # removing the pictures queues the listing: off the storefront until approved
    r = await kit.client.patch(base, json={"image_urls": []}, headers=owner.headers)
    assert r.json()["status"] == "in_review" and r.json()["visible"] is False
    problem(await kit.client.patch(base, json={"name": "Again"}, headers=owner.headers), 409, "invalid_transition")
    await service.approve_listing(kit.runtime, p["id"], plugin="censor", actor_id=None)
    assert (await kit.client.get(f"/api/v1/products/{p['id']}")).status_code == 200


async def test_take_down_facade_and_snapshot(bazaar):
    op = await bazaar.operator()
    r = await bazaar.client.post("/api/v1/admin/categories", headers=op.headers,
                                 json={"name": "Fresh", "slug": "fresh", "no_reason_return_excluded": True,
                                       "licence_kind": "food"})
    mid, owner = await bazaar.merchant()
    p = await live(bazaar, mid, owner, category_id=r.json()["id"])
    snap = await service.listing_snapshot(bazaar.runtime, p["id"])
    assert snap.category_flags == ("licence:food", "no_reason_return_excluded")
    assert [s.code for s in snap.skus] == ["S", "M"] and snap.skus[0].price.amount == 1999
    snap = await service.take_down(bazaar.runtime, p["id"], "sanctioned brand", plugin="qualification", actor_id=None)
    assert snap.status == "delisted"
    view = (await bazaar.client.get(f"/api/v1/merchants/{mid}/products/{p['id']}", headers=owner.headers)).json()
    assert view["history"][-1]["plugin"] == "qualification"
    assert view["review_reasons"][0]["reason"] == "sanctioned brand"
    assert view["allowed_actions"] == ["submit"]  # the merchant may resubmit; reinstating is not theirs


async def test_reinstate_puts_a_taken_down_listing_back_on_sale(bazaar):
    mid, owner = await bazaar.merchant()
    p = await live(bazaar, mid, owner)
    with_reason = await service.take_down(bazaar.runtime, p["id"], "IP complaint", plugin="complaints", actor_id=None)
    assert with_reason.status == "delisted"
    assert (await bazaar.client.get(f"/api/v1/products/{p['id']}")).status_code == 404
    snap = await service.reinstate_listing(bazaar.runtime, p["id"], "complaint withdrawn", plugin="complaints",
                                           actor_id=None)
    assert snap.status == "live"
    assert (await bazaar.client.get(f"/api/v1/products/{p['id']}")).status_code == 200
    view = (await bazaar.client.get(f"/api/v1/merchants/{mid}/products/{p['id']}", headers=owner.headers)).json()
    assert [(h["from_status"], h["to_status"], h["plugin"]) for h in view["history"][-2:]] == [
        ("live", "delisted", "complaints"), ("delisted", "live", "complaints")]
    assert view["visible"] is True and view["review_reasons"] == []
    # only a delisted listing can be reinstated
    before = await counts(bazaar.runtime)
    with pytest.raises(InvalidTransition):
        await service.reinstate_listing(bazaar.runtime, p["id"], "again", plugin="complaints", actor_id=None)
    assert await counts(bazaar.runtime) == before
