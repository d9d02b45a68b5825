"""The facades of ``bazaar.sdk.services``: snapshots in, changes through the core's own rules.

Each is called as a plugin calls it (with the runtime it was given) against the real app,
and checked through the HTTP API or another snapshot: what it answers, what it changed,
and that a refusal changes nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import msgspec
import pytest

from bazaar.sdk import services
from bazaar.sdk.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from bazaar.sdk.events import By
from bazaar.sdk.testing import seed
from bazaar.sdk.testing.payments import checkout, fake_payment_plugin, line, mark_paid

BY = By(kind="plugin", plugin="test-kit")


async def shop(bazaar_factory: Any) -> dict[str, Any]:
    kit = await bazaar_factory(plugins=["testing.payments"], extra=[fake_payment_plugin()])
    merchant_id, owner = await kit.merchant(name="Tea House")
    food = await seed.category(kit.runtime, "Tea", licence_kind="food")
    product = await seed.product(kit.runtime, merchant_id, name="Longjing", prices=[1999, 2999], stock=[10, 4],
                                 category_id=food)
    buyer = await kit.user(name="Ada")
    r = await checkout(kit, buyer, [line(product["skus"][0], 2), line(product["skus"][1], 1, 2999)])
    assert r.status_code == 201, r.text
    return {"kit": kit, "rt": kit.runtime, "merchant_id": merchant_id, "owner": owner, "product": product,
            "buyer": buyer, "checkout": r.json(), "order_id": r.json()["orders"][0]["id"]}


async def stock(rt: Any, sku_id: str) -> tuple[int, int]:
    row = await rt.db.fetchrow("SELECT on_hand, reserved FROM catalogue_sku WHERE id = {}", sku_id)
    return int(row["on_hand"]), int(row["reserved"])


async def test_order_snapshot_has_lines_destination_and_the_time_of_each_step(bazaar_factory):
    s = await shop(bazaar_factory)
    rt, order_id = s["rt"], s["order_id"]
    order = await services.order_snapshot(rt, order_id)
    assert order.state == "pending_payment" and order.paid_at is None
    assert (order.country, order.region) == ("CN", "Zhejiang")
    assert sorted((ln.sku_id, ln.quantity, ln.unit_price.amount) for ln in order.lines) == sorted(
        [(s["product"]["skus"][0], 2, 1999), (s["product"]["skus"][1], 1, 2999)])
    assert all(ln.category_flags == ("licence:food",) and ln.product_id == s["product"]["id"] for ln in order.lines)
    assert order.total.amount == s["checkout"]["totals"]["total"]["amount"]
    await mark_paid(rt, s["checkout"]["id"])
    paid = await services.order_snapshot(rt, order_id)
    assert paid.state == "paid" and paid.paid_at == s["kit"].clock.now()
    assert await services.orders_of_checkout(rt, s["checkout"]["id"]) == (paid,)
    assert await services.orders_of_checkout(rt, "chk_nope") == ()
    with pytest.raises(NotFound):
        await services.order_snapshot(rt, "ord_nope")


async def test_transition_order_names_who_acted_and_refusals_change_nothing(bazaar_factory):
    s = await shop(bazaar_factory)
    rt, order_id = s["rt"], s["order_id"]
    with pytest.raises(InvalidTransition):
        await services.transition_order(rt, order_id, "deliver", by=BY, reason="too early")
    assert (await services.order_snapshot(rt, order_id)).state == "pending_payment"
    paid = await services.transition_order(rt, order_id, "pay", by=BY, reason="provider confirmed")
    assert paid.state == "paid" and paid.lines, "answers the order in full"
    due = s["kit"].clock.now() + timedelta(hours=1)
    shipped = await services.ship_order(rt, order_id, carrier="SF Express", tracking_number="SF1001", by=BY,
                                        ship_by=due, shipping_method="postal")
    assert (shipped.state, shipped.carrier, shipped.tracking_number) == ("shipped", "SF Express", "SF1001")
    r = await s["kit"].client.get(f"/api/v1/orders/{order_id}", headers=s["buyer"].headers)
    last = r.json()["history"][-1]
    assert (last["event"], last["actor_kind"], last["plugin"]) == ("ship", "plugin", "test-kit")
    event = await rt.db.fetchrow("SELECT data FROM kernel_outbox WHERE type = 'order.shipped' AND subject = {}",
                                 order_id)
    data = msgspec.json.decode(event["data"]) if isinstance(event["data"], str) else event["data"]
    assert (data["on_time"], data["shipping_method"], data["by"]["plugin"]) == (True, "postal", "test-kit")
    delivered = await services.transition_order(rt, order_id, "deliver", by=BY, reason="signed", proof="signature")
    assert delivered.state == "delivered" and delivered.delivered_at is not None


async def test_a_plugin_cancellation_says_why(bazaar_factory):
    s = await shop(bazaar_factory)
    rt, order_id = s["rt"], s["order_id"]
    await mark_paid(rt, s["checkout"]["id"])
    cancelled = await services.transition_order(rt, order_id, "cancel", by=BY, reason="not shipped in time",
                                                cancel_reason="late_shipment")
    assert cancelled.state == "cancelled" and cancelled.refunded is not None
    assert cancelled.refunded.amount == cancelled.total.amount, "a paid order is refunded through its provider"
    event = await rt.db.fetchrow("SELECT data FROM kernel_outbox WHERE type = 'order.cancelled' AND subject = {}",
                                 order_id)
    data = msgspec.json.decode(event["data"]) if isinstance(event["data"], str) else event["data"]
    assert (data["cancel_reason"], data["reason"], data["by"]) == (
        "late_shipment", "not shipped in time", {"kind": "plugin", "id": None, "plugin": "test-kit"})


async def test_aftersales_flag_is_raised_once_and_cleared(bazaar_factory):
    s = await shop(bazaar_factory)
    rt, order_id = s["rt"], s["order_id"]
    opened = await services.set_aftersales_open(rt, order_id, True, plugin="aftersales", case_id="cas_1")
    again = await services.set_aftersales_open(rt, order_id, True, plugin="aftersales", case_id="cas_1")
    assert opened.aftersales_open and again.aftersales_open
    events = await rt.db.fetch("SELECT type FROM kernel_outbox WHERE subject = {} AND type LIKE 'order.aftersales%'",
                               order_id)
    assert [e["type"] for e in events] == ["order.aftersales_opened"]
    closed = await services.set_aftersales_open(rt, order_id, False, plugin="aftersales", case_id="cas_1")
    assert not closed.aftersales_open


async def test_merchant_facades_answer_snapshots_and_staff(bazaar_factory):
    s = await shop(bazaar_factory)
    rt, mid, owner = s["rt"], s["merchant_id"], s["owner"]
    merchant = await services.merchant_snapshot(rt, mid)
    assert (merchant.name, merchant.status, merchant.owner_id) == ("Tea House", "active", owner.id)
    assert await services.is_merchant_staff(rt, mid, owner.id)
    assert not await services.is_merchant_staff(rt, mid, s["buyer"].id)
    assert await services.merchant_staff_ids(rt, mid) == (owner.id,)
    restricted = await services.transition_merchant(rt, mid, "restricted", reason="late shipments", by=BY)
    assert restricted.status == "restricted"
    with pytest.raises(InvalidTransition):
        await services.transition_merchant(rt, mid, "pending", reason="no way back", by=BY)
    assert (await services.merchant_snapshot(rt, mid)).status == "restricted"
    with pytest.raises(NotFound):
        await services.merchant_snapshot(rt, "mch_nope")


async def test_take_down_with_reasons_and_reinstate(bazaar_factory):
    s = await shop(bazaar_factory)
    rt, pid, kit = s["rt"], s["product"]["id"], s["kit"]
    listing = await services.product_snapshot(rt, pid)
    assert listing.status == "live" and listing.category_flags == ("licence:food",) and len(listing.skus) == 2
    with pytest.raises(ValidationFailed):
        await services.take_down_listing(rt, pid, reasons=[], by=BY)
    down = await services.take_down_listing(rt, pid, reasons=["counterfeit", "no licence"], by=BY)
    assert down.status == "delisted"
    assert (await kit.client.get(f"/api/v1/products/{pid}")).status_code == 404
    view = await kit.client.get(f"/api/v1/merchants/{s['merchant_id']}/products/{pid}", headers=s["owner"].headers)
    assert [r["reason"] for r in view.json()["review_reasons"]] == ["counterfeit", "no licence"]
    back = await services.reinstate_listing(rt, pid, reason="complaint withdrawn", by=BY)
    assert back.status == "live"
    with pytest.raises(InvalidTransition):
        await services.reinstate_listing(rt, pid, reason="already live", by=BY)
    assert (await kit.client.get(f"/api/v1/products/{pid}")).status_code == 200


async def test_restock_and_release_stock_write_movements(bazaar_factory):
    s = await shop(bazaar_factory)
    rt, sku = s["rt"], s["product"]["skus"][0]
    assert await stock(rt, sku) == (10, 2)
    assert await services.restock(rt, sku, 3, ref="cas_1", reason="return received") == 13
    await services.release_stock(rt, [(sku, 2)], ref="ord_x", reason="intercepted")
    assert await stock(rt, sku) == (13, 0)
    with pytest.raises(Conflict):
        await services.release_stock(rt, [(sku, 1)], ref="ord_x", reason="nothing reserved")
    with pytest.raises(ValidationFailed):
        await services.restock(rt, sku, 0, ref="cas_1", reason="nothing")
    with pytest.raises(NotFound):
        await services.restock(rt, "sku_nope", 1, ref="cas_1", reason="unknown")
    moves = await rt.db.fetch("SELECT kind, on_hand_delta, ref FROM inventory_movement WHERE sku_id = {} "
                              "AND kind IN ('restock', 'release') ORDER BY at, id", sku)
    assert moves == [{"kind": "restock", "on_hand_delta": 3, "ref": "cas_1"},
                     {"kind": "release", "on_hand_delta": 0, "ref": "ord_x"}]


class Remember(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def test_people_without_contact_data_unless_asked_and_logged(bazaar_factory):
    s = await shop(bazaar_factory)
    rt, buyer, owner = s["rt"], s["buyer"], s["owner"]
    person = await services.user_snapshot(rt, buyer.id)
    assert (person.name, person.roles, person.status) == ("Ada", ("customer",), "active")
    assert "email" not in type(person).__struct_fields__
    assert (await services.user_snapshot(rt, owner.id)).roles == ("customer", "merchant")
    audit, logger = Remember(), logging.getLogger("bazaar.privacy")
    level = logger.level
    logger.addHandler(audit)
    logger.setLevel(logging.INFO)
    try:
        contact = await services.user_contact(rt, buyer.id, purpose="complaint reply", plugin="complaints")
    finally:
        logger.removeHandler(audit)
        logger.setLevel(level)
    assert contact.email == buyer.email
    assert audit.lines == [f"personal data of {buyer.id} read by complaints: complaint reply"]
    with pytest.raises(NotFound):
        await services.user_snapshot(rt, "usr_nope")


async def test_the_full_shipping_address_only_for_a_purpose_and_logged(bazaar_factory):
    s = await shop(bazaar_factory)
    audit, logger = Remember(), logging.getLogger("bazaar.privacy")
    level = logger.level
    logger.addHandler(audit)
    logger.setLevel(logging.INFO)
    try:
        address = await services.shipping_address(s["rt"], s["order_id"], purpose="book the carrier",
                                                  plugin="logistics")
    finally:
        logger.removeHandler(audit)
        logger.setLevel(level)
    assert (address.name, address.phone, address.city) == ("Zhang San", "13812345678", "Hangzhou")
    assert audit.lines == [f"shipping address of {s['order_id']} read by logistics: book the carrier"]
    with pytest.raises(NotFound):
        await services.shipping_address(s["rt"], "ord_nope", purpose="x", plugin="logistics")


async def test_checkout_snapshot_and_cipher(bazaar_factory):
    s = await shop(bazaar_factory)
    rt = s["rt"]
    snap = await services.checkout_snapshot(rt, s["checkout"]["id"])
    assert snap.customer_id == s["buyer"].id and [o.id for o in snap.orders] == [s["order_id"]]
    cipher = services.cipher(rt)
    sealed = cipher.encrypt("13812345678")
    assert sealed and sealed != "13812345678" and cipher.decrypt(sealed) == "13812345678"


async def test_facades_refuse_a_runtime_they_were_not_given():
    with pytest.raises(TypeError):
        await services.order_snapshot(object(), "ord_1")  # type: ignore[arg-type]
