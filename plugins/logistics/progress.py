"""What a parcel's progress means for its shipment, its order and the other plugins.

Runs as the ``logistics.parcel`` timer after the push that moved the parcel committed (so
the ingest answers fast). A first carrier scan hands the shipment over (and clears a fake-
shipment flag); delivery of every parcel delivers the shipment with its proof; the order is
``delivered`` when every line is in delivered shipments whose proofs count
(``delivery_proof.counts``); refusals, losses, interceptions and returns move the shipment.
Buyers' return parcels become ``return_parcel.status_changed`` for after-sales.
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.logistics import claims, contract, policy, ship_by, shipments
from bazaar.plugins.logistics.events import (
    ReturnParcelStatusChanged,
    ShipmentDelivered,
    ShipmentIntercepted,
    ShipmentInterceptFailed,
    ShipmentRefused,
)
from bazaar.plugins.logistics.states import SHIPMENT
from bazaar.plugins.logistics.tracking import _utc
from bazaar.sdk.events import By
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due

PLUGIN = "logistics"
CARRIER = By(kind="system", plugin=PLUGIN)
RETURN_STATUS = {"picked_up": "in_transit", "in_transit": "in_transit", "out_for_delivery": "in_transit",
                 "delivery_failed": "in_transit", "delivered": "delivered", "lost": "lost"}


async def apply_parcel(rt: PluginRuntime, due: Due) -> None:
    """Timer ``logistics.parcel``: apply a parcel's new status (idempotent: it re-reads everything)."""
    parcel = await rt.db.fetchrow("SELECT * FROM logistics_parcel WHERE id = {}", due.subject)
    if parcel is None:
        return
    at = _utc(parcel["status_at"]) if parcel["status_at"] is not None else rt.clock.now()
    if parcel["kind"] == "return":
        if parcel["case_id"] and parcel["status"] in RETURN_STATUS and due.payload.get("from") != due.payload.get("to"):
            await rt.emit(ReturnParcelStatusChanged(
                case_id=parcel["case_id"], order_id=parcel["order_id"], parcel_id=parcel["id"],
                status=RETURN_STATUS[parcel["status"]], at=at))  # type: ignore[arg-type]
        return
    shipment = await shipments.load(rt, parcel["shipment_id"], lock=True)
    if parcel["first_scan_at"] is not None:
        await rt.db.execute(
            "UPDATE logistics_fake_flag SET state = 'cleared', resolved_at = {}, note = 'a carrier scan arrived' "
            "WHERE parcel_id = {} AND state = 'open'",
            rt.clock.now(), parcel["id"],
        )
        await rt.timers.cancel(shipments.FAKE_TIMER, parcel["id"])
        shipment = await _first_scan(rt, shipment)
    status = parcel["status"]
    if status == "delivered":
        await _maybe_delivered(rt, shipment)
    elif status == "refused" and SHIPMENT.can(shipment["state"], "refuse"):
        await _move(rt, shipment, "refuse")
        await rt.emit(ShipmentRefused(order_id=shipment["order_id"], shipment_id=shipment["id"],
                                                merchant_id=shipment["merchant_id"], refused_at=at,
                                                waybill=parcel["waybill"]))
    elif status == "lost":
        await claims.parcel_lost(rt, parcel, shipment, reason="lost", actor_id=None)
    elif status in ("intercepted", "returning") and SHIPMENT.can(shipment["state"], "return"):
        await _move(rt, shipment, "return")
        if status == "intercepted" or parcel["interception_id"]:
            await answer_interception(rt, parcel, ok=True)
    elif status == "returned" and SHIPMENT.can(shipment["state"], "receive_return"):
        await _move(rt, shipment, "receive_return")


async def _first_scan(rt: PluginRuntime, shipment: dict[str, Any]) -> dict[str, Any]:
    """The carrier has the parcels: the shipment is handed over by scan (or its time corrected)."""
    scans = await rt.db.fetchrow(
        "SELECT MIN(first_scan_at) AS at FROM logistics_parcel WHERE shipment_id = {} AND first_scan_at IS NOT NULL",
        shipment["id"],
    )
    assert scans is not None
    at = _utc(scans["at"])
    if shipment["state"] in ("pending", "packed"):
        await shipments.handed_over(rt, shipment, at, by_scan=True, actor=CARRIER)
    elif not shipment["by_scan"] and shipment["handed_over_at"] is not None:
        await rt.db.execute("UPDATE logistics_shipment SET handed_over_at = {}, by_scan = {} WHERE id = {}",
                            at, True, shipment["id"])
        if shipment["case_id"] is None:
            await ship_by.handed_over(rt, shipment["order_id"], at, by_scan=True)
    return await shipments.load(rt, shipment["id"])


async def _move(rt: PluginRuntime, shipment: dict[str, Any], event: str) -> None:
    target = SHIPMENT.transition(shipment["state"], event)
    await rt.db.execute("UPDATE logistics_shipment SET state = {}, updated_at = {} WHERE id = {}",
                        str(target), rt.clock.now(), shipment["id"])


async def proof_of(rt: PluginRuntime, parcel: dict[str, Any]) -> str | None:
    """The parcel's proof, a locker drop counting as consented when the buyer consented before it."""
    proof = parcel["proof"]
    if proof == "locker_without_consent":
        consent = await rt.db.fetchrow(
            "SELECT given_at FROM logistics_consent WHERE order_id = {} AND kind = 'locker'", parcel["order_id"]
        )
        if consent is not None and _utc(consent["given_at"]) <= _utc(parcel["status_at"]):
            return "locker_with_consent"
    return proof


