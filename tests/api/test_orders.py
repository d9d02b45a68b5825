"""Orders through HTTP: customers, merchants and operators; transitions, side effects, vetoes, privacy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bazaar.core.kernel.ids import new_id
from bazaar.core.orders import service as orders
from bazaar.sdk.events import By, OrderCancelled, OrderDelivered, OrderShipped
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.money import Money
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import (
    checkout,
    fake_payment_plugin,
    line,
    mark_paid,
    payment_provider,
    purchase_counts,
)
from bazaar.sdk.types import Objection, OrderSnapshot

PROBLEM = "application/problem+json"


async def _kit(bazaar_factory: Any, payments: dict[str, Any] | None = None, extra: tuple[Plugin, ...] = ()) -> Any:
    return await bazaar_factory(
        plugins=["testing.payments", *(p.id for p in extra)],
        extra=[fake_payment_plugin(), *extra],
        config={"testing.payments": payments or {}},
    )


class World:
    """Two merchants with a product each, two customers, an operator; one order per customer."""

    async def build(self, kit: Any, *, pay: bool = True) -> World:
        self.kit, self.rt = kit, kit.runtime
        self.merchant_a, self.owner_a = await kit.merchant(name="A")
        self.merchant_b, self.owner_b = await kit.merchant(name="B")
        self.sku_a = (await seed.product(self.rt, self.merchant_a, prices=[1999], stock=10))["skus"][0]
        self.sku_b = (await seed.product(self.rt, self.merchant_b, prices=[500], stock=10))["skus"][0]
        self.alice, self.bob = await kit.user(), await kit.user()
        self.operator = await kit.operator()
        r = await checkout(kit, self.alice, [line(self.sku_a, 2), line(self.sku_b, 1, 500)])
        assert r.status_code == 201, r.text
        self.checkout = r.json()
        if pay:
            await mark_paid(self.rt, self.checkout["id"])
        self.order_a = next(o["id"] for o in self.checkout["orders"] if o["merchant_id"] == self.merchant_a)
        self.order_b = next(o["id"] for o in self.checkout["orders"] if o["merchant_id"] == self.merchant_b)
        return self

    async def counts(self) -> dict[str, Any]:
        return await purchase_counts(self.rt, [self.sku_a, self.sku_b])

    def merchant_url(self, merchant_id: str, order_id: str = "", action: str = "") -> str:
        url = f"/api/v1/merchants/{merchant_id}/orders"
        return url + (f"/{order_id}" if order_id else "") + (f"/{action}" if action else "")


@pytest.fixture
async def world(bazaar_factory: Any) -> World:
    return await World().build(await _kit(bazaar_factory))


# --- customers ----------------------------------------------------------------------------------


async def test_customer_lists_and_reads_own_orders(world: World) -> None:
    c = world.kit.client
    r = await c.get("/api/v1/orders", headers=world.alice.headers)
    assert r.status_code == 200
    assert {o["id"] for o in r.json()["items"]} == {world.order_a, world.order_b}
    assert all(o["state"] == "paid" for o in r.json()["items"])
    r = await c.get(f"/api/v1/orders/{world.order_a}", headers=world.alice.headers)
    assert r.status_code == 200
    order = r.json()
    assert order["totals"]["subtotal"]["amount"] == 3998 and order["totals"]["total"]["amount"] == 4998
    assert order["lines"][0]["sku_id"] == world.sku_a and order["lines"][0]["quantity"] == 2
    assert order["shipping_address"]["phone"] == "13812345678" and order["shipping_address"]["masked"] is False
    assert [(h["from_state"], h["to_state"], h["event"]) for h in order["history"]] == [("pending_payment", "paid", "pay")]
    assert order["history"][0]["plugin"] == "testing.payments"
    assert order["allowed_actions"] == ["cancel"]  # shipping is the merchant's
    assert order["deadlines"] == []
    # bob sees nothing of alice's
    r = await c.get("/api/v1/orders", headers=world.bob.headers)
    assert r.json() == {"items": [], "next_cursor": None}
    r = await c.get(f"/api/v1/orders/{world.order_a}", headers=world.bob.headers)
    assert r.status_code == 404 and r.json()["code"] == "order_not_found"


async def test_customer_list_filters_and_keyset_pages(world: World) -> None:
    for _ in range(3):
        assert (await checkout(world.kit, world.alice, [line(world.sku_b, 1, 500)])).status_code == 201
    c, h = world.kit.client, world.alice.headers
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await c.get("/api/v1/orders", params=params, headers=h)).json()
        seen += [o["id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    assert seen == sorted(seen, reverse=True)
    r = await c.get("/api/v1/orders", params={"state": "pending_payment"}, headers=h)
    assert len(r.json()["items"]) == 3
    for params, code in (({"state": "lost"}, "invalid_state"), ({"cursor": "abc"}, "invalid_id"),
                         ({"limit": 0}, "validation_failed"), ({"limit": 1000}, "validation_failed")):
        r = await c.get("/api/v1/orders", params=params, headers=h)
        assert r.status_code == 422 and r.json()["code"] == code, (params, r.text)


async def test_cancel_paid_order_refunds_and_releases(world: World) -> None:
    c = world.kit.client
    r = await c.post(f"/api/v1/orders/{world.order_a}/cancel", json={"reason": "changed my mind"},
                     headers=world.alice.headers)
    assert r.status_code == 200, r.text
    order = r.json()
    assert order["state"] == "cancelled" and order["cancel_reason"] == "changed my mind"
    assert order["totals"]["refunded"]["amount"] == 4998
    assert order["history"][-1]["actor_id"] == world.alice.id
    refunds = payment_provider(world.kit).calls_of("refund")
    assert len(refunds) == 1
    request = refunds[0].args[0]
    assert request.idempotency_key == f"{world.order_a}:cancel" and request.amount.amount == 4998
    assert (await world.counts())[world.sku_a] == (10, 0)
    assert (await world.counts())[world.sku_b] == (10, 1)
    # cancelling again is an invalid transition and changes nothing
    before = await world.counts()
    r = await c.post(f"/api/v1/orders/{world.order_a}/cancel", json={"reason": "again"}, headers=world.alice.headers)
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    assert r.json()["from"] == "cancelled" and r.json()["event"] == "cancel"
    assert await world.counts() == before


async def test_cancel_unpaid_checkout_voids_the_payment(bazaar_factory: Any) -> None:
    world = await World().build(await _kit(bazaar_factory), pay=False)
    c = world.kit.client
    for order_id in (world.order_a, world.order_b):
        r = await c.post(f"/api/v1/orders/{order_id}/cancel", json={"reason": "no"}, headers=world.alice.headers)
        assert r.status_code == 200, r.text
    provider = payment_provider(world.kit)
    assert provider.calls_of("refund") == []
    assert len(provider.calls_of("cancel_payment")) == 1
    r = await c.get(f"/api/v1/checkouts/{world.checkout['id']}", headers=world.alice.headers)
    assert r.json()["status"] == "cancelled"
    assert await world.rt.timers.get("core.checkout_expire", world.checkout["id"]) is None
    assert (await world.counts())[world.sku_a] == (10, 0)


async def test_cancel_refusals_change_nothing(world: World) -> None:
    c = world.kit.client
    before = await world.counts()
    cases = [
        (world.alice.headers, world.order_a, {}, 422, "validation_failed"),
        (world.alice.headers, world.order_a, {"reason": ""}, 422, "validation_failed"),
        (world.alice.headers, world.order_a, {"reason": "x" * 1001}, 422, "validation_failed"),
        (world.alice.headers, world.order_a, {"reason": "ok", "refund": True}, 422, "validation_failed"),
        (world.alice.headers, "ord_123", {"reason": "ok"}, 422, "invalid_id"),
        (world.alice.headers, new_id("ord"), {"reason": "ok"}, 404, "order_not_found"),
        (world.bob.headers, world.order_a, {"reason": "ok"}, 404, "order_not_found"),
        ({}, world.order_a, {"reason": "ok"}, 401, "unauthorized"),
    ]
    for headers, order_id, body, status, code in cases:
        r = await c.post(f"/api/v1/orders/{order_id}/cancel", json=body, headers=headers)
        assert r.status_code == status and r.json()["code"] == code, (body, r.text)
        assert r.headers["content-type"].startswith(PROBLEM)
    assert await world.counts() == before
    assert payment_provider(world.kit).calls_of("refund") == []


async def test_refund_failure_at_provider_changes_nothing(bazaar_factory: Any) -> None:
    world = await World().build(await _kit(bazaar_factory, payments={"refund_status": "failed"}))
    before = await world.counts()
    r = await world.kit.client.post(f"/api/v1/orders/{world.order_a}/cancel", json={"reason": "x"},
                                    headers=world.alice.headers)
    assert r.status_code == 502 and r.json()["code"] == "refund_failed"
    assert await world.counts() == before
    assert (await orders.order_snapshot(world.rt, world.order_a)).state == "paid"


async def outbox(world: World, type_: str, order_id: str) -> list[Any]:
    """The typed events of one type about an order, as subscribers receive them."""
    rows = await world.rt.db.fetch("SELECT id FROM kernel_outbox WHERE type = {} AND subject = {}", type_, order_id)
    return [await world.rt.events.load(r["id"]) for r in rows]


async def test_order_cancelled_says_who_and_why_for_each_route(world: World) -> None:
    """Customer, merchant and operator cancel routes: ``order.cancelled`` carries ``by`` and ``cancel_reason``."""
    c = world.kit.client
    r = await c.post(f"/api/v1/orders/{world.order_a}/cancel", json={"reason": "changed my mind"},
                     headers=world.alice.headers)
    assert r.status_code == 200, r.text
    (event,) = await outbox(world, "order.cancelled", world.order_a)
    assert isinstance(event, OrderCancelled)
    assert (event.by, event.cancel_reason, event.reason) == (By(kind="customer", id=world.alice.id),
                                                              "customer_request", "changed my mind")
    assert (event.from_state, event.merchant_id, event.refunded) == ("paid", world.merchant_a,
                                                                      Money(amount=4998, currency="CNY"))
    assert event.cancelled_at == world.kit.clock.now()

    r = await c.post(world.merchant_url(world.merchant_b, world.order_b, "cancel"), json={"reason": "out of stock"},
                     headers=world.owner_b.headers)
    assert r.status_code == 200 and r.json()["state"] == "cancelled", r.text
    assert r.json()["history"][-1]["actor_kind"] == "merchant"
    (event,) = await outbox(world, "order.cancelled", world.order_b)
    assert (event.by, event.cancel_reason) == (By(kind="merchant", id=world.owner_b.id), "merchant_request")

    # an operator cancels a third order and names the reason
    sku = (await seed.product(world.rt, world.merchant_a, prices=[700], stock=3))["skus"][0]
    r = await checkout(world.kit, world.bob, [line(sku, 1, 700)])
    order_id = r.json()["orders"][0]["id"]
    await mark_paid(world.rt, r.json()["id"])
    r = await c.post(f"/api/v1/admin/orders/{order_id}/cancel",
                     json={"reason": "parcel refused at the door", "cancel_reason": "delivery_refused"},
                     headers=world.operator.headers)
    assert r.status_code == 200 and r.json()["state"] == "cancelled", r.text
    (event,) = await outbox(world, "order.cancelled", order_id)
    assert (event.by, event.cancel_reason) == (By(kind="operator", id=world.operator.id), "delivery_refused")


async def test_cancel_routes_of_merchants_and_operators_refuse_bad_input(world: World) -> None:
    c = world.kit.client
    before = await world.counts()
    # merchant B's staff cannot cancel merchant A's order (404), customers cannot use the merchant route (403)
    r = await c.post(world.merchant_url(world.merchant_b, world.order_a, "cancel"), json={"reason": "mine now"},
                     headers=world.owner_b.headers)
    assert r.status_code == 404 and r.json()["code"] == "order_not_found"
    r = await c.post(world.merchant_url(world.merchant_a, world.order_a, "cancel"), json={"reason": "x"},
                     headers=world.alice.headers)
    assert r.status_code == 403
    r = await c.post(f"/api/v1/admin/orders/{world.order_a}/cancel", json={"reason": "x", "cancel_reason": "because"},
                     headers=world.operator.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cancel_reason"
    r = await c.post(f"/api/v1/admin/orders/{world.order_a}/cancel", json={"reason": "x"}, headers=world.alice.headers)
    assert r.status_code == 403
    r = await c.post(f"/api/v1/admin/orders/{new_id('ord')}/cancel", json={"reason": "x"},
                     headers=world.operator.headers)
    assert r.status_code == 404 and r.json()["code"] == "order_not_found"
    assert await world.counts() == before
    assert await outbox(world, "order.cancelled", world.order_a) == []


# --- merchants ----------------------------------------------------------------------------------


async def test_merchant_sees_only_own_orders_and_ships(world: World) -> None:
    c = world.kit.client
    r = await c.get(world.merchant_url(world.merchant_a), headers=world.owner_a.headers)
    assert [o["id"] for o in r.json()["items"]] == [world.order_a]
    r = await c.get(world.merchant_url(world.merchant_a, world.order_a), headers=world.owner_a.headers)
    assert r.status_code == 200
    address = r.json()["shipping_address"]
    assert address["phone"] == "13812345678" and address["masked"] is False  # needed to ship
    before = await world.counts()
    r = await c.post(world.merchant_url(world.merchant_a, world.order_a, "ship"),
                     json={"carrier": "SF Express", "tracking_number": "SF1234567890"}, headers=world.owner_a.headers)
    assert r.status_code == 200, r.text
    shipped = r.json()
    assert shipped["state"] == "shipped" and shipped["carrier"] == "SF Express"
    assert shipped["tracking_number"] == "SF1234567890" and shipped["shipped_at"] is not None
    assert shipped["history"][-1]["actor_kind"] == "merchant"
    after = await world.counts()
    assert before[world.sku_a] == (10, 2) and after[world.sku_a] == (8, 0)  # committed
    assert after["inventory_movement"] == before["inventory_movement"] + 1
    # a shipped order cannot be cancelled
    r = await c.post(f"/api/v1/orders/{world.order_a}/cancel", json={"reason": "late"}, headers=world.alice.headers)
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition" and r.json()["from"] == "shipped"
    # and cannot be shipped twice
    r = await c.post(world.merchant_url(world.merchant_a, world.order_a, "ship"),
                     json={"carrier": "SF", "tracking_number": "SF999"}, headers=world.owner_a.headers)
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"


async def test_merchant_filters_by_state_and_date(world: World) -> None:
    c = world.kit.client
    url = world.merchant_url(world.merchant_b)
    h = world.owner_b.headers
    assert len((await c.get(url, params={"state": "paid"}, headers=h)).json()["items"]) == 1
    assert (await c.get(url, params={"state": "shipped"}, headers=h)).json()["items"] == []
    assert len((await c.get(url, params={"created_from": "2026-01-05T00:00:00Z"}, headers=h)).json()["items"]) == 1
    assert (await c.get(url, params={"created_to": "2026-01-05T00:00:00Z"}, headers=h)).json()["items"] == []
    r = await c.get(url, params={"created_from": "yesterday"}, headers=h)
    assert r.status_code == 422


async def test_merchant_authorization(world: World) -> None:
    c = world.kit.client
    ship = {"carrier": "SF", "tracking_number": "SF123"}
    # staff of B asking for A's order through B's path: 404; through A's path: 403
    r = await c.get(world.merchant_url(world.merchant_b, world.order_a), headers=world.owner_b.headers)
    assert r.status_code == 404 and r.json()["code"] == "order_not_found"
    r = await c.post(world.merchant_url(world.merchant_b, world.order_a, "ship"), json=ship, headers=world.owner_b.headers)
    assert r.status_code == 404
    for method, url in (("get", world.merchant_url(world.merchant_a)),
                        ("get", world.merchant_url(world.merchant_a, world.order_a)),
                        ("post", world.merchant_url(world.merchant_a, world.order_a, "ship"))):
        for headers, status in ((world.owner_b.headers, 403), (world.alice.headers, 403), ({}, 401)):
            kwargs = {"json": ship} if method == "post" else {}
            r = await getattr(c, method)(url, headers=headers, **kwargs)
            assert r.status_code == status, (url, r.text)
    assert (await orders.order_snapshot(world.rt, world.order_a)).state == "paid"


async def test_ship_refusals_change_nothing(bazaar_factory: Any) -> None:
    world = await World().build(await _kit(bazaar_factory), pay=False)
    c, h = world.kit.client, world.owner_a.headers
    url = world.merchant_url(world.merchant_a, world.order_a, "ship")
    before = await world.counts()
    cases = [
        ({"carrier": "SF"}, 422, "validation_failed"),
        ({"carrier": "SF", "tracking_number": "SF123", "eta": "soon"}, 422, "validation_failed"),
        ({"carrier": "", "tracking_number": "SF123"}, 422, "validation_failed"),
        ({"carrier": "SF", "tracking_number": "x" * 101}, 422, "validation_failed"),
        ({"carrier": "SF", "tracking_number": "SF 12;3"}, 422, "validation_failed"),
        ({"carrier": "SF", "tracking_number": "SF123"}, 409, "invalid_transition"),  # not paid yet
    ]
    for body, status, code in cases:
        r = await c.post(url, json=body, headers=h)
        assert r.status_code == status and r.json()["code"] == code, (body, r.text)
    r = await c.post(world.merchant_url(world.merchant_a, "ord_bad", "ship"), json=cases[-1][0], headers=h)
    assert r.status_code == 422 and r.json()["code"] == "invalid_id"
    assert await world.counts() == before


async def test_merchant_sees_masked_address_before_payment_and_after_completion(bazaar_factory: Any) -> None:
    world = await World().build(await _kit(bazaar_factory), pay=False)
    c, h = world.kit.client, world.owner_a.headers
    address = (await c.get(world.merchant_url(world.merchant_a, world.order_a), headers=h)).json()["shipping_address"]
    assert address["masked"] is True and address["phone"] == "138****5678" and "Wensan" not in address["line1"]
    await mark_paid(world.rt, world.checkout["id"])
    await c.post(world.merchant_url(world.merchant_a, world.order_a, "ship"),
                 json={"carrier": "SF", "tracking_number": "SF123"}, headers=h)
    r = await c.post(f"/api/v1/orders/{world.order_a}/confirm-receipt", headers=world.alice.headers)
    assert r.status_code == 200 and r.json()["state"] == "completed"
    address = (await c.get(world.merchant_url(world.merchant_a, world.order_a), headers=h)).json()["shipping_address"]
    assert address["masked"] is True and address["name"] == "Z********"


# --- confirm receipt, plugin facade, vetoes -----------------------------------------------------------------


async def test_deliver_by_plugin_then_confirm_receipt(world: World) -> None:
    c = world.kit.client
    r = await c.post(f"/api/v1/orders/{world.order_b}/confirm-receipt", headers=world.alice.headers)
    assert r.status_code == 409 and r.json()["from"] == "paid" and r.json()["event"] == "confirm_receipt"
    await orders.ship(world.rt, world.order_b, carrier="ZTO", tracking_number="ZTO123", actor_kind="plugin",
                      plugin="logistics")
    snap = await orders.transition(world.rt, world.order_b, "deliver", actor_kind="plugin", plugin="logistics",
                                   reason="carrier scan: signed", proof="signed")
    assert snap.state == "delivered"
    r = await c.post(f"/api/v1/orders/{world.order_b}/confirm-receipt", headers=world.bob.headers)
    assert r.status_code == 404
    r = await c.post(f"/api/v1/orders/{world.order_b}/confirm-receipt", headers=world.alice.headers)
    assert r.status_code == 200
    order = r.json()
    assert order["state"] == "completed" and order["completed_at"] is not None
    assert [h["event"] for h in order["history"]] == ["pay", "ship", "deliver", "confirm_receipt"]
    events = await world.rt.db.fetch("SELECT type FROM kernel_outbox WHERE subject = {} ORDER BY occurred_at, id",
                                     world.order_b)
    assert {e["type"] for e in events} >= {"order.created", "order.paid", "order.shipped", "order.delivered",
                                           "order.completed"}
    (shipped,) = await outbox(world, "order.shipped", world.order_b)
    assert isinstance(shipped, OrderShipped)
    assert (shipped.carrier, shipped.tracking_number, shipped.by) == ("ZTO", "ZTO123",
                                                                      By(kind="plugin", plugin="logistics"))
    assert shipped.on_time is None and shipped.ship_by is None, "no ship-by deadline applied"
    (delivered,) = await outbox(world, "order.delivered", world.order_b)
    assert isinstance(delivered, OrderDelivered) and delivered.proof == "signed"


async def test_a_logistics_plugin_passes_ship_by_and_the_event_says_whether_it_was_on_time(world: World) -> None:
    now = world.kit.clock.now()
    await orders.ship(world.rt, world.order_a, carrier="SF", tracking_number="SF1", actor_kind="plugin",
                      plugin="logistics", ship_by=now - timedelta(minutes=1), shipping_method="postal")
    await orders.ship(world.rt, world.order_b, carrier="SF", tracking_number="SF2", actor_kind="plugin",
                      plugin="logistics", ship_by=now)
    (late,) = await outbox(world, "order.shipped", world.order_a)
    (in_time,) = await outbox(world, "order.shipped", world.order_b)
    assert (late.on_time, late.ship_by, late.shipped_at, late.shipping_method) == (False, now - timedelta(minutes=1),
                                                                                   now, "postal")
    assert (in_time.on_time, in_time.shipping_method) == (True, None)


async def test_aftersales_flag_is_set_by_plugins(world: World) -> None:
    snap = await orders.set_aftersales_open(world.rt, world.order_a, True, plugin="aftersales")
    assert snap.aftersales_open is True
    order = (await world.kit.client.get(f"/api/v1/orders/{world.order_a}", headers=world.alice.headers)).json()
    assert order["aftersales_open"] is True and order["state"] == "paid"
    assert order["history"][-1]["event"] == "aftersales_open" and order["history"][-1]["plugin"] == "aftersales"
    assert (await orders.set_aftersales_open(world.rt, world.order_a, False, plugin="aftersales")).aftersales_open is False


async def test_transition_objection_vetoes_and_changes_nothing(bazaar_factory: Any) -> None:
    class Hold:
        @hookimpl
        def bazaar_order_transition_objections(self, order: OrderSnapshot, event: str, to_state: str) -> Objection | None:
            if event == "cancel" and order.aftersales_open:
                return Objection(reason="an after-sales case is open", code="hold.case_open")
            return None

    hold = Plugin(id="hold", version="1.0.0", summary="holds", hooks=Hold())
    world = await World().build(await _kit(bazaar_factory, extra=(hold,)))
    await orders.set_aftersales_open(world.rt, world.order_a, True, plugin="hold")
    before = await world.counts()
    r = await world.kit.client.post(f"/api/v1/orders/{world.order_a}/cancel", json={"reason": "x"},
                                    headers=world.alice.headers)
    assert r.status_code == 409 and r.json()["code"] == "plugin_vetoed" and r.json()["plugin"] == "hold"
    assert await world.counts() == before
    assert payment_provider(world.kit).calls_of("refund") == []


# --- operators ----------------------------------------------------------------------------------


async def test_operator_lists_and_reads_any_order(world: World) -> None:
    c, h = world.kit.client, world.operator.headers
    r = await c.get("/api/v1/admin/orders", headers=h)
    assert r.status_code == 200 and {o["id"] for o in r.json()["items"]} == {world.order_a, world.order_b}
    r = await c.get("/api/v1/admin/orders", params={"merchant_id": world.merchant_b}, headers=h)
    assert [o["id"] for o in r.json()["items"]] == [world.order_b]
    r = await c.get("/api/v1/admin/orders", params={"customer_id": world.bob.id}, headers=h)
    assert r.json()["items"] == []
    r = await c.get("/api/v1/admin/orders", params={"merchant_id": "nope"}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "invalid_id"
    r = await c.get(f"/api/v1/admin/orders/{world.order_a}", headers=h)
    assert r.status_code == 200 and r.json()["history"][0]["event"] == "pay"
    assert r.json()["shipping_address"]["masked"] is False  # operator with every right ("*")
    limited = await world.kit.operator(rights=["orders"])
    r = await c.get(f"/api/v1/admin/orders/{world.order_a}", headers=limited.headers)
    assert r.json()["shipping_address"]["masked"] is True
    r = await c.get(f"/api/v1/admin/orders/{new_id('ord')}", headers=h)
    assert r.status_code == 404
    for headers, status in ((world.alice.headers, 403), (world.owner_a.headers, 403), ({}, 401)):
        assert (await c.get("/api/v1/admin/orders", headers=headers)).status_code == status
        assert (await c.get(f"/api/v1/admin/orders/{world.order_a}", headers=headers)).status_code == status
