"""A complaint about an order from filing to closure and back: plan, money remedy, feedback, reopen."""

from __future__ import annotations

from datetime import timedelta

from complaints_market import API, Market, at, clock, cst

from bazaar.sdk.testing.payments import payment_provider


async def outbox(market: Market, type_: str) -> list[dict]:
    import msgspec

    rows = await market.rows("SELECT data FROM kernel_outbox WHERE type = {} ORDER BY occurred_at, id", type_)
    return [msgspec.json.decode(r["data"]) if isinstance(r["data"], str) else r["data"] for r in rows]


async def resolved(market: Market, *, refund: int = 500) -> dict:
    """A complaint about a paid order, upheld against the merchant, refunded, resolved."""
    order_id = await market.order()
    body = await market.file(subject={"type": "order", "id": order_id}, desired_outcome="refund")
    cid = body["id"]
    assert body["merchant_id"] == market.merchant_id and body["order_id"] == order_id
    await market.op(cid, "acknowledge")
    await market.op(cid, "report", {"findings": "The seal is defective.", "upheld": True,
                                    "responsible_party": "merchant"})
    body = await market.op(cid, "plan", {"remedies": [
        {"kind": "refund", "amount": {"amount": refund, "currency": "CNY"}, "note": "partial refund"},
        {"kind": "apology"}, {"kind": "sanction", "measure": "warning", "note": "leaking kettles"}]})
    assert body["state"] == "plan_proposed" and body["whose_move"]["party"] == "complainant"
    body = await market.me(cid, "plan/accept")
    assert body["state"] == "executing" and clock(body, "execute")["state"] == "running"
    for remedy in body["remedies"]:
        if remedy["kind"] in ("refund", "sanction"):
            body = await market.op(cid, f"remedies/{remedy['id']}/execute", {})
    body = await market.op(cid, "complete", {"note": "apology sent by the merchant"})
    assert body["state"] == "resolved" and body["whose_move"]["action"] == "feedback"
    return body


async def test_an_upheld_complaint_refunds_once_requests_a_sanction_and_counts_for_credit(market: Market) -> None:
    body = await resolved(market)
    refund = next(r for r in body["remedies"] if r["kind"] == "refund")
    provider = payment_provider(market.kit)
    calls = provider.calls_of("refund")
    assert len(calls) == 1 and calls[0].args[0].idempotency_key == f"complaints:{refund['id']}"
    assert calls[0].args[0].amount.amount == 500 and refund["status"] == "executed"
    # executing again changes nothing and calls nobody
    again = await market.op(body["id"], f"remedies/{refund['id']}/execute", {})
    assert again["state"] == "resolved" and len(provider.calls_of("refund")) == 1
    upheld = await outbox(market, "complaints.upheld")
    assert upheld == [{"complaint_id": body["id"], "merchant_id": market.merchant_id, "category": "product_quality"}]
    sanctions = await outbox(market, "complaints.sanction_requested")
    assert [(s["merchant_id"], s["measure"]) for s in sanctions] == [(market.merchant_id, "warning")]


async def test_a_refund_above_the_order_total_is_refused_whole(market: Market) -> None:
    order_id = await market.order()
    cid = (await market.file(subject={"type": "order", "id": order_id}))["id"]
    await market.op(cid, "acknowledge")
    await market.op(cid, "report", {"findings": "x", "upheld": True, "responsible_party": "merchant"})
    r = await market.c.post(f"{API}/{cid}/plan", headers=market.operator.headers, json={"remedies": [
        {"kind": "refund", "amount": {"amount": 1500, "currency": "CNY"}},
        {"kind": "refund", "amount": {"amount": 1500, "currency": "CNY"}},
        {"kind": "compensation", "amount": {"amount": 100, "currency": "USD"}},
        {"kind": "apology", "measure": "warning"}]})
    assert r.status_code == 422 and r.json()["code"] == "complaints.remedy_invalid"
    assert {e["field"] for e in r.json()["errors"]} == {"remedies[1].amount", "remedies[2].amount.currency",
                                                         "remedies[2].payer", "remedies[3].measure"}
    assert (await market.get(cid))["state"] == "reported"
    assert await market.rows("SELECT id FROM complaints_remedy WHERE complaint_id = {}", cid) == []


