"""What other plugins' and the core's events do to cases (called from ``bazaar_handle_event``).

Logistics (when enabled) reports the buyer's return parcel (``return_parcel.status_changed``:
``in_transit``, ``delivered`` = received by the merchant, ``lost``) and the carrier's answer to an
interception (``shipment.intercepted`` / ``shipment.intercept_failed``). Each runs in the event
delivery's transaction; a case that moved on meanwhile is left alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bazaar.plugins.aftersales.cases import load, move
from bazaar.plugins.aftersales.handling import settle_refund_only
from bazaar.plugins.aftersales.states import CaseEvent
from bazaar.sdk.errors import NotFound
from bazaar.sdk.runtime import PluginRuntime

E = CaseEvent


def _when(value: Any, fallback: datetime) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if isinstance(value, datetime) else fallback


async def handle(rt: PluginRuntime, type_: str, data: dict[str, Any]) -> None:
    now = rt.clock.now()
    if type_ in ("order.delivered", "order.completed") and data.get("order_id") and data.get("merchant_id"):
        at = _when(data.get("delivered_at") or data.get("completed_at"), now)
        await rt.db.execute(
            "INSERT INTO aftersales_order (order_id, merchant_id, open_cases, carried_minor, outbound_settled, "
            "delivered_at, updated_at) VALUES ({}, {}, 0, 0, {}, {}, {}) ON CONFLICT (order_id) DO UPDATE SET "
            "delivered_at = COALESCE(aftersales_order.delivered_at, {}), updated_at = {}",
            data["order_id"], data["merchant_id"], False, at, now, at, now)
        return
    case_id = data.get("case_id")
    if not case_id:
        return
    try:
        row = await load(rt, str(case_id), for_update=True)
    except NotFound:
        return
    if type_ == "return_parcel.status_changed":
        status = data.get("status")
        await rt.db.execute("UPDATE aftersales_case SET return_parcel_status = {}, return_parcel_id = "
                            "COALESCE(return_parcel_id, {}) WHERE id = {}", status, data.get("parcel_id"), row["id"])
        if row["state"] != "return_in_transit":
            return
        if status == "delivered":
            await move(rt, row, E.parcel_delivered, actor="system", note="the carrier delivered the return parcel",
                       changes={"received_at": _when(data.get("at"), now), "return_parcel_status": "delivered"})
        elif status == "lost":
            await move(rt, row, E.parcel_lost, actor="system", note="the carrier lost the return parcel",
                       changes={"escalated_by": "system", "escalated_at": now, "return_parcel_status": "lost"})
    elif type_ == "shipment.intercepted" and row["state"] == "intercepting":
        await settle_refund_only(rt, row, event=E.intercepted, actor="system", actor_id=None,
                                 note="the carrier stopped the parcel; it returns to the merchant")
    elif type_ == "shipment.intercept_failed" and row["state"] == "intercepting":
        await move(rt, row, E.intercept_failed, actor="system", note="the carrier could not stop the parcel")
