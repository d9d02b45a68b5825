"""Shipments: what a merchant sends for an order, in one or more shipments of one or more parcels.

The merchant creates a shipment (lines and quantities of the order, a carrier, parcels with
or without waybill numbers), buys labels for parcels without one (the carrier is called
outside any transaction; booking is idempotent by parcel id), packs and hands it over.
The click alone hands over provisionally; the carrier's first scan is what counts
(``progress.py``). The order becomes ``shipped`` at its first hand-over, through the core.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any

from bazaar.plugins.logistics import carriers, contract, ship_by, tracking
from bazaar.plugins.logistics.events import ShipmentCreated, ShipmentHandedOver
from bazaar.plugins.logistics.schemas import ShipmentCreate
from bazaar.plugins.logistics.states import SHIPMENT
from bazaar.sdk.api import new_id
from bazaar.sdk.carriers import Recipient, WaybillRequest
from bazaar.sdk.errors import (
    BazaarError,
    Conflict,
    FieldProblem,
    NotFound,
    ProviderError,
    ValidationFailed,
)
from bazaar.sdk.events import By
from bazaar.sdk.money import Money
from bazaar.sdk.runtime import PluginRuntime

log = logging.getLogger("bazaar.logistics")

PLUGIN = "logistics"
FAKE_TIMER = "logistics.fake_check"
SUBSCRIBE_TIMER = "logistics.subscribe"
CANCEL_TIMER = "logistics.cancel_waybill"
SHIPPABLE = ("paid", "placed", "shipped")


async def load(rt: PluginRuntime, shipment_id: str, *, merchant_id: str | None = None, lock: bool = False) -> dict[str, Any]:
    """A shipment (of ``merchant_id`` when given); someone else's and a missing one are both 404."""
    row = await rt.db.fetchrow(
        f"SELECT * FROM logistics_shipment WHERE id = {{}}{contract.for_update(rt) if lock else ''}", shipment_id
    )
    if row is None or (merchant_id is not None and row["merchant_id"] != merchant_id):
        raise NotFound("no such shipment", code="logistics.shipment_not_found")
    return row


async def parcels_of(rt: PluginRuntime, shipment_id: str) -> list[dict[str, Any]]:
    return await rt.db.fetch("SELECT * FROM logistics_parcel WHERE shipment_id = {} ORDER BY id", shipment_id)


async def remaining(rt: PluginRuntime, order_id: str) -> dict[str, int]:
    """What of the order is not yet in a (non-cancelled, non-replacement) shipment, per SKU."""
    left = dict(await contract.order_lines(rt, order_id))
    rows = await rt.db.fetch(
        "SELECT l.sku_id, SUM(l.quantity) AS q FROM logistics_shipment_line l JOIN logistics_shipment s "
        "ON s.id = l.shipment_id WHERE l.order_id = {} AND s.state <> 'cancelled' AND s.case_id IS NULL "
        "GROUP BY l.sku_id",
        order_id,
    )
    for r in rows:
        left[r["sku_id"]] = left.get(r["sku_id"], 0) - int(r["q"])
    return left


async def create(rt: PluginRuntime, merchant_id: str, order_id: str, data: ShipmentCreate, actor_id: str | None) -> str:
    """Create a shipment for part or all of an order; answers its id."""
    config = rt.plugin_config(PLUGIN)
    entry = carriers.carrier(config, data.carrier)
    async with rt.unit_of_work():
        order = await contract.order_snapshot(rt, order_id)
        if order.merchant_id != merchant_id:
            raise NotFound("no such order", code="logistics.order_not_found")
        if order.state not in SHIPPABLE:
            raise Conflict(f"an order that is {order.state} cannot be shipped", code="logistics.order_not_shippable",
                           extra={"order_state": order.state})
        await ship_by.check_may_ship(rt, order_id)
        left = await remaining(rt, order_id)
        problems: list[FieldProblem] = []
        seen: set[str] = set()
        for i, line in enumerate(data.lines):
            if line.sku_id in seen:
                problems.append(FieldProblem(field=f"lines[{i}].sku_id", reason="one line per SKU", value=line.sku_id))
            seen.add(line.sku_id)
            if line.quantity > left.get(line.sku_id, 0):
                problems.append(FieldProblem(field=f"lines[{i}].quantity", value=line.quantity,
                                             reason=f"{max(left.get(line.sku_id, 0), 0)} left to ship of this SKU"))
        if problems:
            raise ValidationFailed("the lines do not fit what is left of the order", code="logistics.lines_exceed_order",
                                   errors=problems)
        shipment_id = await _insert(rt, order.merchant_id, order.customer_id, order_id, entry.code,
                                    [(ln.sku_id, ln.quantity) for ln in data.lines], None)
        for parcel in data.parcels:
            await add_parcel(rt, shipment_id, order_id, merchant_id, entry, parcel.waybill_no)
        await rt.emit(ShipmentCreated(order_id=order_id, shipment_id=shipment_id, merchant_id=merchant_id,
                                                lines=tuple((ln.sku_id, ln.quantity) for ln in data.lines),
                                                carrier=entry.code))
        await _action(rt, shipment_id, "create", actor_id, {"lines": len(data.lines), "parcels": len(data.parcels)})
    return shipment_id


