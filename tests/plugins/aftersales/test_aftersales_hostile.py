"""Hostile and concurrent input: more than was paid, two refunds of one line at once, someone else's
order or case, evidence over the limits or of the wrong type, late and foreign actions, bad input."""

from __future__ import annotations

import asyncio
from typing import Any

from aftersales_market import API, make_shop


async def _escalated(shop: Any, order_id: str, quantity: int = 1) -> str:
    case = await shop.opened(order_id, "refund_only", "missing_item", {"tea": quantity})
    await shop.did(case["id"], "reject", "merchant", {"reason": "everything was packed"})
    await shop.did(case["id"], "escalate", "customer", {"reason": "the box held one tea, not two"})
    return case["id"]  # type: ignore[no-any-return]


async def test_a_ruling_above_what_was_paid_is_refused(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"tea": 2})
    case_id = await _escalated(shop, order_id)
    r = await shop.act(case_id, "rule", "operator", {"outcome": "refund", "reasoning": "the buyer is right here",
                                                      "refund": {"amount": 3001, "currency": "CNY"}})
    assert r.status_code == 409 and r.json()["code"] == "aftersales.refund_exceeds_paid"
    assert r.json()["refundable"] == 3000  # two teas and the outbound fee
    assert (await shop.case(case_id))["state"] == "escalated"  # nothing changed
    wrong = await shop.act(case_id, "rule", "operator", {"outcome": "refund", "reasoning": "the buyer is right here",
                                                          "refund": {"amount": 100, "currency": "EUR"}})
    assert wrong.status_code == 422 and wrong.json()["code"] == "aftersales.invalid_amount"


async def test_two_refunds_of_one_line_at_once_one_wins(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"tea": 2})
    one, two = await _escalated(shop, order_id), await _escalated(shop, order_id)
    body = {"outcome": "refund", "reasoning": "the whole line was worthless", "refund": {"amount": 2000, "currency": "CNY"}}
    answers = await asyncio.gather(shop.act(one, "rule", "operator", body), shop.act(two, "rule", "operator", body))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [a.text for a in answers]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json()["code"] == "aftersales.refund_exceeds_paid"
    winner = one if answers[0].status_code == 200 else two
    await shop.did(winner, "accept_ruling", "customer")
    done = await shop.did(winner, "accept_ruling", "merchant")
    assert done["refunded"]["amount"] == 2000
    await shop.advance(seconds=1)
    assert (await shop.payment(order_id))["refunded"] == 2000


async def test_someone_elses_order_or_case_is_not_found(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"tea": 1})
    headers = shop.stranger.headers
    r = await shop.c.get(f"{API}/orders/{order_id}/eligibility", headers=headers)
    assert r.status_code == 404 and r.json()["code"] == "aftersales.order_not_found"
    ids = await shop.lines(order_id)
    r = await shop.c.post(f"{API}/cases", headers=headers, json={
        "order_id": order_id, "type": "return_refund", "ground": "no_reason",
        "lines": [{"order_line_id": ids["tea"], "quantity": 1}]})
    assert r.status_code == 404 and r.json()["code"] == "aftersales.order_not_found"
    missing = await shop.c.get(f"{API}/orders/ord_01JAAAAAAAAAAAAAAAAAAAAAAA/eligibility", headers=headers)
    assert missing.status_code == 404 and missing.json()["code"] == r.json()["code"]
    case = await shop.opened(order_id, "return_refund", "no_reason", {"tea": 1})
    assert (await shop.c.get(f"{API}/cases/{case['id']}", headers=headers)).status_code == 404
    r = await shop.c.post(f"{API}/cases/{case['id']}/accept", headers=headers)
    assert r.status_code == 404 and r.json()["code"] == "aftersales.case_not_found"
    # the buyer may not do the merchant's part, nor the merchant the buyer's
    r = await shop.act(case["id"], "accept", "customer")
    assert r.status_code == 403 and r.json()["code"] == "aftersales.not_your_action"
    r = await shop.act(case["id"], "cancel", "merchant")
    assert r.status_code == 403
    bad = await shop.c.get(f"{API}/cases/not-an-id", headers=shop.customer.headers)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_id"


