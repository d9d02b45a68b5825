"""Goods on the way back and what follows: the buyer's return parcel, its arrival, the merchant's
receipt and inspection (``intact_rules``; only resellable units go back to stock), the replacement
of an exchange, and the repair loop (two failures open an exchange or a refund)."""

from __future__ import annotations

from typing import Any

from bazaar.plugins.aftersales import policy, ports
from bazaar.plugins.aftersales.cases import dump, move, read, rules
from bazaar.plugins.aftersales.handling import act, outcome_refund
from bazaar.plugins.aftersales.schemas import CaseOut, ReceiptIn, ShipIn, ShipmentIn
from bazaar.plugins.aftersales.states import CaseEvent
from bazaar.sdk.api import Actor
from bazaar.sdk.errors import FieldProblem, ValidationFailed
from bazaar.sdk.runtime import PluginRuntime

E = CaseEvent


async def ship_back(rt: PluginRuntime, actor: Actor, case_id: str, data: ShipmentIn) -> CaseOut:
    """The buyer's return parcel: with logistics its scans move the case; without, the merchant
    confirms arrival and receipt by hand."""
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.ship_back)
        cost = 0
        if data.shipping_cost is not None:
            if data.shipping_cost.currency != row["currency"] or data.shipping_cost.amount < 0:
                raise ValidationFailed("shipping cost in the order's currency", code="aftersales.invalid_amount",
                                       errors=[FieldProblem(field="shipping_cost", reason=f"{row['currency']}, >= 0")])
            cost = data.shipping_cost.amount
        parcel = None
        provider = ports.fulfilment(rt)
        if provider is not None:
            parcel = await provider.track_return(rt.context(actor.user_id), case_id=row["id"], order_id=row["order_id"],
                                                 carrier=data.carrier, waybill=data.waybill)
        row = await move(rt, row, E.ship_back, actor="customer", actor_id=actor.user_id,
                         note=f"{data.carrier} {data.waybill}",
                         changes={"return_carrier": data.carrier, "return_waybill": data.waybill,
                                  "return_parcel_id": parcel, "return_parcel_status": "shipped",
                                  "return_shipping_minor": cost})
        return await read(rt, row, roles)


async def confirm_arrival(rt: PluginRuntime, actor: Actor, case_id: str) -> CaseOut:
    """The merchant says the parcel arrived (no carrier scans): the refund clock starts."""
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.parcel_delivered)
        row = await move(rt, row, E.parcel_delivered, actor="merchant", actor_id=actor.user_id,
                         changes={"received_at": rt.clock.now(), "return_parcel_status": "delivered"})
        return await read(rt, row, roles)


async def _classes(rt: PluginRuntime, row: dict[str, Any]) -> dict[str, str]:
    snap = await ports.order(rt, row["order_id"])
    products = {ln.id: ln.product_id for ln in snap.lines}
    flags = {ln.id: ln.category_flags for ln in snap.lines}
    declared = {r["product_id"]: r["intact_class"] for r in await rt.db.fetch(
        "SELECT product_id, intact_class FROM aftersales_product WHERE merchant_id = {}", row["merchant_id"])}
    classes: dict[str, str] = {}
    for line_id, product in products.items():
        licence = next((f.split(":", 1)[1] for f in flags[line_id] if f.startswith("licence:")), None)
        classes[line_id] = declared.get(product) or licence or "default"
    return classes


