"""Intellectual-property notices (ECL 42-45): takedown, declaration, the 15-day wait, publication, false notices."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from complaints_market import Market, at, cst, make_market

IP = "/api/v1/complaints/ip-notices"


async def listing_status(market: Market) -> str:
    row = await market.rows("SELECT status FROM catalogue_product WHERE id = {}", market.product_id)
    return str(row[0]["status"])


async def notice_declared(market: Market) -> tuple[Any, dict[str, Any]]:
    """A brand owner's notice, the takedown, and the merchant's declaration on Friday 2026-01-16."""
    holder = await market.user()
    r = await market.c.post(IP, headers=holder.headers, json={
        "product_id": market.product_id, "right_kind": "trademark", "right_reference": "CN TM 12345678",
        "description": "The listing uses our registered mark LOTUS on counterfeit kettles.",
        "proof": "Registration certificate 12345678 (class 21); test purchase order 88-123 shows no licence."})
    assert r.status_code == 201, r.text
    notice = r.json()
    assert notice["state"] == "filed" and notice["merchant_id"] == market.merchant_id
    r = await market.c.post(f"{IP}/{notice['id']}/take-down", headers=market.operator.headers,
                            json={"reason": "registered mark, preliminary proof sufficient"})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "removed" and r.json()["forwarded_at"] is not None
    assert await listing_status(market) == "delisted"
    forwarded = await market.c.get(f"/api/v1/complaints/merchants/{market.merchant_id}/ip-notices",
                                   headers=market.owner.headers)
    assert [n["id"] for n in forwarded.json()] == [notice["id"]]
    assert forwarded.json()[0]["allowed_actions"] == ["declare"]

    await market.until(cst(1, 16, 10))
    r = await market.c.post(f"/api/v1/complaints/merchants/{market.merchant_id}/ip-notices/{notice['id']}/declaration",
                            headers=market.owner.headers, json={
                                "statement": "Our kettles are genuine LOTUS goods bought from the brand's distributor.",
                                "proof": "Distribution contract 2025-LOT-77 and invoices."})
    assert r.status_code == 200, r.text
    declared = r.json()
    # 15 days from the day after (Jan 17 .. Jan 31); the 31st is a Saturday, so the wait ends Monday Feb 2, 24:00
    assert declared["state"] == "declared" and at(declared["lift_at"]) == cst(2, 3)
    seen = (await market.c.get(f"{IP}/{notice['id']}", headers=holder.headers)).json()
    assert seen["declaration"].startswith("Our kettles are genuine")  # forwarded to the right holder
    assert seen["allowed_actions"] == ["lawsuit_notice"] and at(seen["deadlines"][0]["due_at"]) == cst(2, 3)
    return holder, declared


async def test_fifteen_days_without_a_lawsuit_notice_relist_the_listing(market: Market) -> None:
    holder, notice = await notice_declared(market)
    await market.until(cst(2, 3) - timedelta(minutes=1))
    assert (await market.c.get(f"{IP}/{notice['id']}", headers=holder.headers)).json()["state"] == "declared"
    assert await listing_status(market) == "delisted"
    await market.until(cst(2, 3))
    after = (await market.c.get(f"{IP}/{notice['id']}", headers=holder.headers)).json()
    assert after["state"] == "lifted" and await listing_status(market) == "live"
    r = await market.c.post(f"{IP}/{notice['id']}/lawsuit-notice", headers=holder.headers,
                            json={"reference": "(2026) Zhe 01 Min Chu 1"})
    assert r.status_code == 409

    published = (await market.c.get(f"{IP}/published")).json()
    assert [(p["id"], p["state"], p["outcome"]) for p in published] == [
        (notice["id"], "lifted", "measure lifted, listing reinstated")]
    assert holder.id not in str(published)


async def test_a_lawsuit_notice_in_time_keeps_the_listing_down(market: Market) -> None:
    holder, notice = await notice_declared(market)
    await market.until(cst(2, 2, 23))
    r = await market.c.post(f"{IP}/{notice['id']}/lawsuit-notice", headers=holder.headers,
                            json={"reference": "(2026) Zhe 01 Min Chu 1234"})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "kept" and r.json()["lawsuit_reference"] == "(2026) Zhe 01 Min Chu 1234"
    await market.until(cst(2, 20))
    assert (await market.c.get(f"{IP}/{notice['id']}", headers=holder.headers)).json()["state"] == "kept"
    assert await listing_status(market) == "delisted"
    published = (await market.c.get(f"{IP}/published")).json()
    assert published[0]["outcome"] == "measure kept"


async def test_a_knowingly_false_notice_is_recorded_against_its_notifier(market: Market) -> None:
    holder = await market.user()
    body = {"product_id": market.product_id, "right_kind": "copyright", "right_reference": "2024-A-0001",
            "description": "Photos copied.", "proof": "Our catalogue page of 2024."}
    first = (await market.c.post(IP, headers=holder.headers, json=body)).json()
    r = await market.c.post(f"{IP}/{first['id']}/reject", headers=market.operator.headers,
                            json={"reason": "the photos are the merchant's own, dated 2023"})
    assert r.json()["state"] == "rejected" and await listing_status(market) == "live"
    r = await market.c.post(f"{IP}/{first['id']}/false-notice", headers=market.operator.headers,
                            json={"reason": "the notifier knew the photos were not theirs"})
    assert r.status_code == 200 and r.json()["false_notice"] is True and r.json()["notifier_false_notices"] == 1
    second = (await market.c.post(IP, headers=holder.headers, json=body)).json()
    queue = (await market.c.get(f"{IP}/queue", params={"state": "filed"}, headers=market.operator.headers)).json()
    assert [(n["id"], n["notifier_false_notices"]) for n in queue] == [(second["id"], 1)]
    # a stranger reads neither notice; the notifier does not see the false-notice count
    stranger = await market.user()
    assert (await market.c.get(f"{IP}/{first['id']}", headers=stranger.headers)).status_code == 404
    assert (await market.c.get(f"{IP}/{first['id']}", headers=holder.headers)).json()["notifier_false_notices"] is None


async def test_eu_has_no_statutory_wait_an_operator_decides_and_appeals_go_to_someone_else(bazaar_factory: Any) -> None:
    market = await make_market(bazaar_factory, preset="eu", start=cst(1, 5, 9))
    holder, notice = await eu_declared(market)
    assert notice["lift_at"] is None and notice["allowed_actions"] == []
    r = await market.c.post(f"/api/v1/complaints/merchants/{market.merchant_id}/appeals", headers=market.owner.headers,
                            json={"decision_kind": "ip_notice", "decision_id": notice["id"],
                                  "grounds": "Genuine goods; the takedown was wrong."})
    assert r.status_code == 201, r.text
    appeal = r.json()
    # the operator who took the listing down may not review the appeal
    r = await market.c.post(f"/api/v1/complaints/appeals/{appeal['id']}/overturn", headers=market.operator.headers,
                            json={"reason": "x"})
    assert r.status_code == 409 and r.json()["code"] == "complaints.same_reviewer"
    other = await market.kit.operator()
    r = await market.c.post(f"/api/v1/complaints/appeals/{appeal['id']}/overturn", headers=other.headers,
                            json={"reason": "the distributor contract is genuine"})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "overturned" and r.json()["reviewer_id"] == other.id
    assert (await market.c.get(f"{IP}/{notice['id']}", headers=holder.headers)).json()["state"] == "lifted"
    assert await listing_status(market) == "live"


async def eu_declared(market: Market) -> tuple[Any, dict[str, Any]]:
    holder = await market.user()
    notice = (await market.c.post(IP, headers=holder.headers, json={
        "product_id": market.product_id, "right_kind": "trademark", "right_reference": "EUTM 018000001",
        "description": "Counterfeit.", "proof": "EUTM certificate."})).json()
    await market.c.post(f"{IP}/{notice['id']}/take-down", headers=market.operator.headers, json={"reason": "EUTM"})
    r = await market.c.post(f"/api/v1/complaints/merchants/{market.merchant_id}/ip-notices/{notice['id']}/declaration",
                            headers=market.owner.headers, json={"statement": "Genuine.", "proof": "Invoices."})
    assert r.status_code == 200, r.text
    return holder, r.json()


async def test_appeals_are_not_offered_under_cn_and_close_after_the_window(bazaar_factory: Any) -> None:
    cn = await make_market(bazaar_factory, start=cst(1, 5, 9))
    r = await cn.c.post(f"/api/v1/complaints/merchants/{cn.merchant_id}/appeals", headers=cn.owner.headers,
                        json={"decision_kind": "complaint", "decision_id": "cmp_00000000000000000000000000",
                              "grounds": "x"})
    assert r.status_code == 409 and r.json()["code"] == "complaints.appeals_not_offered"
