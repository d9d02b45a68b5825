"""The parties' answers before goods travel: accept, reject, ask once for what is missing, supply it,
give the return address, cancel, accept the outcome. Each runs in one unit of work on the locked
case and refuses a late action with ``409 aftersales.deadline_passed`` naming the deadline."""

from __future__ import annotations

from typing import Any

from bazaar.plugins.aftersales import ports, settlement
from bazaar.plugins.aftersales.cases import for_actor, jsonish, move, read, require, rules
from bazaar.plugins.aftersales.schemas import Address, CaseOut
from bazaar.plugins.aftersales.states import CaseEvent
from bazaar.sdk.api import Actor
from bazaar.sdk.errors import FieldProblem, ValidationFailed
from bazaar.sdk.runtime import PluginRuntime

E = CaseEvent
RETURN_TYPES = ("return_refund", "exchange", "repair", "withdrawal")


def party(roles: set[str], event: CaseEvent) -> str:
    """The role the caller acts in for ``event`` (a merchant who also buys acts as merchant on its case)."""
    from bazaar.plugins.aftersales.states import CASE

    for role in ("merchant", "customer", "operator"):
        if role in roles and role in CASE.actors.get(event, frozenset()):
            return role
    return sorted(roles)[0]


async def outcome_refund(rt: PluginRuntime, row: dict[str, Any], *, units: dict[str, int] | None, event: CaseEvent,
                         actor: str, actor_id: str | None, note: str, changes: dict[str, Any] | None = None,
                         deductions: dict[str, int] | None = None) -> dict[str, Any]:
    """Refund what the calculator gives for ``units`` per order line (none: the claimed ones) and close."""
    snap = await ports.order(rt, row["order_id"])
    b = await settlement.calculate(rt, row, snap, units=units, deductions=deductions)
    await settlement.refund_breakdown(rt, row, snap, b, reason=note, actor_id=actor_id)
    row = await rt.db.fetchrow("SELECT * FROM aftersales_case WHERE id = {}", row["id"]) or row
    outcome = "withdrawn" if row["type"] == "withdrawal" else ("refunded" if b.refund or b.compensation else "rejected")
    return await move(rt, row, event, actor=actor, actor_id=actor_id, note=note, changes=changes, outcome=outcome)


async def settle_refund_only(rt: PluginRuntime, row: dict[str, Any], *, event: CaseEvent, actor: str, actor_id: str | None,
                             note: str, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """Accepting a refund without return: an order not shipped yet is cancelled (the core refunds it
    in full and releases its stock); otherwise the claimed units are refunded as the calculator explains."""
    snap = await ports.order(rt, row["order_id"])
    if snap.state in ("paid", "placed"):
        before = snap.refunded.amount if snap.refunded else 0
        after = await ports.cancel_order(rt, snap.id, f"after-sales case {row['id']}: {note}")
        await settlement.cancelled_in_full(rt, row, snap, (after.refunded.amount if after.refunded else 0) - before)
        row = await rt.db.fetchrow("SELECT * FROM aftersales_case WHERE id = {}", row["id"]) or row
        return await move(rt, row, event, actor=actor, actor_id=actor_id, note=note, changes=changes,
                          outcome="withdrawn" if row["type"] == "withdrawal" else "refunded")
    return await outcome_refund(rt, row, units=None, event=event, actor=actor, actor_id=actor_id, note=note,
                                changes=changes)


async def accepted(rt: PluginRuntime, row: dict[str, Any], *, actor: str, actor_id: str | None, note: str,
                   auto: bool = False) -> dict[str, Any]:
    """Acceptance by the merchant or by its silence: refund-only settles, returns wait for the address
    (given at once when the merchant keeps a default one)."""
    changes = {"auto_accepted": True} if auto else None
    if row["type"] == "refund_only":
        return await settle_refund_only(rt, row, event=E.accept_refund, actor=actor, actor_id=actor_id, note=note,
                                        changes=changes)
    row = await move(rt, row, E.accept_return, actor=actor, actor_id=actor_id, note=note, changes=changes)
    default = await rt.db.fetchrow("SELECT return_address FROM aftersales_merchant WHERE merchant_id = {}",
                                   row["merchant_id"])
    if default is not None and default["return_address"]:
        row = await move(rt, row, E.give_address, actor="system", note="the merchant's default return address",
                         changes={"return_address": default["return_address"]})
    return row


async def act(rt: PluginRuntime, actor: Actor, case_id: str, event: CaseEvent) -> tuple[dict[str, Any], set[str]]:
    row, roles = await for_actor(rt, case_id, actor, for_update=True)
    await require(rt, row, event, roles)
    return row, roles


async def accept(rt: PluginRuntime, actor: Actor, case_id: str) -> CaseOut:
    async with rt.unit_of_work():
        row, roles = await for_actor(rt, case_id, actor, for_update=True)
        event = E.accept_refund if row["type"] == "refund_only" else E.accept_return
        await require(rt, row, event, roles)
        row = await accepted(rt, row, actor="merchant", actor_id=actor.user_id, note="accepted by the merchant")
        return await read(rt, row, roles)


async def reject(rt: PluginRuntime, actor: Actor, case_id: str, reason: str) -> CaseOut:
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.reject)
        if row["type"] == "withdrawal":
            raise ValidationFailed("a withdrawal needs no acceptance and cannot be rejected",
                                   code="aftersales.withdrawal_not_rejectable")
        row = await move(rt, row, E.reject, actor="merchant", actor_id=actor.user_id, note=reason,
                         changes={"reject_reason": reason})
        return await read(rt, row, roles)


