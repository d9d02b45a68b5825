"""The typed storefront client against the real app: browse, buy, errors as ApiError."""

from __future__ import annotations

import pytest

from bazaar.client import ApiError, BazaarClient, CheckoutLineIn, PriceSeen, ShippingAddressIn
from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import fake_payment_plugin


async def test_a_storefront_buys_through_the_typed_client(bazaar_factory):
    plugin = fake_payment_plugin()
    kit = await bazaar_factory(plugins=[plugin.id], extra=[plugin])
    merchant_id, _ = await kit.merchant()
    product = await seed.product(kit.runtime, merchant_id, name="Blue teapot", prices=[2500], stock=3)
    shop = BazaarClient(http=kit.client)
    await shop.register("shopper@example.com", "Blue-Kettle-42", "Shopper")
    await shop.login("shopper@example.com", "Blue-Kettle-42")
    assert (await shop.me()).email == "shopper@example.com"
    page = await shop.products(q="teapot")
    assert [p.id for p in page.items] == [product["id"]]
    detail = await shop.product(product["id"])
    variant = detail.variants[0]
    methods = await shop.payment_methods([(variant.id, 1)])
    assert methods.subtotal.amount == 2500
    address = ShippingAddressIn(name="Shopper", phone="13812345678", country="CN", region="Zhejiang",
                                city="Hangzhou", line1="1 Lake Road")
    line = CheckoutLineIn(sku_id=variant.id, quantity=1, unit_price=PriceSeen(amount=variant.price.amount, currency="CNY"))
    first = await shop.checkout(lines=[line], shipping_address=address, payment_method=methods.items[0].id,
                                idempotency_key="basket-1")
    again = await shop.checkout(lines=[line], shipping_address=address, payment_method=methods.items[0].id,
                                idempotency_key="basket-1")
    assert first.id == again.id and len(first.orders) == 1
    orders = await shop.orders()
    assert [o.id for o in orders.items] == [first.orders[0].id]
    cancelled = await shop.cancel(first.orders[0].id, "changed my mind")
    assert cancelled.state == "cancelled"
    with pytest.raises(ApiError) as refused:
        await shop.confirm_receipt(first.orders[0].id)
    assert refused.value.status == 409 and refused.value.code == "invalid_transition"


async def test_client_errors_carry_code_and_fields(bazaar):
    shop = BazaarClient(http=bazaar.client)
    with pytest.raises(ApiError) as bad:
        await shop.register("not-an-email", "x", "")
    assert bad.value.status == 422
    assert {e["field"] for e in bad.value.errors} >= {"email"}
    with pytest.raises(ApiError) as anon:
        await shop.me()
    assert anon.value.status == 401 and anon.value.code == "unauthorized"