async def test_reopen_within_seven_days_and_refused_after(market: Market) -> None:
    await market.until(cst(1, 9, 10))  # Friday
    body = await resolved(market)
    cid = body["id"]
    body = await market.me(cid, "feedback", {"score": 2, "comment": "still leaks"})
    assert body["state"] == "closed" and body["outcome"] == "resolved"
    # 7 days from the day after (Sat 10 .. Fri 16), to 24:00 Beijing
    assert at(body["reopen_until"]) == cst(1, 17)
    assert "reopen" in body["allowed_actions"]

    await market.until(cst(1, 16, 23, 59))
    body = await market.me(cid, "reopen", {"reason": "the replacement seal leaks too"})
    assert body["state"] == "investigating" and body["round"] == 2
    assert clock(body, "investigate")["round"] == 2 and clock(body, "investigate")["state"] == "running"
    await market.op(cid, "report", {"findings": "Second look: same defect.", "upheld": True,
                                    "responsible_party": "merchant"})
    await market.op(cid, "plan", {"remedies": [{"kind": "apology"}]})
    await market.me(cid, "plan/accept")
    await market.op(cid, "complete", {})
    body = await market.me(cid, "feedback", {"score": 1})
    closed_at = at(body["closed_at"])
    assert closed_at is not None and len(await outbox(market, "complaints.upheld")) == 1  # counted once

    await market.until(at(body["reopen_until"]) + timedelta(seconds=1))
    body = await market.get(cid, market.customer)
    assert "reopen" not in body["allowed_actions"]
    r = await market.c.post(f"{API}/{cid}/reopen", json={"reason": "again"}, headers=market.customer.headers)
    assert r.status_code == 409 and r.json()["code"] == "complaints.reopen_window_closed"
    assert (await market.get(cid))["state"] == "closed"


async def test_a_satisfied_complainant_cannot_reopen_and_silence_closes_the_feedback_window(market: Market) -> None:
    first = await resolved(market)
    await market.me(first["id"], "feedback", {"score": 5})
    r = await market.c.post(f"{API}/{first['id']}/reopen", json={"reason": "x"}, headers=market.customer.headers)
    assert r.status_code == 409 and r.json()["code"] == "complaints.complainant_satisfied"

    second = await resolved(market)
    due = at(second["whose_move"]["due_at"])
    await market.until(due)
    body = await market.get(second["id"])
    assert body["state"] == "closed" and body["satisfaction"] is None and body["outcome"] == "resolved"
    # no score: an unsatisfied complainant may still reopen within the window
    assert "reopen" in (await market.get(second["id"], market.customer))["allowed_actions"]


async def test_a_rejected_plan_escalates_and_a_supervisor_owes_a_revised_plan(market: Market) -> None:
    order_id = await market.order()
    cid = (await market.file(subject={"type": "order", "id": order_id}))["id"]
    await market.op(cid, "acknowledge")
    await market.op(cid, "report", {"findings": "Not a defect.", "upheld": False, "responsible_party": "none"})
    await market.op(cid, "plan", {"remedies": [], "note": "No remedy: the kettle works as described."})
    body = await market.me(cid, "plan/reject", {"reason": "It does leak."})
    assert body["state"] == "escalated" and body["escalated"] is True
    plan = clock(body, "plan")
    assert plan["state"] == "running" and body["whose_move"] == {"party": "platform", "action": "propose_plan",
                                                                 "due_at": plan["due_at"]}
    queue = (await market.c.get(f"{API}/admin/escalations", headers=market.operator.headers)).json()
    assert [(e["complaint_id"], e["reason"]) for e in queue] == [(cid, "plan_rejected")]
    body = await market.op(cid, "plan", {"remedies": [{"kind": "refund", "amount": {"amount": 1999, "currency": "CNY"}}]})
    assert body["state"] == "plan_proposed" and body["escalated"] is False
    # silence accepts the plan when the complainant's window ends
    await market.until(at(body["whose_move"]["due_at"]))
    body = await market.get(cid)
    assert body["state"] == "executing"


async def test_compensation_goes_to_the_providers_compensate_or_is_refused_whole(market: Market) -> None:
    order_id = await market.order()
    cid = (await market.file(subject={"type": "order", "id": order_id}))["id"]
    await market.op(cid, "acknowledge")
    await market.op(cid, "report", {"findings": "Late and damaged.", "upheld": True, "responsible_party": "merchant"})
    body = await market.op(cid, "plan", {"remedies": [
        {"kind": "compensation", "amount": {"amount": 300, "currency": "CNY"}, "payer": "merchant"}]})
    body = await market.me(cid, "plan/accept")
    remedy = body["remedies"][0]
    provider = payment_provider(market.kit)
    r = await market.c.post(f"{API}/{cid}/remedies/{remedy['id']}/execute", json={}, headers=market.operator.headers)
    if hasattr(provider, "compensate"):
        assert r.status_code == 200, r.text
        assert provider.calls_of("compensate")[0].args[0].idempotency_key == f"complaints:{remedy['id']}"
    else:  # a provider without compensate: refused, nothing recorded
        assert r.status_code == 409 and r.json()["code"] == "complaints.remedy_unavailable"
        after = await market.get(cid)
        assert after["state"] == "executing" and after["remedies"][0]["status"] == "proposed"
