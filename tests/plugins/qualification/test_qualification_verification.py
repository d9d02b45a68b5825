"""Licence expiry warnings and lapse, escalation to suspension, exemption of small individuals."""

from __future__ import annotations

from datetime import timedelta

from qualification_helpers import BASE, cn_fields, count, upload


async def approve(kit, operator, owner, mid, fields, **extra):
    r = await kit.client.post(f"{BASE}/merchants/{mid}/dossiers", headers=owner.headers, json={"fields": fields, **extra})
    assert r.status_code == 201, r.text
    r = await kit.client.post(f"{BASE}/admin/dossiers/{r.json()['id']}/approve", headers=operator.headers, json={})
    assert r.status_code == 200, r.text


async def test_licence_expiry_warns_restricts_then_suspends_and_approval_restores(qkit):
    kit = qkit
    operator = await kit.operator()
    mid, owner = await kit.merchant(activate=False)
    doc = (await upload(kit, owner, mid)).json()["id"]
    expires = (kit.runtime.calendar.local_date(kit.clock.now()) + timedelta(days=40)).isoformat()
    await approve(kit, operator, owner, mid, cn_fields(doc, licence_expires_on=expires))

    async def events(kind):
        return await count(kit, "kernel_outbox", "type = {} AND subject = {}", kind, mid)

    await kit.advance(timedelta(days=8))
    assert await events("qualification.licence_expiring") == 0
    await kit.advance(timedelta(days=2))
    assert await events("qualification.licence_expiring") == 1  # 30 days ahead
    await kit.advance(timedelta(days=31))  # past the expiry day
    operator = await kit.login(operator.email, operator.password)
    owner = await kit.login(owner.email, owner.password)
    r = await kit.client.get(f"{BASE}/merchants/{mid}", headers=owner.headers)
    assert r.json()["verification"] == "lapsed" and r.json()["lapsed_reason"] == "business licence expired"
    assert (await kit.client.get(f"/api/v1/merchants/{mid}", headers=owner.headers)).json()["status"] == "restricted"
    await kit.advance(timedelta(days=18))  # unremedied after the grace period: suspended (suspend_on_unremedied)
    owner = await kit.login(owner.email, owner.password)
    operator = await kit.login(operator.email, operator.password)
    assert (await kit.client.get(f"/api/v1/merchants/{mid}", headers=owner.headers)).json()["status"] == "suspended"
    assert await events("qualification.escalated") == 1
    await approve(kit, operator, owner, mid, cn_fields(doc, licence_expires_on="2099-01-01"))
    assert (await kit.client.get(f"/api/v1/merchants/{mid}", headers=owner.headers)).json()["status"] == "active"


async def test_small_individual_declares_exemption_and_is_badged(qkit):
    kit = qkit
    operator = await kit.operator()
    mid, owner = await kit.merchant(activate=False)
    idoc = (await upload(kit, owner, mid, "id_document", filename="id.png", content=b"\x89PNG\r\n\x1a\n1",
                         content_type="image/png")).json()["id"]
    fields = {"legal_name": "李四", "registered_address": "杭州市西湖区文三路 1 号", "contact_phone": "13800000000",
              "settlement_account": {"holder": "李四", "bank": "工商银行", "number": "6222020000000000"},
              "id_document_doc": idoc}
    # over the cap: refused, naming the turnover
    r = await kit.client.post(f"{BASE}/merchants/{mid}/dossiers", headers=owner.headers, json={
        "entity": "individual", "exempt": True, "fields": {**fields, "declared_annual_turnover_minor": 20_000_000}})
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["fields.declared_annual_turnover_minor"]
    # no exemption declared: an individual without a licence must declare it
    r = await kit.client.post(f"{BASE}/merchants/{mid}/dossiers", headers=owner.headers,
                              json={"entity": "individual", "fields": fields})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "exempt"
    await approve(kit, operator, owner, mid, {**fields, "declared_annual_turnover_minor": 5_000_000},
                  entity="individual", exempt=True)
    r = await kit.client.get(f"{BASE}/public/merchants/{mid}")
    assert r.status_code == 200 and r.json()["badges"] == ["verified", "unregistered"]
    # the staff who are not the owner see the bank account masked; the owner sees it whole
    r = await kit.client.get(f"{BASE}/merchants/{mid}/dossiers", headers=owner.headers)
    assert r.json()[0]["fields"]["settlement_account"]["number"] == "6222020000000000"
    stored = await kit.runtime.db.fetchrow("SELECT fields FROM qualification_dossier WHERE merchant_id = {}", mid)
    assert stored["fields"].startswith("enc:") and "6222020000000000" not in stored["fields"]


async def test_eu_has_no_exemption(bazaar_factory):
    kit = await bazaar_factory(plugins=["qualification"], config={"qualification": {"preset": "eu"}})
    mid, owner = await kit.merchant(activate=False)
    r = await kit.client.post(f"{BASE}/merchants/{mid}/dossiers", headers=owner.headers, json={
        "entity": "individual", "exempt": True, "fields": {"declared_annual_turnover_minor": 1}})
    assert r.status_code == 422
    reasons = {e["field"]: e["reason"] for e in r.json()["errors"]}
    assert "no exemption" in reasons["exempt"]
    assert {"fields.legal_name", "fields.contact_email", "fields.self_certification", "fields.settlement_account"} <= set(reasons)