async def _maybe_delivered(rt: PluginRuntime, shipment: dict[str, Any]) -> None:
    """Every parcel delivered: the shipment is delivered with its weakest proof; then the order."""
    parcels = await shipments.parcels_of(rt, shipment["id"])
    if not parcels or any(p["status"] != "delivered" for p in parcels) or not SHIPMENT.can(shipment["state"], "deliver"):
        return
    counts = ship_by.values(rt)["delivery_proof.counts"]
    proofs = [await proof_of(rt, p) for p in parcels]
    failing = [p for p in proofs if not policy.proof_counts(p, counts)]
    proof = (failing or proofs)[0] or "recipient_signed"
    delivered_at = max(_utc(p["status_at"]) for p in parcels)
    await record_delivery(rt, shipment, proof, delivered_at, counts_as=not failing)


async def record_delivery(rt: PluginRuntime, shipment: dict[str, Any], proof: str, delivered_at: Any, *, counts_as: bool) -> None:
    """Mark the shipment delivered (``shipment.delivered``), then deliver the order if it is complete."""
    await rt.db.execute(
        "UPDATE logistics_shipment SET state = 'delivered', delivered_at = {}, proof = {}, counts_as_delivery = {}, "
        "updated_at = {} WHERE id = {}",
        delivered_at, proof, counts_as, rt.clock.now(), shipment["id"],
    )
    await rt.emit(ShipmentDelivered(order_id=shipment["order_id"], shipment_id=shipment["id"],
                                              merchant_id=shipment["merchant_id"], proof=proof,  # type: ignore[arg-type]
                                              counts_as_delivery=counts_as, delivered_at=delivered_at))
    if counts_as and shipment["case_id"] is None:
        await deliver_order_if_complete(rt, shipment["order_id"])


async def deliver_order_if_complete(rt: PluginRuntime, order_id: str) -> bool:
    """The order is delivered when all its lines are in shipments delivered with proofs that count."""
    if any(q > 0 for q in (await shipments.remaining(rt, order_id)).values()):
        return False
    rows = await rt.db.fetch(
        "SELECT state, counts_as_delivery, delivered_at, proof FROM logistics_shipment "
        "WHERE order_id = {} AND state <> 'cancelled' AND case_id IS NULL",
        order_id,
    )
    if not rows or any(r["state"] != "delivered" or not r["counts_as_delivery"] for r in rows):
        return False
    last = max(rows, key=lambda r: _utc(r["delivered_at"]))
    moved = await contract.try_transition_order(
        rt, order_id, contract.DELIVER, by=CARRIER, plugin=PLUGIN, reason="every parcel delivered",
        delivered_at=_utc(last["delivered_at"]), proof=last["proof"],
    )
    if moved is not None:
        await rt.db.execute("UPDATE logistics_order SET delivered_at = {}, updated_at = {} WHERE order_id = {}",
                            _utc(last["delivered_at"]), rt.clock.now(), order_id)
    return moved is not None


async def answer_interception(rt: PluginRuntime, parcel: dict[str, Any], *, ok: bool, reason: str | None = None) -> None:
    """The carrier answered an interception of this parcel: record it once, tell after-sales."""
    if not parcel["interception_id"]:
        return
    rows = await rt.db.execute(
        "UPDATE logistics_interception SET state = {}, answered_at = {}, answer = {} WHERE id = {} "
        "AND state = 'requested' RETURNING id, order_id, case_id, merchant_id",
        "intercepted" if ok else "failed", rt.clock.now(), reason, parcel["interception_id"],
    )
    if not rows:
        return
    row = rows[0]
    if ok:
        await rt.emit(ShipmentIntercepted(order_id=row["order_id"], interception_id=row["id"],
                                                    case_id=row["case_id"], merchant_id=row["merchant_id"]))
    else:
        await rt.emit(ShipmentInterceptFailed(order_id=row["order_id"], interception_id=row["id"],
                                                        case_id=row["case_id"], merchant_id=row["merchant_id"],
                                                        reason=reason))


async def intercept_failed(rt: PluginRuntime, due: Due) -> None:
    """Timer ``logistics.intercept_failed``: the carrier could not stop the parcel."""
    parcel = await rt.db.fetchrow("SELECT * FROM logistics_parcel WHERE id = {}", due.subject)
    if parcel is not None:
        await answer_interception(rt, parcel, ok=False, reason=str(due.payload.get("reason") or "carrier refused"))


async def manual_proof(rt: PluginRuntime, shipment_id: str, at: Any, note: str, actor_id: str | None) -> None:
    """An operator records a delivery the carrier did not prove (``operator_manual``): a handed-over
    shipment, or one delivered with a proof that does not count (after asking the buyer)."""
    import msgspec

    from bazaar.sdk.api import new_id
    from bazaar.sdk.errors import Conflict

    async with rt.unit_of_work():
        shipment = await shipments.load(rt, shipment_id, lock=True)
        redo = shipment["state"] == "delivered" and not shipment["counts_as_delivery"]
        if not redo and not SHIPMENT.can(shipment["state"], "deliver"):
            raise Conflict(f"a shipment that is {shipment['state']} takes no delivery proof",
                           code="invalid_transition", extra={"from": shipment["state"], "event": "deliver"})
        counts = policy.proof_counts("operator_manual", ship_by.values(rt)["delivery_proof.counts"])
        await record_delivery(rt, shipment, "operator_manual", _utc(at), counts_as=counts)
        await rt.db.execute(
            "INSERT INTO logistics_action (id, subject, action, actor_id, detail, at) VALUES ({}, {}, {}, {}, {}, {})",
            new_id("lac"), shipment_id, "manual_proof", actor_id, msgspec.json.encode({"note": note}).decode(),
            rt.clock.now(),
        )