async def _insert(rt: PluginRuntime, merchant_id: str, customer_id: str, order_id: str, carrier: str,
                  lines: list[tuple[str, int]], case_id: str | None) -> str:
    shipment_id = new_id("shp")
    now = rt.clock.now()
    await rt.db.execute(
        "INSERT INTO logistics_shipment (id, order_id, merchant_id, customer_id, state, carrier, case_id, "
        "created_at, updated_at, by_scan) VALUES ({}, {}, {}, {}, 'pending', {}, {}, {}, {}, {})",
        shipment_id, order_id, merchant_id, customer_id, carrier, case_id, now, now, False,
    )
    for sku_id, quantity in lines:
        await rt.db.execute(
            "INSERT INTO logistics_shipment_line (id, shipment_id, order_id, sku_id, quantity) VALUES ({}, {}, {}, {}, {})",
            new_id("sln"), shipment_id, order_id, sku_id, quantity,
        )
    return shipment_id


async def add_parcel(rt: PluginRuntime, shipment_id: str | None, order_id: str, merchant_id: str, entry: Any,
                     waybill: str | None, *, kind: str = "outbound", case_id: str | None = None) -> str:
    """Register a parcel; with a waybill it is subscribed for tracking and watched for a first scan."""
    if waybill is not None:
        taken = await rt.db.fetchrow(
            "SELECT id FROM logistics_parcel WHERE carrier = {} AND waybill = {}", entry.code, waybill
        )
        if taken is not None:
            raise Conflict(f"waybill {waybill} is already registered", code="logistics.waybill_duplicate")
    parcel_id = new_id("pcl")
    now = rt.clock.now()
    await rt.db.execute(
        "INSERT INTO logistics_parcel (id, kind, shipment_id, order_id, merchant_id, case_id, carrier, provider, "
        "waybill, waybill_at, status, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        parcel_id, kind, shipment_id, order_id, merchant_id, case_id, entry.code, entry.provider, waybill,
        now if waybill else None, "info_received" if waybill else "label_pending", now,
    )
    if waybill is not None:
        await waybill_registered(rt, parcel_id)
    return parcel_id


async def waybill_registered(rt: PluginRuntime, parcel_id: str) -> None:
    """A parcel got its waybill: subscribe after commit, watch for a scan, roll up earlier scans."""
    parcel = await rt.db.fetchrow("SELECT * FROM logistics_parcel WHERE id = {}", parcel_id)
    assert parcel is not None
    now = rt.clock.now()
    await rt.timers.schedule(SUBSCRIBE_TIMER, parcel_id, now, {})
    hours = ship_by.values(rt)["fake_shipment_hours"]
    if hours and parcel["kind"] == "outbound":
        from datetime import timedelta

        await rt.timers.schedule(FAKE_TIMER, parcel_id, now + timedelta(hours=hours), {})
    await tracking.replay(rt, parcel)


