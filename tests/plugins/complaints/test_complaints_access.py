"""Who sees what: the merchant never learns the complainant; a stranger's complaint is a 404; disclosures are audited."""

from __future__ import annotations

from complaints_market import API, Market


async def merchant_view(market: Market, complaint_id: str, merchant_id: str | None = None, who=None):
    merchant_id = merchant_id or market.merchant_id
    return await market.c.get(f"{API}/merchants/{merchant_id}/complaints/{complaint_id}",
                              headers=(who or market.owner).headers)


async def test_the_merchant_never_sees_the_complainants_identity(market: Market) -> None:
    order_id = await market.order()
    body = await market.file(subject={"type": "order", "id": order_id}, contact="+86 138 0013 8000")
    cid = body["id"]
    assert body["complainant_id"] == market.customer.id and body["contact"] == "+86 138 0013 8000"
    await market.op(cid, "acknowledge")
    await market.op(cid, "info-requests", {"party": "complainant", "question": "Your address for a pickup?"})
    await market.me(cid, "answer", {"body": "Room 12, 88 Wensan Road"})
    await market.me(cid, "messages", {"body": "Only for the platform: I am a journalist.", "visibility": "complainant"})
    await market.op(cid, "info-requests", {"party": "merchant", "question": "Batch number of the kettle?"})

    r = await merchant_view(market, cid)
    assert r.status_code == 200, r.text
    seen = r.json()
    assert seen["complainant_id"] is None and seen["contact"] is None
    assert all("Wensan" not in m["body"] and "journalist" not in m["body"] for m in seen["messages"])
    assert [q["party"] for q in seen["info_requests"]] == ["merchant"]
    assert seen["whose_move"]["party"] == "merchant" and seen["whose_move"]["action"] == "answer_info_request"
    assert market.customer.id not in r.text and "138" not in r.text
    listed = await market.c.get(f"{API}/merchants/{market.merchant_id}/complaints", headers=market.owner.headers)
    assert [c["id"] for c in listed.json()["items"]] == [cid] and market.customer.id not in listed.text

    request_id = seen["info_requests"][0]["id"]
    r = await market.c.post(f"{API}/merchants/{market.merchant_id}/complaints/{cid}/info-requests/{request_id}/answer",
                            json={"body": "Batch 2026-01-B"}, headers=market.owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["whose_move"]["party"] == "platform"
    # the platform sees the merchant's answer, the complainant does not see a platform-and-merchant message
    assert any(m["body"] == "Batch 2026-01-B" for m in (await market.get(cid))["messages"])
    assert all(m["body"] != "Batch 2026-01-B" for m in (await market.get(cid, market.customer))["messages"])


async def test_someone_elses_complaint_is_a_404_like_a_missing_one(market: Market) -> None:
    body = await market.file()
    stranger = await market.user()
    other_id, other_owner = await market.kit.merchant(name="Other Shop")
    for who, path in ((stranger, f"{API}/{body['id']}"), (stranger, f"{API}/cmp_00000000000000000000000000"),
                      (market.owner, f"{API}/{body['id']}")):
        r = await market.c.get(path, headers=who.headers)
        assert r.status_code == 404 and r.json()["code"] == "complaints.not_found", (path, r.text)
    r = await market.c.post(f"{API}/{body['id']}/withdraw", headers=stranger.headers)
    assert r.status_code == 404
    # a complaint about another store, read through one's own store: 404; through someone else's store: 403
    assert (await merchant_view(market, body["id"], other_id, other_owner)).status_code == 404
    assert (await merchant_view(market, body["id"], other_id)).status_code == 403
    # the complainant cannot act for the platform
    r = await market.c.post(f"{API}/{body['id']}/acknowledge", headers=market.customer.headers)
    assert r.status_code == 403
    # an operator reads every complaint but cannot answer for the complainant
    r = await market.c.post(f"{API}/{body['id']}/plan/accept", headers=market.operator.headers)
    assert r.status_code == 403 and r.json()["code"] == "complaints.forbidden_role"


async def test_the_merchants_identity_is_disclosed_on_request_and_audited(market: Market) -> None:
    body = await market.file(subject={"type": "listing", "id": market.product_id}, category="false_advertising")
    assert body["merchant_id"] == market.merchant_id and body["product_id"] == market.product_id
    r = await market.c.post(f"{API}/{body['id']}/merchant-identity", headers=market.customer.headers)
    assert r.status_code == 200, r.text
    assert r.json()["merchant_id"] == market.merchant_id and r.json()["name"] == "Lotus Kettles"
    r = await market.c.post(f"{API}/{body['id']}/merchant-identity", headers=market.owner.headers)
    assert r.status_code == 404
    audit = await market.c.get(f"{API}/admin/disclosures", params={"complaint_id": body["id"]},
                               headers=market.operator.headers)
    assert [(a["requested_by"], a["merchant_id"]) for a in audit.json()] == [(market.customer.id, market.merchant_id)]
    assert set(audit.json()[0]["fields"]) >= {"name", "contact_phone"}


async def test_bad_input_is_refused_whole_with_stable_codes(market: Market) -> None:
    other = await market.user()
    order_id = await market.order(other)
    cases = [
        ({"category": "weather", "subject": {"type": "platform"}, "description": "x"}, 422, "complaints.invalid"),
        ({"category": "service", "subject": {"type": "order", "id": order_id}, "description": "x"}, 422,
         "complaints.subject_not_found"),
        ({"category": "service", "subject": {"type": "merchant"}, "description": "x"}, 422, "complaints.invalid"),
        ({"category": "service", "subject": {"type": "platform", "id": market.merchant_id}, "description": "x"}, 422,
         "complaints.invalid"),
        ({"category": "service", "subject": {"type": "platform"}, "description": "x", "channel": "phone"}, 403,
         "complaints.forbidden_role"),
        ({"category": "service", "subject": {"type": "platform"}, "description": ""}, 422, "validation_failed"),
        ({"category": "service", "subject": {"type": "planet"}, "description": "x"}, 422, "validation_failed"),
    ]
    for body, status, code in cases:
        r = await market.c.post(API, json=body, headers=market.customer.headers)
        assert (r.status_code, r.json()["code"]) == (status, code), (body, r.text)
    assert await market.rows("SELECT id FROM complaints_complaint") == []
    assert await market.rows("SELECT id FROM complaints_clock") == []


async def test_duplicates_on_one_subject_are_linked_and_phone_complaints_are_entered_by_operators(market: Market) -> None:
    first = await market.file(subject={"type": "listing", "id": market.product_id})
    again = await market.file(subject={"type": "listing", "id": market.product_id}, description="Still leaking!")
    assert again["id"] == first["id"] and again["duplicates"] == 1
    assert [m["kind"] for m in again["messages"]] == ["duplicate"]
    assert len(await market.rows("SELECT id FROM complaints_complaint")) == 1
    # the same Idempotency-Key answers the same complaint
    headers = {**market.customer.headers, "Idempotency-Key": "k-1"}
    body = {"category": "service", "subject": {"type": "platform"}, "description": "Login loop"}
    one = await market.c.post(API, json=body, headers=headers)
    two = await market.c.post(API, json=body, headers=headers)
    assert one.status_code == two.status_code == 201 and one.json()["id"] == two.json()["id"]

    phoned = await market.c.post(API, headers=market.operator.headers, json={
        "category": "logistics", "subject": {"type": "platform"}, "description": "Caller says parcel lost",
        "channel": "phone", "on_behalf_of": market.customer.id})
    assert phoned.status_code == 201, phoned.text
    assert phoned.json()["channel"] == "phone" and phoned.json()["complainant_id"] == market.customer.id
    mine = await market.c.get(API, headers=market.customer.headers)
    assert phoned.json()["id"] in [c["id"] for c in mine.json()["items"]]
    await market.me(one.json()["id"], "withdraw")
    queue = (await market.c.get(f"{API}/admin/queue", params={"limit": 2}, headers=market.operator.headers)).json()
    assert [c["id"] for c in queue["items"]] == [phoned.json()["id"], first["id"]] and queue["next_cursor"] is None
    assert queue["items"][0]["whose_move"]["party"] == "platform"
    gone = (await market.c.get(f"{API}/admin/queue", params={"state": "withdrawn"}, headers=market.operator.headers))
    assert [c["id"] for c in gone.json()["items"]] == [one.json()["id"]]