async def test_evidence_over_the_limits_or_of_the_wrong_type(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory, aftersales={"evidence": {"max_files": 2, "max_bytes": 2048}})
    order_id = await shop.delivered_order({"tea": 1})
    case = await shop.opened(order_id, "return_refund", "defective", {"tea": 1})
    url = f"{API}/cases/{case['id']}/evidence"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    big = await shop.c.post(f"{url}?filename=big.png", content=png + b"\x00" * 4096,
                            headers={**shop.customer.headers, "content-type": "image/png"})
    assert big.status_code == 413 and big.json()["code"] == "aftersales.file_too_large"
    exe = await shop.c.post(f"{url}?filename=photo.png", content=b"MZ\x90\x00 not a picture at all",
                            headers={**shop.customer.headers, "content-type": "image/png"})
    assert exe.status_code == 415 and exe.json()["code"] == "aftersales.file_type_refused"
    for i in range(2):
        ok = await shop.c.post(f"{url}?filename=p{i}.png", content=png + bytes([i]),
                               headers={**shop.customer.headers, "content-type": "image/png"})
        assert ok.status_code == 201, ok.text
    third = await shop.c.post(f"{url}?filename=p3.png", content=png + b"\x03",
                              headers={**shop.customer.headers, "content-type": "image/png"})
    assert third.status_code == 409 and third.json()["code"] == "aftersales.evidence_limit_exceeded"
    # the merchant has its own allowance and reads the buyer's files
    listed = (await shop.c.get(url, headers=shop.owner.headers)).json()
    assert [e["party"] for e in listed] == ["customer", "customer"]
    got = await shop.c.get(f"{url}/{listed[0]['id']}", headers=shop.owner.headers)
    assert got.status_code == 200 and got.content.startswith(b"\x89PNG")
    assert (await shop.c.get(f"{url}/{listed[0]['id']}", headers=shop.stranger.headers)).status_code == 404


async def test_messages_keep_their_visibility(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"tea": 1})
    case = await shop.opened(order_id, "return_refund", "defective", {"tea": 1})
    url = f"{API}/cases/{case['id']}/messages"
    for who, body, visibility in (("customer", "it leaks", "all"), ("merchant", "note to the platform", "private"),
                                  ("operator", "internal: check this seller", "private")):
        r = await shop.c.post(url, json={"body": body, "visibility": visibility}, headers=shop.who(who))
        assert r.status_code == 201, r.text
    seen = {who: [m["body"] for m in (await shop.c.get(url, headers=shop.who(who))).json()]
            for who in ("customer", "merchant", "operator")}
    assert seen["customer"] == ["it leaks"]
    assert seen["merchant"] == ["it leaks", "note to the platform"]
    assert len(seen["operator"]) == 3
    r = await shop.c.post(url, json={"body": "x", "evidence_ids": ["ase_01JAAAAAAAAAAAAAAAAAAAAAAA"]},
                          headers=shop.customer.headers)
    assert r.status_code == 422 and r.json()["code"] == "aftersales.unknown_evidence"


async def test_bad_input_is_refused_with_a_code(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"tea": 1})
    ids = await shop.lines(order_id)
    for body in (
        {"order_id": order_id, "type": "return_refund", "ground": "no_reason", "lines": []},
        {"order_id": order_id, "type": "teleport", "ground": "no_reason",
         "lines": [{"order_line_id": ids["tea"], "quantity": 1}]},
        {"order_id": order_id, "type": "return_refund", "ground": "no_reason",
         "lines": [{"order_line_id": ids["tea"], "quantity": 0}]},
        {"order_id": order_id, "type": "return_refund", "ground": "no_reason", "extra": 1,
         "lines": [{"order_line_id": ids["tea"], "quantity": 1}]},
    ):
        r = await shop.c.post(f"{API}/cases", json=body, headers=shop.customer.headers)
        assert 400 <= r.status_code < 500 and r.json()["code"], r.text
    r = await shop.open(order_id, "return_refund", "no_reason", {"tea": 2})
    assert r.status_code == 422 and r.json()["reasons"][0]["code"] == "quantity_exceeds_available"
    r = await shop.open(order_id, "return_refund", "teleported", {"tea": 1})
    assert r.status_code == 422 and r.json()["code"] == "aftersales.not_eligible"
    case = await shop.opened(order_id, "return_refund", "no_reason", {"tea": 1})
    r = await shop.act(case["id"], "receipt", "merchant", {"lines": [{"case_line_id": "acl_x", "received_quantity": 1,
                                                                      "disposition": "restock"}]})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"


async def test_bad_cursors_are_refused(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    for cursor in ("garbage", "not-a-date|asc_01JAAAAAAAAAAAAAAAAAAAAAAA", "2026-01-01T00:00:00|asc_01JAAAAAAAAAAAAAAAAAAAAAAA"):
        r = await shop.c.get(f"{API}/merchants/{shop.merchant_id}/cases", params={"cursor": cursor},
                             headers=shop.owner.headers)
        assert r.status_code == 422 and r.json()["code"] == "aftersales.invalid_cursor", r.text
        r = await shop.c.get(f"{API}/admin/cases", params={"cursor": cursor}, headers=shop.operator.headers)
        assert r.status_code == 422, r.text
