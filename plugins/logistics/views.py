"""Responses that carry a state: shipments with their parcels, ``allowed_actions`` and ``deadlines``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bazaar.plugins.logistics import ship_by, shipments, tracking
from bazaar.plugins.logistics.schemas import (
    Deadline,
    OrderTracking,
    ParcelOut,
    ScanOut,
    ShipmentOut,
)
from bazaar.plugins.logistics.states import SHIPMENT
from bazaar.sdk.errors import FieldProblem, ValidationFailed
from bazaar.sdk.runtime import PluginRuntime

_utc = tracking._utc


def zone(rt: PluginRuntime, name: str | None) -> ZoneInfo:
    """The reader's zone (``?tz=``), default the marketplace calendar's (``422`` when unknown)."""
    if not name:
        return rt.calendar.zone  # type: ignore[no-any-return]
    try:
        return ZoneInfo(name[:60])
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed("unknown time zone", code="logistics.invalid_timezone",
                               errors=[FieldProblem(field="tz", reason="an IANA zone such as Asia/Shanghai",
                                                    value=name[:60])]) from None


async def shipment_out(rt: PluginRuntime, row: dict[str, Any], roles: tuple[str, ...], *, events: bool = False,
                       tz: ZoneInfo | None = None) -> ShipmentOut:
    parcels = await shipments.parcels_of(rt, row["id"])
    lines = await rt.db.fetch("SELECT sku_id, quantity FROM logistics_shipment_line WHERE shipment_id = {} "
                              "ORDER BY sku_id", row["id"])
    facts = await ship_by.facts(rt, row["order_id"])
    counts = ship_by.values(rt)["delivery_proof.counts"]
    out_parcels = []
    deadlines: list[Deadline] = []
    fake_hours = ship_by.values(rt)["fake_shipment_hours"]
    for p in parcels:
        scans = None
        if events and p["waybill"]:
            scans = [ScanOut(at=_utc(s["at"]), local_time=_utc(s["at"]).astimezone(tz or rt.calendar.zone).isoformat(),
                             status=s["status"], code=s["code"], description=s["description"], location=s["location"],
                             proof=s["proof"]) for s in await tracking.scans_of(rt, p["carrier"], p["waybill"])]
        out_parcels.append(ParcelOut(
            id=p["id"], carrier=p["carrier"], waybill_no=p["waybill"], status=p["status"],
            status_at=_utc(p["status_at"]) if p["status_at"] else None, delivery_proof=p["proof"],
            counts_as_delivery=(p["proof"] in counts) if p["proof"] else None,
            first_scan_at=_utc(p["first_scan_at"]) if p["first_scan_at"] else None,
            label_url=(f"/api/v1/logistics/merchants/{row['merchant_id']}/shipments/{row['id']}/parcels/{p['id']}/label"
                       if "merchant" in roles and p["waybill"] else None),
            events=scans,
        ))
        if fake_hours and p["waybill_at"] and p["first_scan_at"] is None and row["state"] != "cancelled":
            deadlines.append(Deadline(name=f"first_scan:{p['id']}",
                                      due_at=_utc(p["waybill_at"]) + timedelta(hours=fake_hours)))
    if facts is not None and facts["ship_by"] is not None and row["state"] in ("pending", "packed") \
            and row["case_id"] is None:
        deadlines.append(Deadline(name="ship_by", due_at=_utc(facts["ship_by"]),
                                  calendar_version=facts["calendar_version"]))
    claim = await rt.db.fetchrow("SELECT due_at FROM logistics_claim WHERE order_id = {} AND state = 'open' "
                                 "AND parcel_id IN (SELECT id FROM logistics_parcel WHERE shipment_id = {})",
                                 row["order_id"], row["id"])
    if claim is not None and claim["due_at"] is not None:
        deadlines.append(Deadline(name="carrier_claim", due_at=_utc(claim["due_at"])))
    actions = SHIPMENT.allowed_actions(row["state"], roles)
    if "merchant" in roles and row["state"] in ("pending", "packed") and any(p["waybill"] is None for p in parcels):
        actions = sorted({*actions, "buy_labels"} - {"hand_over"})
    return ShipmentOut(
        id=row["id"], order_id=row["order_id"], merchant_id=row["merchant_id"], state=row["state"],
        carrier=row["carrier"], lines=[(r["sku_id"], int(r["quantity"])) for r in lines], parcels=out_parcels,
        ship_by=_utc(facts["ship_by"]) if facts and facts["ship_by"] else None,
        on_time=facts["on_time"] if facts and row["case_id"] is None else None,
        handed_over_at=_utc(row["handed_over_at"]) if row["handed_over_at"] else None, by_scan=bool(row["by_scan"]),
        delivered_at=_utc(row["delivered_at"]) if row["delivered_at"] else None, proof=row["proof"],
        counts_as_delivery=row["counts_as_delivery"], case_id=row["case_id"], allowed_actions=actions,
        deadlines=deadlines, created_at=_utc(row["created_at"]),
    )


async def order_tracking(rt: PluginRuntime, order_id: str, customer_id: str, tz: ZoneInfo) -> OrderTracking:
    """Everything the buyer may see of the order's delivery: every parcel with its events."""
    from bazaar.sdk.errors import NotFound

    facts = await ship_by.facts(rt, order_id)
    if facts is None or facts["customer_id"] != customer_id:
        raise NotFound("no such order", code="logistics.order_not_found")
    rows = await rt.db.fetch("SELECT * FROM logistics_shipment WHERE order_id = {} ORDER BY created_at, id", order_id)
    out = [await shipment_out(rt, r, ("customer",), events=True, tz=tz) for r in rows]
    actions: list[str] = []
    deadlines: list[Deadline] = []
    if facts["ship_by"] is not None and facts["state"] in ("open", "late"):
        deadlines.append(Deadline(name="ship_by", due_at=_utc(facts["ship_by"]),
                                  calendar_version=facts["calendar_version"]))
        late = facts["state"] == "late" or rt.clock.now() > _utc(facts["ship_by"])
        if late and ship_by.values(rt)["late_ship.buyer_may_cancel"]:
            actions.append("cancel_late")
        if late and await ship_by.needs_consent(rt, facts):
            actions.append("consent_ship_late")
    if facts["state"] != "cancelled":
        given = await rt.db.fetchrow("SELECT id FROM logistics_consent WHERE order_id = {} AND kind = 'locker'", order_id)
        if given is None:
            actions.append("consent_locker")
    return OrderTracking(order_id=order_id, ship_by=_utc(facts["ship_by"]) if facts["ship_by"] else None,
                         state=facts["state"], on_time=facts["on_time"], shipments=out, allowed_actions=sorted(actions),
                         deadlines=deadlines)