async def receipt(rt: PluginRuntime, actor: Actor, case_id: str, data: ReceiptIn) -> CaseOut:
    """Count, inspect, dispose: all intact moves the case on by its type; anything missing or (cn)
    handled beyond inspection refuses the goods (the buyer may escalate); eu deducts a diminished value."""
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.refuse_goods)  # every receipt event: same states, same party
        lines = {ln["id"]: ln for ln in await rt.db.fetch("SELECT * FROM aftersales_case_line WHERE case_id = {}", row["id"])}
        r = rules(rt)
        mode = (r["intact_rules"] or {}).get("mode", "refuse_beyond_inspection")
        classes = await _classes(rt, row)
        problems: list[FieldProblem] = []
        given = {item.case_line_id for item in data.lines}
        for line_id in lines:
            if line_id not in given:
                problems.append(FieldProblem(field="lines", reason="every line of the case must be counted", value=line_id))
        refused, deductions = False, {}
        updates = []
        for i, item in enumerate(data.lines):
            ln = lines.get(item.case_line_id)
            if ln is None:
                problems.append(FieldProblem(field=f"lines[{i}].case_line_id", reason="not a line of this case"))
                continue
            if item.received_quantity > ln["quantity"]:
                problems.append(FieldProblem(field=f"lines[{i}].received_quantity", reason=f"at most {ln['quantity']}"))
            allowed = policy.intact_findings(r, classes.get(ln["order_line_id"], "default"))
            bad = [f for f in item.findings if f not in allowed]
            if bad:
                problems.append(FieldProblem(field=f"lines[{i}].findings", reason="known findings: " + ", ".join(allowed),
                                             value=bad))
            if item.diminished_value is not None:
                if mode != "deduct_diminished_value" or item.diminished_value.currency != row["currency"] \
                        or item.diminished_value.amount < 0:
                    problems.append(FieldProblem(field=f"lines[{i}].diminished_value",
                                                 reason="only where the preset deducts a diminished value, in the "
                                                 "order's currency, >= 0"))
                else:
                    deductions[ln["order_line_id"]] = item.diminished_value.amount
            if item.received_quantity < ln["quantity"] or (item.findings and mode != "deduct_diminished_value"):
                refused = True
            updates.append((ln, item))
        if problems:
            raise ValidationFailed("the receipt is incomplete or wrong", code="aftersales.invalid_receipt", errors=problems)
        for ln, item in updates:
            await rt.db.execute(
                "UPDATE aftersales_case_line SET received_quantity = {}, disposition = {}, findings = {}, "
                "diminished_minor = {} WHERE id = {}",
                item.received_quantity, item.disposition, dump(item.findings),
                item.diminished_value.amount if item.diminished_value else 0, ln["id"])
        row = await _received(rt, row, actor="merchant", actor_id=actor.user_id, refused=refused,
                              deductions=deductions, note=data.note or "received and inspected")
        return await read(rt, row, roles)


async def _received(rt: PluginRuntime, row: dict[str, Any], *, actor: str, actor_id: str | None, refused: bool,
                    deductions: dict[str, int], note: str) -> dict[str, Any]:
    now = rt.clock.now()
    changes = {"received_at": row["received_at"] or now}
    lines = await rt.db.fetch("SELECT * FROM aftersales_case_line WHERE case_id = {}", row["id"])
    if refused:
        return await move(rt, row, E.refuse_goods, actor=actor, actor_id=actor_id, note=note, changes=changes)
    if row["type"] in ("return_refund", "withdrawal", "exchange"):
        for ln in lines:
            if ln["disposition"] == "restock" and ln["received_quantity"]:
                await ports.restock(rt, ln["sku_id"], int(ln["received_quantity"]), row["id"])
    if row["type"] == "exchange":
        return await move(rt, row, E.receive_exchange, actor=actor, actor_id=actor_id, note=note, changes=changes)
    if row["type"] == "repair":
        limit = rules(rt)["repair.max_failures"] or 1
        event = E.repair_exhausted if int(row["repair_failures"]) >= limit else E.receive_repair
        return await move(rt, row, event, actor=actor, actor_id=actor_id, note=note, changes=changes)
    units: dict[str, int] = {}
    for ln in lines:
        count = ln["received_quantity"] if ln["received_quantity"] is not None else ln["quantity"]
        units[ln["order_line_id"]] = units.get(ln["order_line_id"], 0) + int(count)
    row = {**row, **changes}
    return await outcome_refund(rt, row, units=units, event=E.receive_refund, actor=actor, actor_id=actor_id,
                                note=note, changes=changes, deductions=deductions)


async def deemed_received(rt: PluginRuntime, row: dict[str, Any], note: str) -> dict[str, Any]:
    """The merchant's silence: the goods count as received in full and intact."""
    for ln in await rt.db.fetch("SELECT * FROM aftersales_case_line WHERE case_id = {}", row["id"]):
        if ln["received_quantity"] is None:
            await rt.db.execute("UPDATE aftersales_case_line SET received_quantity = quantity, disposition = 'restock' "
                                "WHERE id = {}", ln["id"])
    return await _received(rt, row, actor="system", actor_id=None, refused=False, deductions={}, note=note)


