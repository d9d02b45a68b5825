"""Money: refunds from the escrow hold before release and from the merchant after (balance, then
debt), a re-priced bundle, and a ruling that moves money (refund and return shipping)."""

from __future__ import annotations

from typing import Any

from aftersales_market import API, make_shop

from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.money import Money
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.types import Discount, HookContext, OrderDraft


async def _return_and_refund(shop: Any, order_id: str, lines: dict[str, int]) -> dict[str, Any]:
    case = await shop.opened(order_id, "return_refund", "no_reason", lines)
    await shop.did(case["id"], "accept", "merchant")
    await shop.address(case["id"])
    await shop.ship_back(case["id"])
    r = await shop.receipt(case["id"])
    assert r.status_code == 200, r.text
    await shop.advance(seconds=1)  # the provider's notification confirms the refund
    return r.json()  # type: ignore[no-any-return]


async def test_refund_before_release_comes_from_the_hold(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.buy({"tea": 3})
    await shop.ship(order_id)
    await shop.advance(days=1)
    await shop.deliver(order_id)
    held = (await shop.payment(order_id))["held"]
    case = await shop.opened(order_id, "return_refund", "defective", {"tea": 1})
    assert (await shop.payment(order_id))["paused"] is True  # auto-confirm waits for the case
    await shop.did(case["id"], "accept", "merchant")
    await shop.address(case["id"])
    await shop.ship_back(case["id"], cost=1200)
    done = (await shop.receipt(case["id"])).json()
    assert done["state"] == "closed" and done["outcome"] == "refunded"
    assert done["refunded"]["amount"] == 1000
    # a quality fault: the merchant bears the return shipping, paid as compensation beyond the goods
    assert done["compensated"]["amount"] == 1200
    await shop.advance(seconds=1)
    pay = await shop.payment(order_id)
    assert pay["refunded"] == 1000 and pay["held"] == held - 1000 and pay["paused"] is False
    await shop.assert_balanced()


async def test_refund_after_release_takes_the_balance_then_makes_debt(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"tea": 2})  # confirmed: released to the merchant at once
    await shop.advance(seconds=1)
    assert (await shop.payment(order_id))["state"] == "released"
    payable = (await shop.balance())["payable"]
    assert payable > 0
    r = await shop.c.post("/api/v1/payments/admin/payouts", headers=shop.operator.headers)
    assert r.status_code == 200, r.text
    await shop.advance(seconds=1)
    assert (await shop.balance())["payable"] == 0
    done = await _return_and_refund(shop, order_id, {"tea": 1})
    assert done["outcome"] == "refunded" and done["refunded"]["amount"] == 1000
    balance = await shop.balance()
    assert balance["debt"] == 1000 and balance["payable"] == 0
    await shop.assert_balanced()


class BundleHooks:
    """Three teas for 25.00 (a bundle the after-sales calculator re-prices)."""

    def __init__(self, context: Any) -> None:
        self.context = context

    @hookimpl
    def bazaar_collect_discounts(self, ctx: HookContext, draft: OrderDraft) -> list[Discount]:
        teas = [ln for ln in draft.lines if ln.unit_price.amount == 1000 and ln.quantity >= 3]
        return [Discount(code="TEA3", label="3 teas for 25.00", amount=Money(amount=500, currency="CNY"),
                         kind="bundle", sku_ids=(ln.sku_id,), min_quantity=3) for ln in teas]


BUNDLES = Plugin(id="test.bundles", version="1.0.0", summary="bundle discounts", hooks=BundleHooks)


async def test_partial_return_of_a_bundle_is_repriced(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory, extra=(BUNDLES,), plugins=("test.bundles",))
    order_id = await shop.delivered_order({"tea": 3})
    order = await shop.order(order_id)
    assert order["totals"]["discount"]["amount"] == 500
    done = await _return_and_refund(shop, order_id, {"tea": 1})
    items = [(i["kind"], i["amount"]) for i in done["breakdown"]["items"]]
    assert items == [("goods", 1000), ("bundle_share", -167), ("bundle_repriced", -333)]
    assert done["refunded"]["amount"] == 500 == done["breakdown"]["refund"]
    assert (await shop.payment(order_id))["refunded"] == 500
    # the other two come back later at full price: 2500 paid for three, 2500 refunded in all
    second = await _return_and_refund(shop, order_id, {"tea": 2})
    assert second["refunded"]["amount"] == 2000


async def test_non_compliant_return_escalated_ruled_and_paid(bazaar_factory: Any) -> None:
    shop = await make_shop(bazaar_factory)
    order_id = await shop.delivered_order({"kettle": 1})
    case = await shop.opened(order_id, "return_refund", "no_reason", {"kettle": 1})
    await shop.did(case["id"], "accept", "merchant")
    await shop.address(case["id"])
    await shop.ship_back(case["id"], cost=1500)
    refused = await shop.receipt(case["id"], findings=["used_beyond_inspection"], disposition="damaged")
    assert refused.status_code == 200, refused.text
    assert refused.json()["state"] == "non_compliant"
    assert "escalate" in (await shop.case(case["id"]))["allowed_actions"]

    photo = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    r = await shop.c.post(f"{API}/cases/{case['id']}/evidence?filename=box.png", content=photo,
                          headers={**shop.customer.headers, "content-type": "image/png"})
    assert r.status_code == 201, r.text
    esc = await shop.did(case["id"], "escalate", "customer", {"reason": "it was only unboxed to look at it"})
    assert esc["state"] == "escalated" and esc["deadlines"][0]["actor"] == "operator"
    queue = (await shop.c.get(f"{API}/admin/cases", headers=shop.operator.headers)).json()["items"]
    assert [c["id"] for c in queue] == [case["id"]]

    asked = await shop.did(case["id"], "request_evidence", "operator", {"party": "merchant", "note": "photos please"})
    assert asked["state"] == "awaiting_evidence"
    refused_party = await shop.act(case["id"], "submit_evidence", "customer", {"reason": "me too"})
    assert refused_party.status_code == 403
    await shop.did(case["id"], "submit_evidence", "merchant", {"reason": "photos of scratches uploaded"})
    ruling = await shop.did(case["id"], "rule", "operator", {
        "outcome": "refund", "reasoning": "opening to inspect keeps goods intact (7DR 8); scratches not shown",
        "return_shipping_payer": "merchant", "return_shipping": {"amount": 1500, "currency": "CNY"}})
    assert ruling["state"] == "ruled" and ruling["rulings"][0]["refund"]["amount"] == 12000
    seen_by_merchant = await shop.case(case["id"], "merchant")
    assert seen_by_merchant["rulings"][0]["reasoning"].startswith("opening to inspect")
    assert set(seen_by_merchant["allowed_actions"]) == {"accept_ruling", "appeal"}

    await shop.did(case["id"], "accept_ruling", "customer")
    done = await shop.did(case["id"], "accept_ruling", "merchant")  # both accepted: executed now
    assert done["state"] == "closed" and done["outcome"] == "refunded"
    assert done["refunded"]["amount"] == 12000 and done["compensated"]["amount"] == 1500
    await shop.advance(seconds=1)
    assert (await shop.payment(order_id))["refunded"] == 12000
    stats = (await shop.c.get(f"{API}/merchants/{shop.merchant_id}/stats", headers=shop.owner.headers)).json()
    assert stats["rulings"] == 1 and stats["rulings_against"] == 1
    await shop.assert_balanced()
