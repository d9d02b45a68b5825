"""Checkout through HTTP: payment methods, placing checkouts, totals, idempotency, refusals, unpaid timeout."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bazaar.core.kernel.ids import new_id
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.money import Money
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import (
    ADDRESS,
    checkout,
    fake_payment_plugin,
    line,
    payment_provider,
    purchase_counts,
)
from bazaar.sdk.types import CheckoutQuote, Discount, Objection, OrderDraft, PaymentMethod

PROBLEM = "application/problem+json"


class Shop:
    """A kit with the fake payments plugin, one active merchant with a product, and a customer."""

    def __init__(self, kit: Any, merchant_id: str, owner: Any, product: dict[str, Any], customer: Any) -> None:
        self.kit = kit
        self.rt = kit.runtime
        self.merchant_id = merchant_id
        self.owner = owner
        self.product = product
        self.sku = product["skus"][0]
        self.customer = customer

    async def counts(self, *skus: str) -> dict[str, Any]:
        return await purchase_counts(self.rt, list(skus) or [self.sku])


async def make_shop(bazaar_factory: Any, *, payments: dict[str, Any] | None = None, extra: tuple[Plugin, ...] = (),
                    plugins: tuple[str, ...] = (), settings: dict[str, Any] | None = None) -> Shop:
    kit = await bazaar_factory(
        plugins=["testing.payments", *plugins],
        extra=[fake_payment_plugin(), *extra],
        config={"testing.payments": payments or {}},
        settings=settings,
    )
    merchant_id, owner = await kit.merchant(name="Tea House")
    product = await seed.product(kit.runtime, merchant_id, name="Longjing tea", prices=[1999, 2999], stock=10)
    return Shop(kit, merchant_id, owner, product, await kit.user())


@pytest.fixture
async def shop(bazaar_factory: Any) -> Shop:
    return await make_shop(bazaar_factory)


# --- payment methods ---------------------------------------------------------------------------


async def test_payment_methods_for_lines(shop: Shop) -> None:
    r = await shop.kit.client.get(
        "/api/v1/checkout/payment-methods", params={"lines": f"{shop.sku}:2", "country": "CN"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert [m["id"] for m in body["items"]] == ["testpay"]
    assert body["items"][0]["provider"] == "testpay"
    assert body["subtotal"] == {"amount": 3998, "currency": "CNY"}


@pytest.mark.parametrize(
    ("lines", "code"),
    [("nonsense", "validation_failed"), ("sku_abc:1", "invalid_id"), (f"{new_id('sku')}:1", "sku_not_found"), ("sku_x:abc", "validation_failed")],
)
async def test_payment_methods_bad_lines(shop: Shop, lines: str, code: str) -> None:
    r = await shop.kit.client.get("/api/v1/checkout/payment-methods", params={"lines": lines})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["code"] == code


async def test_payment_methods_union_is_sorted_and_duplicates_name_both_plugins(bazaar_factory: Any) -> None:
    class More:
        @hookimpl
        def bazaar_collect_payment_methods(self, quote: CheckoutQuote) -> list[PaymentMethod]:
            return [PaymentMethod(id="alipay", label="Alipay", provider="testpay")]

    class Clash:
        @hookimpl
        def bazaar_collect_payment_methods(self, quote: CheckoutQuote) -> list[PaymentMethod]:
            return [PaymentMethod(id="testpay", label="Clash", provider="other")]

    more = Plugin(id="more", version="1.0.0", summary="more methods", hooks=More())
    clash = Plugin(id="clash", version="1.0.0", summary="same method id", hooks=Clash())
    shop = await make_shop(bazaar_factory, extra=(more,), plugins=("more",))
    r = await shop.kit.client.get("/api/v1/checkout/payment-methods", params={"lines": f"{shop.sku}:1"})
    assert [m["id"] for m in r.json()["items"]] == ["alipay", "testpay"]

    shop2 = await make_shop(bazaar_factory, extra=(clash,), plugins=("clash",))
    r = await shop2.kit.client.get("/api/v1/checkout/payment-methods", params={"lines": f"{shop2.sku}:1"})
    assert r.status_code == 500
    assert r.json()["code"] == "duplicate_payment_method"
    assert r.json()["plugins"] == ["clash", "testing.payments"]


# --- placing a checkout ---------------------------------------------------------------------------


async def test_checkout_reserves_creates_order_and_starts_payment(shop: Shop) -> None:
    before = await shop.counts()
    r = await checkout(shop.kit, shop.customer, [line(shop.sku, 2)], buyer_note="leave at the door")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "pending_payment"
    assert body["customer_id"] == shop.customer.id
    assert body["totals"] == {
        "subtotal": {"amount": 3998, "currency": "CNY"},
        "shipping": {"amount": 1000, "currency": "CNY"},
        "discount": {"amount": 0, "currency": "CNY"},
        "total": {"amount": 4998, "currency": "CNY"},
        "refunded": None,
    }
    assert len(body["orders"]) == 1 and body["orders"][0]["merchant_id"] == shop.merchant_id
    assert body["orders"][0]["state"] == "pending_payment"
    payment = body["payment"]
    assert payment["provider"] == "testpay" and payment["method"] == "testpay"
    assert payment["payment_id"] == f"testpay_{body['id']}"
    assert payment["pay_url"].endswith(body["id"])
    assert payment["expires_at"].startswith("2026-01-05T01:30:00")  # kit clock + 30 minutes
    assert body["deadlines"] == [{"name": "pay_by", "due_at": payment["expires_at"]}]
    assert body["allowed_actions"] == [] and body["orders"][0]["allowed_actions"] == ["cancel"]
    order = (await shop.kit.client.get(f"/api/v1/orders/{body['orders'][0]['id']}", headers=shop.customer.headers)).json()
    assert order["deadlines"] == body["deadlines"] and order["allowed_actions"] == ["cancel"]
    after = await shop.counts()
    assert after[shop.sku] == (10, 2)
    assert after["checkout_checkout"] == before["checkout_checkout"] + 1
    assert after["orders_order"] == before["orders_order"] + 1
    calls = payment_provider(shop.kit).calls_of("start_payment")
    assert len(calls) == 1 and calls[0].args[0].total.amount == 4998
    timer = await shop.rt.timers.get("core.checkout_expire", body["id"])
    assert timer is not None

    r = await shop.kit.client.get(f"/api/v1/checkouts/{body['id']}", headers=shop.customer.headers)
    assert r.status_code == 200 and r.json()["id"] == body["id"]


async def test_shipping_address_is_encrypted_at_rest(shop: Shop) -> None:
    r = await checkout(shop.kit, shop.customer, [line(shop.sku)])
    assert r.status_code == 201
    for table in ("checkout_checkout", "orders_order"):
        rows = await shop.rt.db.fetch(f"SELECT shipping_address FROM {table}")
        assert rows and all(row["shipping_address"].startswith("enc:") for row in rows)
        assert all("Wensan" not in row["shipping_address"] and "13812345678" not in row["shipping_address"]
                   for row in rows)


async def test_multi_merchant_checkout_splits_into_orders_that_add_up(shop: Shop) -> None:
    other_id, _ = await shop.kit.merchant(name="Porcelain")
    cup = await seed.product(shop.rt, other_id, name="Cup", prices=[12000], stock=5)
    third_id, _ = await shop.kit.merchant(name="Snacks")
    snack = await seed.product(shop.rt, third_id, name="Nuts", prices=[350], stock=50)
    lines = [line(shop.sku, 4), line(shop.product["skus"][1], 1, 2999), line(cup["skus"][0], 1, 12000),
             line(snack["skus"][0], 4, 350)]
    r = await checkout(shop.kit, shop.customer, lines)
    assert r.status_code == 201, r.text
    body = r.json()
    by_merchant = {o["merchant_id"]: o["totals"] for o in body["orders"]}
    assert set(by_merchant) == {shop.merchant_id, other_id, third_id}
    assert by_merchant[shop.merchant_id]["subtotal"]["amount"] == 4 * 1999 + 2999
    assert by_merchant[shop.merchant_id]["shipping"]["amount"] == 0  # free over 99.00
    assert by_merchant[other_id]["shipping"]["amount"] == 0
    assert by_merchant[third_id]["subtotal"]["amount"] == 1400
    assert by_merchant[third_id]["shipping"]["amount"] == 1000
    for field in ("subtotal", "shipping", "discount", "total"):
        assert sum(t[field]["amount"] for t in by_merchant.values()) == body["totals"][field]["amount"]
    assert body["totals"]["total"]["amount"] == 4 * 1999 + 2999 + 12000 + 1400 + 1000
    rows = await shop.rt.db.fetch("SELECT merchant_id, total_minor FROM orders_order WHERE checkout_id = {}", body["id"])
    assert {r["merchant_id"]: r["total_minor"] for r in rows} == {k: v["total"]["amount"] for k, v in by_merchant.items()}
    lines_rows = await shop.rt.db.fetch("SELECT sku_id, quantity, line_total_minor FROM orders_line")
    assert sum(r["line_total_minor"] for r in lines_rows) == body["totals"]["subtotal"]["amount"]


async def test_shipping_and_discount_hooks(bazaar_factory: Any) -> None:
    class Pricing:
        @hookimpl
        def bazaar_select_shipping_fee(self, draft: OrderDraft) -> Money | None:
            return Money(amount=700, currency=draft.currency)

        @hookimpl
        async def bazaar_collect_discounts(self, draft: OrderDraft) -> list[Discount]:
            half = Money(amount=draft.subtotal.amount // 2 + 1, currency=draft.currency)
            return [Discount(code="a", label="half", amount=half), Discount(code="b", label="half", amount=half)]

    pricing = Plugin(id="pricing", version="1.0.0", summary="prices", hooks=Pricing())
    shop = await make_shop(bazaar_factory, extra=(pricing,), plugins=("pricing",))
    r = await checkout(shop.kit, shop.customer, [line(shop.sku, 1)])
    assert r.status_code == 201, r.text
    totals = r.json()["totals"]
    assert totals["shipping"]["amount"] == 700
    assert totals["discount"]["amount"] == 1999  # two discounts of 1000 each, capped at the subtotal
    assert totals["total"]["amount"] == 700


async def test_paid_at_once_and_pay_on_delivery(bazaar_factory: Any) -> None:
    paid = await make_shop(bazaar_factory, payments={"start_status": "paid"})
    r = await checkout(paid.kit, paid.customer, [line(paid.sku)])
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "paid" and r.json()["deadlines"] == []
    assert [o["state"] for o in r.json()["orders"]] == ["paid"]
    assert await paid.rt.timers.get("core.checkout_expire", r.json()["id"]) is None

    cod = await make_shop(bazaar_factory, payments={"start_status": "on_delivery"})
    r = await checkout(cod.kit, cod.customer, [line(cod.sku)])
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "placed"
    assert [o["state"] for o in r.json()["orders"]] == ["placed"]


# --- idempotency ---------------------------------------------------------------------------------


async def test_same_idempotency_key_answers_the_same_and_creates_nothing(shop: Shop) -> None:
    first = await checkout(shop.kit, shop.customer, [line(shop.sku, 2)], key="key-123")
    assert first.status_code == 201, first.text
    after_first = await shop.counts()
    again = await checkout(shop.kit, shop.customer, [line(shop.sku, 2)], key="key-123")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert await shop.counts() == after_first
    assert after_first[shop.sku] == (10, 2)
    assert len(payment_provider(shop.kit).calls_of("start_payment")) == 1

    reused = await checkout(shop.kit, shop.customer, [line(shop.sku, 3)], key="key-123")
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert await shop.counts() == after_first

    # keys are per customer: another customer's same key is a new checkout
    other = await shop.kit.user()
    r = await checkout(shop.kit, other, [line(shop.sku, 2)], key="key-123")
    assert r.status_code == 201 and r.json()["id"] != first.json()["id"]


# --- refusals: problem+json, stable code, nothing changes ------------------------------------------------


def _mutations(sku: str, sku2: str) -> list[tuple[str, dict[str, Any], int, str, str | None]]:
    good = {"lines": [line(sku, 1)], "shipping_address": ADDRESS, "payment_method": "testpay"}
    addr = dict(ADDRESS)
    return [
        ("missing lines", {k: v for k, v in good.items() if k != "lines"}, 422, "validation_failed", "lines"),
        ("missing address", {k: v for k, v in good.items() if k != "shipping_address"}, 422, "validation_failed", None),
        ("extra field", {**good, "discount": 100}, 422, "validation_failed", "discount"),
        ("extra line field", {**good, "lines": [{**line(sku), "x": 1}]}, 422, "validation_failed", None),
        ("empty lines", {**good, "lines": []}, 422, "validation_failed", "lines"),
        ("negative quantity", {**good, "lines": [line(sku, -1)]}, 422, "invalid_quantity", "lines[0].quantity"),
        ("zero quantity", {**good, "lines": [line(sku, 0)]}, 422, "invalid_quantity", "lines[0].quantity"),
        ("over the line limit", {**good, "lines": [line(sku, 1000)]}, 422, "invalid_quantity", "lines[0].quantity"),
        ("absurd quantity", {**good, "lines": [line(sku, 10**15)]}, 422, "validation_failed", None),
        ("quantity as string", {**good, "lines": [{**line(sku), "quantity": "two"}]}, 422, "validation_failed", None),
        ("unknown sku", {**good, "lines": [line(new_id("sku"))]}, 422, "sku_not_found", "lines[0].sku_id"),
        ("malformed sku", {**good, "lines": [line("sku_123")]}, 422, "invalid_id", "lines[0].sku_id"),
        ("product id as sku", {**good, "lines": [line(new_id("prd"))]}, 422, "invalid_id", "lines[0].sku_id"),
        ("wrong currency", {**good, "lines": [line(sku, 1, 1999, "USD")]}, 422, "wrong_currency",
         "lines[0].unit_price.currency"),
        ("lower-case currency", {**good, "lines": [line(sku, 1, 1999, "cny")]}, 422, "validation_failed", None),
        ("negative price", {**good, "lines": [line(sku, 1, -5)]}, 422, "validation_failed", None),
        ("duplicate line", {**good, "lines": [line(sku, 1), line(sku, 2)]}, 422, "duplicate_line", "lines[1].sku_id"),
        ("several problems", {**good, "lines": [line(sku, 0), line("bad")]}, 422, "invalid_lines", None),
        ("price changed", {**good, "lines": [line(sku, 1, 1899)]}, 409, "price_changed",
         "lines[0].unit_price.amount"),
        ("not enough stock", {**good, "lines": [line(sku, 11)]}, 409, "insufficient_stock", None),
        ("second line short", {**good, "lines": [line(sku, 2), line(sku2, 11, 2999)]}, 409, "insufficient_stock", None),
        ("unknown payment method", {**good, "payment_method": "bitcoin"}, 422, "unknown_payment_method",
         "payment_method"),
        ("over-long note", {**good, "buyer_note": "x" * 501}, 422, "validation_failed", "buyer_note"),
        ("over-long name", {**good, "shipping_address": {**addr, "name": "x" * 101}}, 422, "validation_failed",
         "shipping_address.name"),
        ("bad phone", {**good, "shipping_address": {**addr, "phone": "call me"}}, 422, "validation_failed",
         "shipping_address.phone"),
        ("bad country", {**good, "shipping_address": {**addr, "country": "China"}}, 422, "validation_failed",
         "shipping_address.country"),
    ]


async def test_refused_checkouts_change_nothing(shop: Shop) -> None:
    sku2 = shop.product["skus"][1]
    headers = shop.customer.headers
    before = await shop.counts(shop.sku, sku2)
    for name, body, status, code, field in _mutations(shop.sku, sku2):
        r = await shop.kit.client.post("/api/v1/checkouts", json=body, headers=headers)
        assert r.status_code == status, (name, r.text)
        assert r.headers["content-type"].startswith(PROBLEM), name
        problem = r.json()
        assert problem["code"] == code, (name, problem)
        if field is not None:
            assert field in [e["field"] for e in problem.get("errors", [])], (name, problem)
        assert await shop.counts(shop.sku, sku2) == before, name
    assert payment_provider(shop.kit).calls == []


async def test_several_line_problems_are_reported_at_once(shop: Shop) -> None:
    lines = [line(shop.sku, 0), line("sku_nope"), line(new_id("sku")), line(shop.product["skus"][1], 2, 2999, "USD")]
    r = await checkout(shop.kit, shop.customer, lines)
    assert r.status_code == 422
    fields = sorted(e["field"] for e in r.json()["errors"])
    assert fields == ["lines[0].quantity", "lines[1].sku_id", "lines[2].sku_id", "lines[3].unit_price.currency"]


async def test_price_changed_lists_each_line(shop: Shop) -> None:
    sku2 = shop.product["skus"][1]
    r = await checkout(shop.kit, shop.customer, [line(shop.sku, 1, 1000), line(sku2, 1, 2999)])
    assert r.status_code == 409
    assert r.json()["lines"] == [{"sku_id": shop.sku, "seen": 1000, "current": 1999, "currency": "CNY"}]


async def test_unsellable_skus_are_refused(shop: Shop) -> None:
    draft = await seed.product(shop.rt, shop.merchant_id, status="draft")
    pending_id, _ = await shop.kit.merchant(activate=False)
    hidden = await seed.product(shop.rt, pending_id)
    before = await shop.counts(draft["skus"][0], hidden["skus"][0])
    for sku in (draft["skus"][0], hidden["skus"][0]):
        r = await checkout(shop.kit, shop.customer, [line(sku)])
        assert r.status_code == 422 and r.json()["code"] == "sku_unavailable", r.text
    assert await shop.counts(draft["skus"][0], hidden["skus"][0]) == before


async def test_authorization(shop: Shop) -> None:
    r = await shop.kit.client.post("/api/v1/checkouts", json={"lines": [line(shop.sku)], "shipping_address": ADDRESS,
                                                              "payment_method": "testpay"})
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"
    r = await checkout(shop.kit, shop.customer, [line(shop.sku)])
    checkout_id = r.json()["id"]
    stranger = await shop.kit.user()
    r = await shop.kit.client.get(f"/api/v1/checkouts/{checkout_id}", headers=stranger.headers)
    assert r.status_code == 404 and r.json()["code"] == "checkout_not_found"
    r = await shop.kit.client.get(f"/api/v1/checkouts/{checkout_id}")
    assert r.status_code == 401
    r = await shop.kit.client.get("/api/v1/checkouts/chk_123", headers=shop.customer.headers)
    assert r.status_code == 422 and r.json()["code"] == "invalid_id"
    r = await shop.kit.client.get(f"/api/v1/checkouts/{new_id('chk')}", headers=shop.customer.headers)
    assert r.status_code == 404


async def test_checkout_objection_vetoes_before_anything_is_reserved(bazaar_factory: Any) -> None:
    class Guard:
        @hookimpl
        def bazaar_checkout_objections(self, quote: CheckoutQuote) -> Objection | None:
            if quote.subtotal.amount > 5000:
                return Objection(reason="orders over 50.00 need ID verification", code="guard.id_required")
            return None

    guard = Plugin(id="guard", version="1.0.0", summary="vetoes", hooks=Guard())
    shop = await make_shop(bazaar_factory, extra=(guard,), plugins=("guard",))
    before = await shop.counts()
    r = await checkout(shop.kit, shop.customer, [line(shop.sku, 3)])
    assert r.status_code == 409
    assert r.json()["code"] == "plugin_vetoed" and r.json()["plugin"] == "guard"
    assert r.json()["reason_code"] == "guard.id_required"
    assert await shop.counts() == before
    assert (await checkout(shop.kit, shop.customer, [line(shop.sku, 2)])).status_code == 201


# --- unpaid timeout -----------------------------------------------------------------------------


async def test_unpaid_checkout_expires_cancels_orders_and_releases_stock(shop: Shop) -> None:
    r = await checkout(shop.kit, shop.customer, [line(shop.sku, 4)])
    body = r.json()
    assert (await shop.counts())[shop.sku] == (10, 4)
    await shop.kit.advance(timedelta(minutes=29))
    assert (await shop.counts())[shop.sku] == (10, 4)
    await shop.kit.advance(timedelta(minutes=2))
    assert (await shop.counts())[shop.sku] == (10, 0)
    r = await shop.kit.client.get(f"/api/v1/checkouts/{body['id']}", headers=shop.customer.headers)
    assert r.json()["status"] == "cancelled"
    assert [o["state"] for o in r.json()["orders"]] == ["cancelled"]
    order = (await shop.kit.client.get(f"/api/v1/orders/{body['orders'][0]['id']}", headers=shop.customer.headers)).json()
    assert order["history"][-1]["event"] == "expire" and order["history"][-1]["actor_kind"] == "system"
    cancels = payment_provider(shop.kit).calls_of("cancel_payment")
    assert len(cancels) == 1 and cancels[0].args[0].id == body["id"]
    movements = await shop.rt.db.fetch("SELECT reason FROM inventory_movement WHERE ref = {}", body["orders"][0]["id"])
    assert [m["reason"] for m in movements] == ["payment_timeout"]


async def test_provider_expiry_wins_and_a_paid_checkout_does_not_expire(bazaar_factory: Any) -> None:
    from bazaar.sdk.testing.payments import mark_paid

    shop = await make_shop(bazaar_factory, payments={"expires_minutes": 10})
    r = await checkout(shop.kit, shop.customer, [line(shop.sku, 1)])
    assert r.json()["payment"]["expires_at"].startswith("2026-01-05T01:10:00")
    await mark_paid(shop.rt, r.json()["id"])
    await shop.kit.advance(timedelta(hours=2))
    after = await shop.kit.client.get(f"/api/v1/checkouts/{r.json()['id']}", headers=shop.customer.headers)
    assert after.json()["status"] == "paid"
    assert [o["state"] for o in after.json()["orders"]] == ["paid"]
    assert (await shop.counts())[shop.sku] == (10, 1)
    assert payment_provider(shop.kit).calls_of("cancel_payment") == []


async def test_simultaneous_requests_with_one_key_make_one_checkout(shop: Shop) -> None:
    import asyncio

    responses = await asyncio.gather(
        *(checkout(shop.kit, shop.customer, [line(shop.sku, 1)], key="double-click") for _ in range(3))
    )
    assert [r.status_code for r in responses] == [201, 201, 201], [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    counts = await shop.counts()
    assert counts["checkout_checkout"] == 1 and counts[shop.sku] == (10, 1)
