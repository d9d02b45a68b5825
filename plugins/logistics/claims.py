"""Lost and damaged parcels: the buyer is made whole first, then the carrier is claimed against.

A parcel declared lost (by the carrier's scan, or by an operator) loses its shipment; the
buyer of an order paid online is refunded the value of the shipment's lines through the
payment provider (never by touching the payments plugin's tables); a claim against the
carrier opens with a deadline of ``carrier_complaint_days`` (EXP 28) on the calendar, and a
timer marks it overdue. An operator settles or rejects it.
"""

from __future__ import annotations

from typing import Any

import msgspec

from bazaar.plugins.logistics import contract, ship_by
from bazaar.plugins.logistics.events import ShipmentLost
from bazaar.plugins.logistics.states import SHIPMENT
from bazaar.sdk.api import new_id
from bazaar.sdk.errors import Conflict, NotFound, ProviderError
from bazaar.sdk.money import Money
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due
from bazaar.sdk.types import RefundRequest

CLAIM_TIMER = "logistics.claim_due"


async def shipment_value(rt: PluginRuntime, shipment: dict[str, Any]) -> tuple[int, str]:
    """What the shipment's lines cost the buyer (a whole order: its total, shipping included)."""
    order = await contract.order_snapshot(rt, shipment["order_id"])
    prices = {sku: price for sku, _, price in await contract.priced_lines(rt, shipment["order_id"])}
    lines = await rt.db.fetch("SELECT sku_id, quantity FROM logistics_shipment_line WHERE shipment_id = {}",
                              shipment["id"])
    ordered = {sku: qty for sku, qty, _ in await contract.priced_lines(rt, shipment["order_id"])}
    if {r["sku_id"]: int(r["quantity"]) for r in lines} == ordered:
        return order.total.amount, order.total.currency
    return sum(int(r["quantity"]) * prices.get(r["sku_id"], 0) for r in lines), order.total.currency


async def parcel_lost(rt: PluginRuntime, parcel: dict[str, Any], shipment: dict[str, Any], *, reason: str,
                      actor_id: str | None, note: str = "") -> str | None:
    """Lose the shipment, refund the buyer, open the carrier claim; answers the claim id (once)."""
    if SHIPMENT.can(shipment["state"], "lose"):
        await rt.db.execute("UPDATE logistics_shipment SET state = 'lost', updated_at = {} WHERE id = {}",
                            rt.clock.now(), shipment["id"])
    amount, currency = await shipment_value(rt, shipment)
    now = rt.clock.now()
    days = ship_by.values(rt)["carrier_complaint_days"]
    due = rt.calendar.add_days(now, days) if days is not None else None
    claim_id = new_id("clm")
    rows = await rt.db.execute(
        "INSERT INTO logistics_claim (id, order_id, parcel_id, merchant_id, carrier, waybill, reason, amount_minor, "
        "currency, state, opened_at, due_at, note) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, 'open', {}, {}, {}) "
        "ON CONFLICT (parcel_id) DO NOTHING RETURNING id",
        claim_id, shipment["order_id"], parcel["id"], shipment["merchant_id"], parcel["carrier"], parcel["waybill"],
        reason, amount, currency, now, due, note[:500] or None,
    )
    if not rows:
        return None
    if due is not None:
        await rt.timers.schedule(CLAIM_TIMER, claim_id, due, {})
    refund_ref = await _refund_buyer(rt, shipment, parcel, amount, currency, reason)
    if refund_ref:
        await rt.db.execute("UPDATE logistics_claim SET refund_ref = {} WHERE id = {}", refund_ref, claim_id)
    await rt.emit(ShipmentLost(order_id=shipment["order_id"], shipment_id=shipment["id"],
                                         merchant_id=shipment["merchant_id"], lost_at=now, waybill=parcel["waybill"],
                                         claim_id=claim_id))
    await rt.db.execute(
        "INSERT INTO logistics_action (id, subject, action, actor_id, detail, at) VALUES ({}, {}, {}, {}, {}, {})",
        new_id("lac"), claim_id, "claim_opened", actor_id,
        msgspec.json.encode({"parcel": parcel["id"], "reason": reason, "refund": refund_ref}).decode(), now,
    )
    return claim_id