async def buy_labels(rt: PluginRuntime, merchant_id: str, shipment_id: str, actor_id: str | None) -> None:
    """Book every parcel of the shipment that has no waybill yet, and keep the labels."""
    config = rt.plugin_config(PLUGIN)
    async with rt.unit_of_work():
        shipment = await load(rt, shipment_id, merchant_id=merchant_id)
        if shipment["state"] not in ("pending", "packed"):
            raise Conflict(f"a shipment that is {shipment['state']} gets no labels", code="logistics.label_not_allowed")
        await ship_by.check_may_ship(rt, shipment["order_id"])
        todo = [p for p in await parcels_of(rt, shipment_id) if p["waybill"] is None]
        order = await contract.order_snapshot(rt, shipment["order_id"])
        address = await contract.shipping_address(rt, shipment["order_id"])
        sender = await contract.merchant_name(rt, merchant_id)
    entry = carriers.carrier(config, shipment["carrier"])
    carrier = contract.provider(rt, "carrier", entry.provider)
    recipient = Recipient(name=address.name, phone=address.phone, country=address.country, region=address.region,
                          city=address.city, line1=address.line1, line2=address.line2, postcode=address.postcode)
    cod = order.total if order.payment_method == "cod" else None
    for parcel in todo:
        request = WaybillRequest(ref=parcel["id"], carrier=entry.code, sender_name=sender, recipient=recipient,
                                 cod_amount=Money(amount=cod.amount, currency=cod.currency) if cod and parcel is todo[0]
                                 else None, mask_pii=bool(ship_by.values(rt)["waybill.mask_pii"]))
        try:
            booked = await carrier.create_waybill(rt.context(actor_id), request)
        except BazaarError:
            raise
        except Exception as exc:
            log.exception("logistics: carrier %s failed to book parcel %s", entry.provider, parcel["id"])
            raise ProviderError(f"carrier {entry.provider!r} failed to book the parcel",
                                code="logistics.carrier_failed") from exc
        async with rt.unit_of_work():
            updated = await rt.db.execute(
                "UPDATE logistics_parcel SET waybill = {}, waybill_at = {}, status = 'info_received' "
                "WHERE id = {} AND waybill IS NULL RETURNING id",
                booked.waybill, rt.clock.now(), parcel["id"],
            )
            if booked.label:
                await rt.db.execute(
                    "INSERT INTO logistics_label (parcel_id, content_type, data, sha256, created_at) "
                    "VALUES ({}, {}, {}, {}, {}) ON CONFLICT (parcel_id) DO NOTHING",
                    parcel["id"], booked.label_content_type, booked.label, hashlib.sha256(booked.label).hexdigest(),
                    rt.clock.now(),
                )
            if updated:
                await waybill_registered(rt, parcel["id"])
                await _action(rt, shipment_id, "label", actor_id, {"parcel": parcel["id"], "waybill": booked.waybill})


async def label(rt: PluginRuntime, merchant_id: str, shipment_id: str, parcel_id: str) -> tuple[bytes, str, str]:
    """``(pdf bytes, content type, file name)`` of a parcel's label."""
    await load(rt, shipment_id, merchant_id=merchant_id)
    row = await rt.db.fetchrow(
        "SELECT l.content_type, l.data, p.waybill FROM logistics_label l JOIN logistics_parcel p ON p.id = l.parcel_id "
        "WHERE l.parcel_id = {} AND p.shipment_id = {}",
        parcel_id, shipment_id,
    )
    if row is None:
        raise NotFound("no label for this parcel", code="logistics.label_not_found")
    data = row["data"]
    return bytes(data), row["content_type"], f"label-{row['waybill']}.pdf"


async def pack(rt: PluginRuntime, merchant_id: str, shipment_id: str, actor_id: str | None) -> None:
    async with rt.unit_of_work():
        shipment = await load(rt, shipment_id, merchant_id=merchant_id, lock=True)
        target = SHIPMENT.transition(shipment["state"], "pack")
        await rt.db.execute("UPDATE logistics_shipment SET state = {}, packed_at = {}, updated_at = {} WHERE id = {}",
                            str(target), rt.clock.now(), rt.clock.now(), shipment_id)
        await _action(rt, shipment_id, "pack", actor_id, {})


