"""Platform intervention: overdue rulings top the queue, the appeal window executes a ruling, one
appeal is decided and executed at once, goods held too long show the penalty exposure."""

from __future__ import annotations

from typing import Any

from aftersales_market import API, make_shop


async def _refused_return(shop: Any) -> tuple[str, str]:
    order_id = await shop.delivered_order({"tea": 2})
    case = await shop.opened(order_id, "return_refund", "no_reason", {"tea": 2})
    await shop.did(case["id"], "accept", "merchant")
    await shop.address(case["id"])
    await shop.ship_back(case["id"])
    r = await shop.receipt(case["id"], findings=["damaged_by_buyer"], disposition="damaged")
    assert r.json()["state"] == "non_compliant", r.text
    return order_id, case["id"]


async def test_unanswered_escalation_is_overdue_and_held_goods_show_the_penalty_line(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id, case_id = await _refused_return(shop)
    await shop.did(case_id, "escalate", "customer", {"reason": "it arrived like that"})
    asked = await shop.did(case_id, "request_evidence", "operator", {"party": "customer", "note": "unboxing video?"})
    assert asked["deadlines"][0]["name"] == "evidence_window"
    await shop.advance(hours=25)  # the buyer never answered: back to the operator
    view = await shop.case(case_id, "operator")
    assert view["state"] == "escalated" and view["penalty_exposure"] is False
    assert (await shop.case(case_id))["penalty_exposure"] is None  # only operators see it
    await shop.advance(days=20)  # 15 days after receipt, rolled past the National Day week
    view = await shop.case(case_id, "operator")
    assert view["overdue"] is True and view["penalty_exposure"] is True
    queue = (await shop.c.get(f"{API}/admin/cases", headers=shop.operator.headers)).json()["items"]
    assert queue[0]["id"] == case_id and queue[0]["overdue"] and queue[0]["penalty_exposure"]
    # overdue is a flag, not an outcome: the operator can still rule
    ruled = await shop.did(case_id, "rule", "operator", {"outcome": "reject", "reasoning": "damage shown on arrival"})
    assert ruled["state"] == "ruled" and ruled["overdue"] is False


async def test_the_appeal_window_executes_the_ruling(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id, case_id = await _refused_return(shop)
    await shop.did(case_id, "escalate", "customer", {"reason": "the damage was there before"})
    ruled = await shop.did(case_id, "rule", "operator", {"outcome": "refund", "reasoning": "the carrier's photo shows it",
                                                         "refund": {"amount": 1500, "currency": "CNY"}})
    assert ruled["deadlines"][0]["name"] == "appeal_window"
    await shop.advance(days=8)
    done = await shop.case(case_id)
    assert done["state"] == "closed" and done["outcome"] == "refunded" and done["refunded"]["amount"] == 1500
    assert done["rulings"][0]["executed_at"] is not None
    await shop.advance(seconds=1)
    assert (await shop.payment(order_id))["refunded"] == 1500


async def test_one_appeal_decided_and_executed_at_once(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id, case_id = await _refused_return(shop)
    await shop.did(case_id, "escalate", "merchant", {"reason": "the buyer broke it"})
    await shop.did(case_id, "rule", "operator", {"outcome": "refund", "reasoning": "no proof of the buyer's handling"})
    appealed = await shop.did(case_id, "appeal", "merchant", {"reason": "here is the courier's statement"})
    assert appealed["state"] == "appealed" and appealed["allowed_actions"] == []
    assert (await shop.act(case_id, "appeal", "customer", {"reason": "me too"})).status_code == 409
    final = await shop.did(case_id, "decide_appeal", "operator", {
        "outcome": "refund", "reasoning": "the statement shows a dent; half back",
        "refund": {"amount": 1000, "currency": "CNY"}})
    assert final["state"] == "closed" and final["refunded"]["amount"] == 1000
    assert [r["appeal"] for r in final["rulings"]] == [False, True]
    assert final["rulings"][0]["executed_at"] is None and final["rulings"][1]["executed_at"] is not None
    await shop.advance(seconds=1)
    assert (await shop.payment(order_id))["refunded"] == 1000
    # the first ruling's reservation was released: what is left can still be refunded elsewhere
    caps = await shop.rt.db.fetch("SELECT SUM(reserved_minor) AS r FROM aftersales_line_cap WHERE order_id = {}",
                                  order_id)
    assert int(caps[0]["r"]) == 0