async def _refund_buyer(rt: PluginRuntime, shipment: dict[str, Any], parcel: dict[str, Any], amount: int, currency: str,
                        reason: str) -> str | None:
    order = await contract.order_snapshot(rt, shipment["order_id"])
    if order.payment_method == "cod" or not order.payment_provider or amount <= 0:
        return None  # nothing was paid online: the carrier collects nothing for a lost COD parcel
    provider = contract.provider(rt, "payment", order.payment_provider)
    result = await provider.refund(rt.context(), RefundRequest(
        order=order, amount=Money(amount=amount, currency=currency), reason=f"parcel {reason} in transit",
        idempotency_key=f"logistics:lost:{parcel['id']}",
    ))
    if result.status == "failed":
        raise ProviderError("the payment provider refused the refund for the lost parcel", code="logistics.refund_failed")
    return str(result.refund_id)


async def declare_lost(rt: PluginRuntime, shipment_id: str, parcel_id: str, reason: str, note: str, actor_id: str | None) -> str:
    """An operator declares a handed-over parcel lost or damaged (the carrier said so by phone, ...)."""
    from bazaar.plugins.logistics import shipments

    async with rt.unit_of_work():
        shipment = await shipments.load(rt, shipment_id, lock=True)
        parcel = await rt.db.fetchrow("SELECT * FROM logistics_parcel WHERE id = {} AND shipment_id = {}",
                                      parcel_id, shipment_id)
        if parcel is None:
            raise NotFound("no such parcel in this shipment", code="logistics.parcel_not_found")
        if shipment["state"] not in ("handed_over", "returning", "refused") and reason == "lost":
            raise Conflict(f"a shipment that is {shipment['state']} cannot be lost in transit",
                           code="invalid_transition", extra={"from": shipment["state"], "event": "lose"})
        claim = await parcel_lost(rt, parcel, shipment, reason=reason, actor_id=actor_id, note=note)
        if claim is None:
            raise Conflict("a claim for this parcel is already open", code="logistics.claim_exists")
        return claim


async def overdue(rt: PluginRuntime, due: Due) -> None:
    """Timer ``logistics.claim_due``: the carrier did not settle within ``carrier_complaint_days``."""
    await rt.db.execute("UPDATE logistics_claim SET state = 'overdue' WHERE id = {} AND state = 'open'", due.subject)


async def resolve(rt: PluginRuntime, claim_id: str, outcome: str, note: str, actor_id: str | None) -> dict[str, Any]:
    """An operator records the carrier's answer: ``settled`` (it paid) or ``rejected``."""
    async with rt.unit_of_work():
        rows = await rt.db.execute(
            "UPDATE logistics_claim SET state = {}, closed_at = {}, note = {} WHERE id = {} "
            "AND state IN ('open', 'overdue') RETURNING id",
            outcome, rt.clock.now(), note[:500], claim_id,
        )
        if not rows:
            found = await rt.db.fetchrow("SELECT state FROM logistics_claim WHERE id = {}", claim_id)
            if found is None:
                raise NotFound("no such claim", code="logistics.claim_not_found")
            raise Conflict(f"the claim is already {found['state']}", code="invalid_transition",
                           extra={"from": found["state"], "event": outcome})
        await rt.timers.cancel(CLAIM_TIMER, claim_id)
        await rt.db.execute(
            "INSERT INTO logistics_action (id, subject, action, actor_id, detail, at) VALUES ({}, {}, {}, {}, {}, {})",
            new_id("lac"), claim_id, f"claim_{outcome}", actor_id, msgspec.json.encode({"note": note}).decode(),
            rt.clock.now(),
        )
        return await rt.db.fetchrow("SELECT * FROM logistics_claim WHERE id = {}", claim_id)  # type: ignore[return-value]