async def hand_over_click(rt: PluginRuntime, merchant_id: str, shipment_id: str, actor_id: str | None) -> None:
    """The merchant says the parcels left: provisional hand-over at the later of waybill and click."""
    async with rt.unit_of_work():
        shipment = await load(rt, shipment_id, merchant_id=merchant_id, lock=True)
        SHIPMENT.transition(shipment["state"], "hand_over")
        parcels = await parcels_of(rt, shipment_id)
        if any(p["waybill"] is None for p in parcels):
            raise Conflict("every parcel needs a waybill before hand-over", code="logistics.waybill_missing")
        await ship_by.check_may_ship(rt, shipment["order_id"])
        now = rt.clock.now()
        await rt.db.execute("UPDATE logistics_shipment SET clicked_at = {} WHERE id = {}", now, shipment_id)
        scans = [tracking._utc(p["first_scan_at"]) for p in parcels if p["first_scan_at"] is not None]
        waybills = [tracking._utc(p["waybill_at"]) for p in parcels if p["waybill_at"] is not None]
        if scans:
            await handed_over(rt, shipment, min(scans), by_scan=True, actor=By(kind="merchant", id=actor_id))
        else:
            await handed_over(rt, shipment, max([*waybills, now]), by_scan=False, actor=By(kind="merchant", id=actor_id))
        await _action(rt, shipment_id, "hand_over", actor_id, {})


async def handed_over(rt: PluginRuntime, shipment: dict[str, Any], at: datetime, *, by_scan: bool, actor: By) -> None:
    """Record the shipment's hand-over and, at the order's first one, move the order to ``shipped``."""
    await rt.db.execute(
        "UPDATE logistics_shipment SET state = 'handed_over', handed_over_at = {}, by_scan = {}, updated_at = {} "
        "WHERE id = {}",
        at, by_scan, rt.clock.now(), shipment["id"],
    )
    due, on_time = (None, None)
    if shipment["case_id"] is None:
        due, on_time = await ship_by.handed_over(rt, shipment["order_id"], at, by_scan=by_scan)
    waybills = tuple(p["waybill"] for p in await parcels_of(rt, shipment["id"]) if p["waybill"])
    await rt.emit(ShipmentHandedOver(order_id=shipment["order_id"], shipment_id=shipment["id"],
                                               merchant_id=shipment["merchant_id"], handed_over_at=at, by_scan=by_scan,
                                               ship_by=tracking._utc(due) if due else None, on_time=on_time,
                                               carrier=shipment["carrier"], waybills=waybills))
    if shipment["case_id"] is None:
        order = await contract.order_snapshot(rt, shipment["order_id"])
        if order.state in ("paid", "placed"):
            first = await rt.db.fetchrow("SELECT waybill FROM logistics_parcel WHERE shipment_id = {} ORDER BY id",
                                         shipment["id"])
            await contract.transition_order(
                rt, shipment["order_id"], contract.SHIP, by=actor, plugin=PLUGIN, reason="handed over to the carrier",
                ship_by=tracking._utc(due) if due else None, on_time=on_time, shipped_at=at,
                carrier=shipment["carrier"], waybill=first["waybill"] if first else None,
            )


async def cancel(rt: PluginRuntime, shipment_id: str, actor_id: str | None, *, merchant_id: str | None = None) -> None:
    """Cancel a shipment before hand-over; booked waybills are cancelled at the carrier after commit."""
    async with rt.unit_of_work():
        shipment = await load(rt, shipment_id, merchant_id=merchant_id, lock=True)
        target = SHIPMENT.transition(shipment["state"], "cancel")
        now = rt.clock.now()
        await rt.db.execute("UPDATE logistics_shipment SET state = {}, cancelled_at = {}, updated_at = {} WHERE id = {}",
                            str(target), now, now, shipment_id)
        for parcel in await parcels_of(rt, shipment_id):
            await rt.timers.cancel(FAKE_TIMER, parcel["id"])
            if parcel["waybill"]:
                await rt.timers.schedule(CANCEL_TIMER, parcel["id"], now, {})
        await _action(rt, shipment_id, "cancel", actor_id, {})


async def _action(rt: PluginRuntime, subject: str, action: str, actor_id: str | None, detail: dict[str, Any]) -> None:
    import msgspec

    await rt.db.execute(
        "INSERT INTO logistics_action (id, subject, action, actor_id, detail, at) VALUES ({}, {}, {}, {}, {}, {})",
        new_id("lac"), subject, action, actor_id, msgspec.json.encode(detail).decode(), rt.clock.now(),
    )
