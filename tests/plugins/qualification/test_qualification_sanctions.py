"""Sanctions: effects on the merchant, timed ends, the public record, termination notice."""

from __future__ import annotations

from datetime import timedelta

from qualification_helpers import BASE, category, count, submit_product


async def merchant_status(kit, mid, session):
    return (await kit.client.get(f"/api/v1/merchants/{mid}", headers=session.headers)).json()["status"]


async def test_restriction_with_end_is_public_blocks_listing_and_lifts_itself(qkit):
    kit = qkit
    operator = await kit.operator()
    mid, owner = await kit.merchant()
    cat = await category(kit, operator, "Towels")
    ends = (kit.clock.now() + timedelta(days=2)).isoformat()
    r = await kit.client.post(f"{BASE}/admin/merchants/{mid}/sanctions", headers=operator.headers,
                              json={"kind": "restriction", "reason": "late shipping pattern", "ends_at": ends})
    assert r.status_code == 201, r.text
    sanction = r.json()
    assert sanction["status"] == "active" and sanction["published_at"] and sanction["publish_by"]
    assert sanction["allowed_actions"] == ["end"]
    assert sanction["deadlines"] == [{"name": "ends_at", "due_at": sanction["ends_at"]}]
    assert await merchant_status(kit, mid, operator) == "restricted"
    r = await submit_product(kit, owner, mid, cat)
    assert r.status_code == 409  # a restricted merchant lists nothing new
    r = await kit.client.get(f"{BASE}/public/sanctions")
    assert [(s["id"], s["reason"]) for s in r.json()] == [(sanction["id"], "late shipping pattern")]
    assert r.json()[0]["allowed_actions"] == []  # the public lifts nothing
    r = await kit.client.get(f"{BASE}/merchants/{mid}", headers=owner.headers)
    assert [s["kind"] for s in r.json()["sanctions"]] == ["restriction"]
    assert r.json()["sanctions"][0]["allowed_actions"] == []

    await kit.advance(timedelta(days=2, minutes=1))
    operator = await kit.login(operator.email, operator.password)
    assert await merchant_status(kit, mid, operator) == "active"
    r = await kit.client.get(f"{BASE}/admin/merchants/{mid}/sanctions", headers=operator.headers)
    assert r.json()[0]["status"] == "ended" and r.json()[0]["end_reason"] == "ended as scheduled"


async def test_suspension_is_lifted_by_an_operator_and_warning_changes_nothing(qkit):
    kit = qkit
    operator = await kit.operator()
    mid, owner = await kit.merchant()
    r = await kit.client.post(f"{BASE}/admin/merchants/{mid}/sanctions", headers=operator.headers,
                              json={"kind": "warning", "reason": "first notice"})
    assert r.status_code == 201 and await merchant_status(kit, mid, operator) == "active"
    r = await kit.client.post(f"{BASE}/admin/merchants/{mid}/sanctions", headers=operator.headers,
                              json={"kind": "suspension", "reason": "counterfeit goods"})
    sid = r.json()["id"]
    assert await merchant_status(kit, mid, operator) == "suspended"
    # nobody reactivates it by hand while the suspension is active
    r = await kit.client.post(f"/api/v1/admin/merchants/{mid}/status", headers=operator.headers,
                              json={"status": "active", "reason": "by hand"})
    assert r.status_code == 409 and r.json()["plugin"] == "qualification"
    r = await kit.client.post(f"{BASE}/admin/sanctions/{sid}/lift", headers=operator.headers, json={"reason": "appeal upheld"})
    assert r.status_code == 200 and r.json()["status"] == "ended", r.text
    assert r.json()["allowed_actions"] == [] and r.json()["deadlines"] == []
    assert await merchant_status(kit, mid, operator) == "active"
    r = await kit.client.post(f"{BASE}/admin/sanctions/{sid}/lift", headers=operator.headers, json={"reason": "again"})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"


async def test_bad_sanctions_are_refused_and_store_nothing(qkit):
    kit = qkit
    operator = await kit.operator()
    mid, _ = await kit.merchant()
    end = (kit.clock.now() + timedelta(days=1)).isoformat()
    past = (kit.clock.now() - timedelta(days=1)).isoformat()
    for body, field in [
        ({"kind": "warning", "reason": "x", "ends_at": end}, "ends_at"),
        ({"kind": "restriction", "reason": "x", "ends_at": past}, "ends_at"),
    ]:
        r = await kit.client.post(f"{BASE}/admin/merchants/{mid}/sanctions", headers=operator.headers, json=body)
        assert r.status_code == 422 and r.json()["code"] == "qualification.sanction_invalid", r.text
        assert r.json()["errors"][0]["field"] == field
    r = await kit.client.post(f"{BASE}/admin/merchants/{mid}/sanctions", headers=operator.headers,
                              json={"kind": "fine", "reason": "x"})
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"
    assert await count(kit, "qualification_sanction") == 0


async def test_eu_termination_waits_for_its_notice_and_is_not_published(bazaar_factory):
    kit = await bazaar_factory(plugins=["qualification"], config={"qualification": {"preset": "eu"}})
    operator = await kit.operator()
    mid, owner = await kit.merchant()
    r = await kit.client.post(f"{BASE}/admin/merchants/{mid}/sanctions", headers=operator.headers,
                              json={"kind": "termination", "reason": "repeated infringements"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "scheduled" and body["published_at"] is None and body["publish_by"] is None
    notices = await count(kit, "kernel_outbox", "type = {} AND subject = {}", "qualification.termination_notice", mid)
    assert notices == 1
    assert await merchant_status(kit, mid, operator) == "active"
    await kit.advance(timedelta(days=29))
    operator = await kit.login(operator.email, operator.password)
    assert await merchant_status(kit, mid, operator) == "active"
    await kit.advance(timedelta(days=3))
    operator = await kit.login(operator.email, operator.password)
    assert await merchant_status(kit, mid, operator) == "closed"
    r = await kit.client.get(f"{BASE}/public/sanctions")
    assert r.json() == []
