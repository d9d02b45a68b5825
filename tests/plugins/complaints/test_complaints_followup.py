"""The follow-up survey after a completed order, the evidence pack, and suspension for a court case."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from complaints_market import API, Market, at, clock, cst


async def completed_order(market: Market) -> str:
    order_id = await market.order()
    r = await market.c.post(f"/api/v1/merchants/{market.merchant_id}/orders/{order_id}/ship",
                            json={"carrier": "SF", "tracking_number": "SF1234567890"}, headers=market.owner.headers)
    assert r.status_code == 200, r.text
    r = await market.c.post(f"/api/v1/orders/{order_id}/confirm-receipt", headers=market.customer.headers)
    assert r.status_code == 200, r.text
    return order_id


async def test_a_completed_order_opens_one_optional_survey(market: Market) -> None:
    order_id = await completed_order(market)
    await market.kit.run_due()
    surveys = (await market.c.get(f"{API}/surveys", headers=market.customer.headers)).json()
    assert [s["order_id"] for s in surveys] == [order_id] and surveys[0]["merchant_id"] == market.merchant_id
    r = await market.c.post(f"{API}/surveys/{order_id}", json={"score": 5, "comment": "fast"},
                            headers=market.customer.headers)
    assert r.status_code == 200 and r.json()["score"] == 5
    again = await market.c.post(f"{API}/surveys/{order_id}", json={"score": 1}, headers=market.customer.headers)
    assert again.status_code == 409 and again.json()["code"] == "complaints.already_answered"
    stranger = await market.user()
    r = await market.c.post(f"{API}/surveys/{order_id}", json={"score": 1}, headers=stranger.headers)
    assert r.status_code == 404
    day = market.kit.clock.now().date().isoformat()
    figures = (await market.c.get(f"{API}/admin/stats", params={"start": day, "end": day},
                                  headers=market.operator.headers)).json()
    assert figures["followup_surveys"] == {market.merchant_id: {"sent": 1, "answered": 1, "mean": 5.0}}
    # one survey per order
    rows = await market.rows("SELECT order_id FROM complaints_survey")
    assert len(rows) == 1


async def test_the_evidence_pack_holds_the_records_with_a_sha256_manifest(market: Market) -> None:
    order_id = await completed_order(market)
    body = await market.file(subject={"type": "order", "id": order_id})
    await market.op(body["id"], "acknowledge")
    r = await market.c.get(f"{API}/{body['id']}/evidence-pack", headers=market.customer.headers)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    manifest = json.loads(archive.read("manifest.json"))
    names = {f["name"] for f in manifest["files"]}
    assert {"complaint.json", "clocks.json", "order.json", "order_events.json"} <= names
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
    events = json.loads(archive.read("order_events.json"))
    assert {"order.paid", "order.shipped", "order.completed"} <= {e["type"] for e in events}
    assert any("ledger" in m for m in manifest["missing"])
    clocks = json.loads(archive.read("clocks.json"))
    assert [m["kind"] for m in clocks[0]["marks"]] == ["started", "fulfilled"]
    assert (await market.c.get(f"{API}/{body['id']}/evidence-pack", headers=market.owner.headers)).status_code == 404


async def test_a_suspension_stops_the_investigation_clock_until_resumed(market: Market) -> None:
    await market.until(cst(3, 2, 9))  # Monday
    body = await market.op((await market.file())["id"], "acknowledge")
    assert at(clock(body, "investigate")["due_at"]) == cst(3, 6)  # Tue, Wed, Thu
    await market.until(cst(3, 3, 9))
    body = await market.op(body["id"], "suspend", {"reason": "police case 2026-0301 pending"})
    assert body["state"] == "suspended" and body["whose_move"]["party"] == "none"
    assert clock(body, "investigate")["paused"] is True and body["allowed_actions"] == ["resume"]
    await market.until(cst(3, 10, 9))  # a week later, Tuesday
    body = await market.op(body["id"], "resume", {"reason": "case closed without charges"})
    # paused Tue 09:00 -> next Tue 09:00: 5 working days of working time
    assert body["state"] == "investigating" and at(clock(body, "investigate")["due_at"]) == cst(3, 13)
