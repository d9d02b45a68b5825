"""What logistics offers other plugins (``rt.provider("fulfilment", "logistics")``), and the
timers that talk to carriers after commit.

* ``intercept`` — a refund request before signing asks the carrier to stop every parcel of
  the order in transit (Taobao dispute rules Art. 23); the answer comes back as a scan and
  becomes ``shipment.intercepted`` / ``shipment.intercept_failed``;
* ``track_return`` — the buyer's return parcel is tracked like any other; its scans become
  ``return_parcel.status_changed``;
* ``ship_replacement`` — an exchange opens a shipment outside the order's quantities.

Carrier calls (subscribe, intercept, cancel) never run inside a transaction: the
transaction schedules an ``@outside_transaction`` timer, which retries on failure.
"""

from __future__ import annotations

from typing import Any, ClassVar

from bazaar.plugins.logistics import carriers, contract, shipments
from bazaar.plugins.logistics.events import ShipmentCreated
from bazaar.sdk.api import new_id
from bazaar.sdk.errors import NotFound, ValidationFailed
from bazaar.sdk.runtime import PluginContext, PluginRuntime
from bazaar.sdk.timers import Due, outside_transaction
from bazaar.sdk.types import HookContext

INTERCEPT_TIMER = "logistics.intercept"
IN_TRANSIT = ("info_received", "picked_up", "in_transit", "out_for_delivery", "delivery_failed", "exception")


class LogisticsFulfilment:
    """``kind="fulfilment"``, ``id="logistics"`` (:class:`bazaar.sdk.providers.FulfilmentProvider`)."""

    kind: ClassVar[str] = "fulfilment"
    id = "logistics"

    def __init__(self, context: PluginContext[Any]) -> None:
        self.context = context

    @property
    def rt(self) -> PluginRuntime:
        return self.context.runtime

    async def intercept(self, ctx: HookContext, order_id: str, *, reason: str, case_id: str | None = None) -> str:
        rt = self.rt
        async with rt.unit_of_work():
            parcels = await rt.db.fetch(
                "SELECT p.* FROM logistics_parcel p JOIN logistics_shipment s ON s.id = p.shipment_id "
                "WHERE p.order_id = {} AND p.kind = 'outbound' AND s.state = 'handed_over' ORDER BY p.id",
                order_id,
            )
            parcels = [p for p in parcels if p["status"] in IN_TRANSIT and p["waybill"]]
            if not parcels:
                raise NotFound("nothing of this order is in transit", code="logistics.nothing_in_transit")
            pending = next((p["interception_id"] for p in parcels if p["interception_id"]), None)
            if pending is not None:
                return str(pending)
            interception_id = new_id("icp")
            await rt.db.execute(
                "INSERT INTO logistics_interception (id, order_id, merchant_id, case_id, reason, state, requested_at) "
                "VALUES ({}, {}, {}, {}, {}, 'requested', {})",
                interception_id, order_id, parcels[0]["merchant_id"], case_id, reason[:500], rt.clock.now(),
            )
            for parcel in parcels:
                await rt.db.execute("UPDATE logistics_parcel SET interception_id = {} WHERE id = {}",
                                    interception_id, parcel["id"])
                await rt.timers.schedule(INTERCEPT_TIMER, parcel["id"], rt.clock.now(), {"ref": interception_id})
            return interception_id

    async def track_return(self, ctx: HookContext, *, case_id: str, order_id: str, carrier: str, waybill: str) -> str:
        rt = self.rt
        entry = carriers.carrier(rt.plugin_config("logistics"), carrier)
        if not 6 <= len(waybill) <= 32 or not waybill.replace("-", "").isalnum():
            raise ValidationFailed("not a waybill number", code="logistics.invalid_waybill")
        async with rt.unit_of_work():
            existing = await rt.db.fetchrow(
                "SELECT id, case_id FROM logistics_parcel WHERE carrier = {} AND waybill = {}", entry.code, waybill
            )
            if existing is not None and existing["case_id"] == case_id:
                return str(existing["id"])
            order = await contract.order_snapshot(rt, order_id)
            return await shipments.add_parcel(rt, None, order_id, order.merchant_id, entry, waybill,
                                              kind="return", case_id=case_id)

    async def ship_replacement(self, ctx: HookContext, *, case_id: str, order_id: str,
                               lines: tuple[tuple[str, int], ...]) -> str:
        rt = self.rt
        if not lines or any(q < 1 for _, q in lines):
            raise ValidationFailed("a replacement needs lines", code="logistics.invalid_lines")
        async with rt.unit_of_work():
            order = await contract.order_snapshot(rt, order_id)
            ordered = dict(await contract.order_lines(rt, order_id))
            if any(sku not in ordered for sku, _ in lines):
                raise ValidationFailed("a replacement ships goods of the order", code="logistics.invalid_lines")
            existing = await rt.db.fetchrow(
                "SELECT id FROM logistics_shipment WHERE order_id = {} AND case_id = {} AND state <> 'cancelled'",
                order_id, case_id,
            )
            if existing is not None:
                return str(existing["id"])
            carrier = await rt.db.fetchrow(
                "SELECT carrier FROM logistics_shipment WHERE order_id = {} ORDER BY created_at", order_id
            )
            code = carrier["carrier"] if carrier else next(iter(carriers.carrier_list(rt.plugin_config("logistics"))))
            shipment_id = await shipments._insert(rt, order.merchant_id, order.customer_id, order_id, code,
                                                  list(lines), case_id)
            entry = carriers.carrier(rt.plugin_config("logistics"), code)
            await shipments.add_parcel(rt, shipment_id, order_id, order.merchant_id, entry, None)
            await rt.emit(ShipmentCreated(order_id=order_id, shipment_id=shipment_id,
                                                    merchant_id=order.merchant_id, lines=tuple(lines), carrier=code,
                                                    replacement_for_case=case_id))
            return shipment_id


async def _parcel_and_carrier(rt: PluginRuntime, parcel_id: str) -> tuple[dict[str, Any] | None, Any]:
    parcel = await rt.db.fetchrow("SELECT * FROM logistics_parcel WHERE id = {}", parcel_id)
    if parcel is None or not parcel["waybill"]:
        return None, None
    return parcel, contract.provider(rt, "carrier", parcel["provider"])


@outside_transaction
async def subscribe(rt: PluginRuntime, due: Due) -> None:
    """Timer ``logistics.subscribe``: ask the parcel's provider for tracking pushes."""
    parcel, carrier = await _parcel_and_carrier(rt, due.subject)
    if parcel is not None:
        base = (rt.public_url or "").rstrip("/")
        await carrier.subscribe(rt.context(), parcel["carrier"], parcel["waybill"],
                                callback_url=f"{base}/api/v1/logistics/tracking/push/{parcel['provider']}")


@outside_transaction
async def send_intercept(rt: PluginRuntime, due: Due) -> None:
    """Timer ``logistics.intercept``: send the interception request to the carrier."""
    parcel, carrier = await _parcel_and_carrier(rt, due.subject)
    if parcel is not None:
        await carrier.intercept(rt.context(), parcel["carrier"], parcel["waybill"], ref=str(due.payload["ref"]))


@outside_transaction
async def cancel_waybill(rt: PluginRuntime, due: Due) -> None:
    """Timer ``logistics.cancel_waybill``: cancel a booked waybill of a cancelled shipment."""
    parcel, carrier = await _parcel_and_carrier(rt, due.subject)
    if parcel is not None:
        await carrier.cancel_waybill(rt.context(), parcel["carrier"], parcel["waybill"])
