"""Issue 14 of issue 10: personal data is decided by one rule (sdk.privacy.sees_in_full), on every route, for every role."""

from __future__ import annotations

from typing import Any

import pytest

from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import checkout, fake_payment_plugin, line, mark_paid

PHONE = "13912345678"
ADDRESS_PHONE = "13800138000"


async def world(bazaar_factory: Any) -> dict[str, Any]:
    kit = await bazaar_factory(plugins=["testing.payments"], extra=[fake_payment_plugin()], config={"testing.payments": {}})
    merchant_id, owner = await kit.merchant(name="Shop")
    sku = (await seed.product(kit.runtime, merchant_id, prices=[1999], stock=10))["skus"][0]
    r = await kit.client.post("/api/v1/auth/register", json={"email": "alice@example.com", "password": "Correct-Horse-42",
                                                              "name": "Alice", "phone": PHONE})
    assert r.status_code == 201, r.text
    alice = await kit.login("alice@example.com", "Correct-Horse-42")
    r = await checkout(kit, alice, [line(sku, 1)])
    assert r.status_code == 201, r.text
    order_id = r.json()["orders"][0]["id"]
    await mark_paid(kit.runtime, r.json()["id"])
    return {
        "kit": kit, "merchant_id": merchant_id, "order_id": order_id, "alice": alice,
        "roles": {
            "owner": alice, "stranger": await kit.user(), "merchant": owner,
            "operator": await kit.operator(rights=["support"]), "operator_pii": await kit.operator(rights=["support", "pii"]),
        },
    }


def address_full(body: dict[str, Any]) -> bool:
    return not body["shipping_address"].get("masked", False)


@pytest.mark.parametrize(("role", "route", "expect"), [
    ("owner", "customer", "full"), ("stranger", "customer", 404),
    ("merchant", "merchant", "full"), ("operator", "merchant", "masked"), ("operator_pii", "merchant", "full"),
    ("operator", "admin", "masked"), ("operator_pii", "admin", "full"),
    ("merchant", "admin", 403), ("owner", "merchant", 403),
])
async def test_the_shipping_address_by_route_and_role(bazaar_factory, role, route, expect):
    w = await world(bazaar_factory)
    kit, session = w["kit"], w["roles"][role]
    url = {"customer": f"/api/v1/orders/{w['order_id']}",
           "merchant": f"/api/v1/merchants/{w['merchant_id']}/orders/{w['order_id']}",
           "admin": f"/api/v1/admin/orders/{w['order_id']}"}[route]
    r = await kit.client.get(url, headers=session.headers)
    if isinstance(expect, int):
        assert r.status_code == expect, r.text
        return
    assert r.status_code == 200, r.text
    assert address_full(r.json()) == (expect == "full"), r.json()["shipping_address"]


@pytest.mark.parametrize(("role", "expect"), [("owner", "full"), ("operator", "masked"), ("operator_pii", "full")])
async def test_a_users_phone_by_role(bazaar_factory, role, expect):
    w = await world(bazaar_factory)
    kit, session = w["kit"], w["roles"][role]
    url = "/api/v1/me" if role == "owner" else f"/api/v1/admin/users/{w['alice'].id}"
    r = await kit.client.get(url, headers=session.headers)
    assert r.status_code == 200, r.text
    assert (r.json()["phone"] == PHONE) == (expect == "full"), r.json()["phone"]