async def request_info(rt: PluginRuntime, actor: Actor, case_id: str, missing: list[str], message: str) -> CaseOut:
    """Ask once, naming everything missing (a second ask is not in the table)."""
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.request_info)
        text = "; ".join(missing) + (f". {message}" if message else "")
        row = await move(rt, row, E.request_info, actor="merchant", actor_id=actor.user_id, note=text,
                         changes={"info_request": text})
        return await read(rt, row, roles)


async def supply_info(rt: PluginRuntime, actor: Actor, case_id: str, message: str) -> CaseOut:
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.supply_info)
        row = await move(rt, row, E.supply_info, actor="customer", actor_id=actor.user_id, note=message,
                         changes={"info_reply": message})
        return await read(rt, row, roles)


async def give_address(rt: PluginRuntime, actor: Actor, case_id: str, address: Address | None) -> CaseOut:
    import msgspec

    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.give_address)
        if address is None:
            default = await rt.db.fetchrow("SELECT return_address FROM aftersales_merchant WHERE merchant_id = {}",
                                           row["merchant_id"])
            if default is None or not default["return_address"]:
                raise ValidationFailed("give an address, or keep a default one in the after-sales settings",
                                       code="aftersales.return_address_required",
                                       errors=[FieldProblem(field="address", reason="required")])
            sealed = default["return_address"]
        else:
            sealed = ports.seal(rt, msgspec.json.encode(address).decode())
        row = await move(rt, row, E.give_address, actor="merchant", actor_id=actor.user_id,
                         changes={"return_address": sealed})
        return await read(rt, row, roles)


async def cancel(rt: PluginRuntime, actor: Actor, case_id: str) -> CaseOut:
    """The buyer withdraws the request (before the goods travel, or instead of escalating)."""
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.cancel)
        row = await move(rt, row, E.cancel, actor="customer", actor_id=actor.user_id, note="withdrawn by the buyer",
                         outcome="cancelled")
        return await read(rt, row, roles)


async def concede(rt: PluginRuntime, row: dict[str, Any], *, actor: str, actor_id: str | None, note: str) -> dict[str, Any]:
    """The buyer accepts the merchant's answer (or lets the escalation window pass): a rejection
    closes as rejected; after a refused inspection the compliant units are refunded."""
    if row["state"] == "rejected":
        return await move(rt, row, E.accept_outcome, actor=actor, actor_id=actor_id, note=note, outcome="rejected")
    lines = await rt.db.fetch("SELECT * FROM aftersales_case_line WHERE case_id = {}", row["id"])
    good = compliant_units(lines, (rules(rt)["intact_rules"] or {}).get("mode", "refuse_beyond_inspection"))
    if not good:
        return await move(rt, row, E.accept_outcome, actor=actor, actor_id=actor_id, note=note, outcome="rejected")
    return await outcome_refund(rt, row, units=good, event=E.accept_outcome, actor=actor, actor_id=actor_id,
                                note=note)


def compliant_units(lines: list[dict[str, Any]], mode: str) -> dict[str, int]:
    """Units per order line the merchant cannot refuse (no findings, or eu: findings only deduct)."""
    good: dict[str, int] = {}
    for ln in lines:
        if ln["received_quantity"] and (mode == "deduct_diminished_value" or not jsonish(ln["findings"], [])):
            good[ln["order_line_id"]] = good.get(ln["order_line_id"], 0) + int(ln["received_quantity"])
    return good


async def accept_outcome(rt: PluginRuntime, actor: Actor, case_id: str) -> CaseOut:
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.accept_outcome)
        row = await concede(rt, row, actor="customer", actor_id=actor.user_id, note="the buyer accepted the answer")
        return await read(rt, row, roles)