async def ship_replacement(rt: PluginRuntime, actor: Actor, case_id: str, data: ShipIn) -> CaseOut:
    """The exchange's replacement: a new shipment through logistics, or carrier and waybill by hand."""
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.ship_replacement)
        changes = await _parcel(rt, row, data, replacement=True)
        row = await move(rt, row, E.ship_replacement, actor="merchant", actor_id=actor.user_id, changes=changes)
        return await read(rt, row, roles)


async def _parcel(rt: PluginRuntime, row: dict[str, Any], data: ShipIn, *, replacement: bool) -> dict[str, Any]:
    provider = ports.fulfilment(rt) if replacement else None
    if provider is not None:
        lines = tuple((ln["sku_id"], int(ln["quantity"])) for ln in
                      await rt.db.fetch("SELECT * FROM aftersales_case_line WHERE case_id = {} ORDER BY id", row["id"]))
        shipment = await provider.ship_replacement(rt.context(), case_id=row["id"], order_id=row["order_id"], lines=lines)
        return {"replacement_shipment_id": shipment}
    if not data.carrier or not data.waybill:
        raise ValidationFailed("carrier and waybill are required without logistics", code="aftersales.waybill_required",
                               errors=[FieldProblem(field=f, reason="required") for f in ("carrier", "waybill")
                                       if not getattr(data, f)])
    return {"replacement_carrier": data.carrier, "replacement_waybill": data.waybill}


async def confirm_replacement(rt: PluginRuntime, actor: Actor, case_id: str) -> CaseOut:
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.confirm_replacement)
        row = await move(rt, row, E.confirm_replacement, actor="customer", actor_id=actor.user_id, outcome="exchanged")
        return await read(rt, row, roles)


async def return_repaired(rt: PluginRuntime, actor: Actor, case_id: str, data: ShipIn) -> CaseOut:
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.return_repaired)
        changes = await _parcel(rt, row, data, replacement=False)
        row = await move(rt, row, E.return_repaired, actor="merchant", actor_id=actor.user_id, changes=changes)
        return await read(rt, row, roles)


async def confirm_repair(rt: PluginRuntime, actor: Actor, case_id: str) -> CaseOut:
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.confirm_repair)
        row = await move(rt, row, E.confirm_repair, actor="customer", actor_id=actor.user_id, outcome="repaired")
        return await read(rt, row, roles)


async def report_repair_failed(rt: PluginRuntime, actor: Actor, case_id: str, note: str) -> CaseOut:
    """The repair did not hold: the buyer sends the goods back again; at ``repair.max_failures`` the
    next receipt lets the buyer choose an exchange or a refund."""
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.report_repair_failed)
        for ln in await rt.db.fetch("SELECT id FROM aftersales_case_line WHERE case_id = {}", row["id"]):
            await rt.db.execute("UPDATE aftersales_case_line SET received_quantity = NULL, disposition = NULL, "
                                "findings = '[]' WHERE id = {}", ln["id"])
        row = await move(rt, row, E.report_repair_failed, actor="customer", actor_id=actor.user_id, note=note or None,
                         changes={"repair_failures": int(row["repair_failures"]) + 1, "received_at": None,
                                  "return_waybill": None, "return_parcel_id": None, "return_parcel_status": None})
        return await read(rt, row, roles)


async def choose(rt: PluginRuntime, actor: Actor | None, case_id: str, refund: bool, row: dict[str, Any] | None = None,
                 roles: set[str] | None = None) -> Any:
    """After failed repairs: a refund (the goods are with the merchant) or an exchange."""
    event = E.choose_refund if refund else E.choose_exchange
    if actor is not None:
        row, roles = await act(rt, actor, case_id, event)
    assert row is not None
    who, who_id = ("customer", actor.user_id) if actor else ("system", None)
    if refund:
        row = await outcome_refund(rt, row, units=None, event=event, actor=who, actor_id=who_id,
                                   note="refund after failed repairs")
    else:
        row = await move(rt, row, event, actor=who, actor_id=who_id, note="exchange after failed repairs")
    return await read(rt, row, roles or {"customer"}) if actor else row


async def choose_route(rt: PluginRuntime, actor: Actor, case_id: str, refund: bool) -> CaseOut:
    async with rt.unit_of_work():
        return await choose(rt, actor, case_id, refund)  # type: ignore[no-any-return]
