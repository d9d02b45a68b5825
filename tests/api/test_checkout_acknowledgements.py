"""Checkout acknowledgements (``bazaar_collect_checkout_acknowledgements``): asked, refused when not
ticked (nothing written), stored with the order they concern; and discounts recorded with their terms."""

from __future__ import annotations

from typing import Any

from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.money import Money
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import checkout, fake_payment_plugin, line, purchase_counts
from bazaar.sdk.types import Acknowledgement, CheckoutQuote, Discount, HookContext, OrderDraft

SEALED: set[str] = set()


class AskHooks:
    """Asks to confirm that a sealed SKU is not returnable once unsealed; grants a bundle."""

    def __init__(self, context: Any) -> None:
        self.context = context

    @hookimpl
    async def bazaar_collect_checkout_acknowledgements(self, ctx: HookContext, quote: CheckoutQuote) -> list[Acknowledgement]:
        return [Acknowledgement(id=f"test.sealed:{ln.sku_id}", text="Not returnable once unsealed.", sku_ids=(ln.sku_id,))
                for ln in quote.lines if ln.sku_id in SEALED]

    @hookimpl
    def bazaar_collect_discounts(self, ctx: HookContext, draft: OrderDraft) -> list[Discount]:
        return [Discount(code="B2", label="two for less", amount=Money(amount=500, currency="CNY"), kind="bundle",
                         sku_ids=(ln.sku_id,), min_quantity=2) for ln in draft.lines if ln.quantity >= 2]


ASK = Plugin(id="test.ask", version="1.0.0", summary="asks for acknowledgements", hooks=AskHooks)


async def _shop(bazaar_factory: Any) -> tuple[Any, str, str, str, Any]:
    kit = await bazaar_factory(plugins=["testing.payments", "test.ask"], extra=[fake_payment_plugin(), ASK],
                               config={"testing.payments": {"start_status": "paid"}})
    merchant_id, _ = await kit.merchant(name="Tea House")
    sealed = (await seed.product(kit.runtime, merchant_id, name="Sealed tea", prices=[1999], stock=10))["skus"][0]
    plain = (await seed.product(kit.runtime, merchant_id, name="Cup", prices=[1999], stock=10))["skus"][0]
    other_merchant, _ = await kit.merchant(name="Other")
    other = (await seed.product(kit.runtime, other_merchant, name="Pot", prices=[1999], stock=10))["skus"][0]
    SEALED.add(sealed)
    return kit, sealed, plain, other, await kit.user()


async def test_unticked_acknowledgement_refuses_the_checkout_and_writes_nothing(bazaar_factory: Any) -> None:
    kit, sealed, plain, other, customer = await _shop(bazaar_factory)
    r = await kit.client.get(f"/api/v1/checkout/acknowledgements?lines={sealed}:1,{plain}:1")
    assert r.status_code == 200, r.text
    assert r.json() == [{"id": f"test.sealed:{sealed}", "text": "Not returnable once unsealed.", "sku_ids": [sealed]}]
    before = await purchase_counts(kit.runtime, [sealed])
    refused = await checkout(kit, customer, [line(sealed), line(plain)])
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "acknowledgement_required"
    assert problem["errors"] == [{"field": "acknowledgements", "reason": "Not returnable once unsealed.",
                                  "value": f"test.sealed:{sealed}"}]
    assert await purchase_counts(kit.runtime, [sealed]) == before
    unknown = await checkout(kit, customer, [line(plain)], acknowledgements=["test.sealed:nothing"])
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_acknowledgement"


async def test_ticked_acknowledgement_is_stored_with_the_order_it_concerns(bazaar_factory: Any) -> None:
    kit, sealed, plain, other, customer = await _shop(bazaar_factory)
    r = await checkout(kit, customer, [line(sealed), line(plain, 2), line(other)],
                       acknowledgements=[f"test.sealed:{sealed}"])
    assert r.status_code == 201, r.text
    orders = {o["merchant_id"]: o["id"] for o in r.json()["orders"]}
    seen = {}
    for order_id in orders.values():
        body = (await kit.client.get(f"/api/v1/orders/{order_id}", headers=customer.headers)).json()
        seen[order_id] = body
    tea_order = next(b for b in seen.values() if any(ln["sku_id"] == sealed for ln in b["lines"]))
    pot_order = next(b for b in seen.values() if any(ln["sku_id"] == other for ln in b["lines"]))
    assert [a["id"] for a in tea_order["acknowledgements"]] == [f"test.sealed:{sealed}"]
    assert tea_order["acknowledgements"][0]["plugin"] == "test.ask"
    assert tea_order["acknowledgements"][0]["accepted_at"] is not None
    assert pot_order["acknowledgements"] == []
    # the bundle on the cups is recorded with its terms, for an explained refund later
    from bazaar.sdk.services import order_snapshot

    snap = await order_snapshot(kit.runtime, tea_order["id"])
    bundle = [p for p in snap.promotions if p.kind == "bundle"]
    assert [(p.code, p.amount.amount, p.sku_ids, p.min_quantity) for p in bundle] == [("B2", 500, (plain,), 2)]
    assert snap.acknowledgements[0].sku_ids == (sealed,)
