"""The whole onboarding story through HTTP, from application to restoration after a lapse."""

from __future__ import annotations

from datetime import timedelta

from qualification_helpers import BASE, PROBLEM, cn_fields, count, upload


async def test_onboarding_story(qkit):
    kit = qkit
    operator = await kit.operator()
    # apply: the store starts pending and cannot be activated by hand
    mid, owner = await kit.merchant(activate=False)
    r = await kit.client.post(f"/api/v1/admin/merchants/{mid}/status", json={"status": "active", "reason": "by hand"},
                              headers=operator.headers)
    assert r.status_code == 409 and r.json()["code"] == "decided_by_plugin", r.text

    r = await kit.client.get(f"{BASE}/merchants/{mid}", headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["verification"] == "unverified"
    assert "uscc" in r.json()["required_fields"]

    # an incomplete dossier is refused naming every defect at once; nothing is stored
    r = await kit.client.post(f"{BASE}/merchants/{mid}/dossiers", headers=owner.headers, json={"fields": {
        "legal_name": "上海测试贸易有限公司", "uscc": "91310000MA1FL12340", "licence_expires_on": "2020-01-01"}})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    problem = r.json()
    assert problem["code"] == "qualification.dossier_incomplete"
    fields = {e["field"] for e in problem["errors"]}
    assert fields == {
        "fields.uscc", "fields.licence_expires_on", "fields.legal_representative", "fields.business_scope",
        "fields.registered_address", "fields.contact_phone", "fields.settlement_account", "fields.business_licence_doc",
    }
    assert await count(kit, "qualification_dossier") == 0

    # a complete dossier goes to the queue; the operator rejects it naming two defects
    doc = (await upload(kit, owner, mid)).json()["id"]
    r = await kit.client.post(f"{BASE}/merchants/{mid}/dossiers", headers=owner.headers, json={"fields": cn_fields(doc)})
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["version"] == 1 and first["status"] == "submitted" and first["purpose"] == "onboarding"
    assert first["allowed_actions"] == []  # deciding is the operator's
    r = await kit.client.get(f"{BASE}/admin/dossiers", headers=operator.headers)
    assert [i["dossier_id"] for i in r.json()["items"]] == [first["id"]]
    assert r.json()["items"][0]["target_working_days"] == 5
    assert first["deadlines"] == [{"name": "review_by", "due_at": r.json()["items"][0]["due_at"]}]
    r = await kit.client.get(f"{BASE}/admin/dossiers/{first['id']}", headers=operator.headers)
    assert r.json()["allowed_actions"] == ["approve", "reject"]
    r = await kit.client.post(f"{BASE}/admin/dossiers/{first['id']}/reject", headers=operator.headers, json={
        "defects": [{"field": "business_licence_doc", "reason": "the scan is unreadable"},
                    {"field": "business_scope", "reason": "does not match the licence"}]})
    assert r.status_code == 200, r.text
    r = await kit.client.get(f"{BASE}/merchants/{mid}/dossiers/{first['id']}", headers=owner.headers)
    assert r.json()["status"] == "rejected"
    assert r.json()["defects"] == [
        {"field": "fields.business_licence_doc", "reason": "the scan is unreadable"},
        {"field": "fields.business_scope", "reason": "does not match the licence"},
    ]

    # resubmit -> approved -> active
    doc2 = (await upload(kit, owner, mid, filename="licence-2.pdf")).json()["id"]
    r = await kit.client.post(f"{BASE}/merchants/{mid}/dossiers", headers=owner.headers,
                              json={"fields": cn_fields(doc2, business_scope="日用百货、服装销售")})
    second = r.json()
    assert r.status_code == 201 and second["version"] == 2
    r = await kit.client.post(f"{BASE}/admin/dossiers/{second['id']}/approve", headers=operator.headers, json={})
    assert r.status_code == 200, r.text
    r = await kit.client.get(f"/api/v1/merchants/{mid}", headers=owner.headers)
    assert r.json()["status"] == "active"
    r = await kit.client.get(f"{BASE}/merchants/{mid}/dossiers", headers=owner.headers)
    assert [(d["version"], d["status"]) for d in r.json()] == [(2, "approved"), (1, "rejected")]
    assert [d["deadlines"] for d in r.json()] == [[], []]
    r = await kit.client.get(f"{BASE}/merchants/{mid}", headers=owner.headers)
    assert r.json()["verification"] == "verified" and r.json()["allowed_actions"] == []
    assert [d["name"] for d in r.json()["deadlines"]] == ["reverify_at", "licence_expires"]
    assert r.json()["deadlines"][0]["due_at"] == r.json()["next_reverify_at"]

    # list a product
    cat = (await kit.client.post("/api/v1/admin/categories", headers=operator.headers,
                                 json={"name": "Household", "slug": "household"})).json()["id"]
    r = await kit.client.post(f"/api/v1/merchants/{mid}/products", headers=owner.headers, json={
        "name": "Cotton towel", "description": "Soft cotton towel", "category_id": cat,
        "image_urls": ["https://img.example.com/towel.jpg"],
        "skus": [{"code": "T-1", "price": {"amount": 1999, "currency": "CNY"}, "on_hand": 5}]})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = await kit.client.post(f"/api/v1/merchants/{mid}/products/{pid}/submit", headers=owner.headers)
    assert r.status_code == 200 and r.json()["status"] == "live", r.text

    # re-verification falls due after 182 days and is not answered within the grace period
    await kit.advance(timedelta(days=183))
    owner = await kit.login(owner.email, owner.password)  # tokens live a day
    r = await kit.client.get(f"{BASE}/merchants/{mid}", headers=owner.headers)
    assert r.json()["verification"] == "due" and r.json()["reverify_opened_at"]
    assert r.json()["deadlines"][0]["name"] == "answer_by"
    await kit.advance(timedelta(days=18))
    owner = await kit.login(owner.email, owner.password)
    operator = await kit.login(operator.email, operator.password)
    r = await kit.client.get(f"{BASE}/merchants/{mid}", headers=owner.headers)
    assert r.json()["verification"] == "lapsed"
    assert r.json()["lapsed_reason"] == "re-verification not answered"
    r = await kit.client.get(f"/api/v1/merchants/{mid}", headers=owner.headers)
    assert r.json()["status"] == "restricted"
    # restricted: no new listings; an operator cannot reactivate by hand
    r = await kit.client.post(f"/api/v1/admin/merchants/{mid}/status", json={"status": "active", "reason": "x"},
                              headers=operator.headers)
    assert r.status_code == 409 and r.json()["code"] == "plugin_vetoed", r.text

    # a new dossier is approved -> active again
    r = await kit.client.post(f"{BASE}/merchants/{mid}/dossiers", headers=owner.headers,
                              json={"fields": cn_fields(doc2, business_scope="日用百货、服装销售")})
    assert r.status_code == 201 and r.json()["purpose"] == "reverification", r.text
    r = await kit.client.post(f"{BASE}/admin/dossiers/{r.json()['id']}/approve", headers=operator.headers, json={})
    assert r.status_code == 200, r.text
    r = await kit.client.get(f"/api/v1/merchants/{mid}", headers=owner.headers)
    assert r.json()["status"] == "active"
    r = await kit.client.get(f"{BASE}/merchants/{mid}", headers=owner.headers)
    assert r.json()["verification"] == "verified" and r.json()["lapsed_reason"] is None
    r = await kit.client.get(f"{BASE}/merchants/{mid}/dossiers", headers=owner.headers)
    assert [(d["version"], d["status"]) for d in r.json()] == [(3, "approved"), (2, "superseded"), (1, "rejected")]
