"""Platform intervention (``platform_intervention``): either party escalates with evidence, the
operator asks a side for more within ``evidence_window_hours``, rules (outcome, refund, who pays
return shipping, reasoning: visible to both parties), and the ruling is executed as money when it
is final: both parties accept it, or ``appeal_window_days`` pass; one appeal, decided by the
platform, is executed at once. A ruling's refund is reserved on the order's caps when it is made,
so two rulings can never promise more than was paid.

Operator rights (issue 12 wires them): ``aftersales.rule`` for rulings and appeals,
``aftersales.handle`` for evidence requests and the queue.
"""

from __future__ import annotations

from typing import Any, Literal

from bazaar.plugins.aftersales import ports, settlement
from bazaar.plugins.aftersales.cases import dump, for_actor, jsonish, move, read, require, rules
from bazaar.plugins.aftersales.events import RulingMade
from bazaar.plugins.aftersales.handling import act, party
from bazaar.plugins.aftersales.schemas import CaseOut, RulingIn
from bazaar.plugins.aftersales.states import CaseEvent
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import Conflict, FieldProblem, PermissionDenied, ValidationFailed
from bazaar.sdk.money import Money
from bazaar.sdk.runtime import PluginRuntime

E = CaseEvent


async def escalate(rt: PluginRuntime, actor: Actor, case_id: str, reason: str) -> CaseOut:
    """Ask the platform to rule (after a rejection, a refused inspection, a replacement in dispute)."""
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.escalate)
        if not rules(rt)["platform_intervention"]:
            raise Conflict("platform intervention is off in this deployment", code="aftersales.intervention_disabled")
        who = party(roles, E.escalate)
        await _say(rt, row["id"], who, actor.user_id, f"asked the platform to rule: {reason}")
        row = await move(rt, row, E.escalate, actor=who, actor_id=actor.user_id, note=reason,
                         changes={"escalated_by": who, "escalated_at": rt.clock.now()})
        return await read(rt, row, roles)


async def _say(rt: PluginRuntime, case_id: str, author: str, author_id: str | None, body: str) -> None:
    await rt.db.execute(
        "INSERT INTO aftersales_message (id, case_id, author, author_id, visibility, body, evidence_ids, at) "
        "VALUES ({}, {}, {}, {}, 'all', {}, '[]', {})", new_id("asm"), case_id, author, author_id, body, rt.clock.now())


async def request_evidence(rt: PluginRuntime, actor: Actor, case_id: str, from_party: str, note: str) -> CaseOut:
    """The operator asks one side for more (right ``aftersales.handle``)."""
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.request_evidence)
        await _say(rt, row["id"], "operator", actor.user_id, f"asks the {from_party} for evidence: {note}")
        row = await move(rt, row, E.request_evidence, actor="operator", actor_id=actor.user_id, note=note,
                         changes={"evidence_from": from_party, "evidence_note": note})
        return await read(rt, row, roles)


async def submit_evidence(rt: PluginRuntime, actor: Actor, case_id: str, note: str) -> CaseOut:
    """The side asked says its evidence is in (files through the evidence route, words in the thread)."""
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.submit_evidence)
        if row["evidence_from"] not in roles:
            raise PermissionDenied(f"the platform asked the {row['evidence_from']}, not you",
                                   code="aftersales.not_your_action")
        await _say(rt, row["id"], row["evidence_from"], actor.user_id, f"evidence submitted: {note}")
        row = await move(rt, row, E.submit_evidence, actor=row["evidence_from"], actor_id=actor.user_id, note=note)
        return await read(rt, row, roles)


async def _make(rt: PluginRuntime, row: dict[str, Any], data: RulingIn, operator_id: str | None,
                *, appeal: bool) -> dict[str, Any]:
    """Write a ruling: its refund (given, or the calculator's) reserved per order part."""
    cur = row["currency"]
    problems = [FieldProblem(field=f, reason=f"in {cur}, >= 0") for f, m in
                (("refund", data.refund), ("return_shipping", data.return_shipping))
                if m is not None and (m.currency != cur or m.amount < 0)]
    if problems:
        raise ValidationFailed("amounts in the order's currency", code="aftersales.invalid_amount", errors=problems)
    parts: dict[str, int] = {}
    amount = 0
    if data.outcome == "refund":
        snap = await ports.order(rt, row["order_id"])
        lines = [ln["order_line_id"] for ln in
                 await rt.db.fetch("SELECT order_line_id FROM aftersales_case_line WHERE case_id = {}", row["id"])]
        if data.refund is None:
            b = await settlement.calculate(rt, {**row, "return_shipping_payer": data.return_shipping_payer}, snap)
            parts = dict(b.per_line)
            if b.shipping:
                parts[settlement.SHIPPING] = b.shipping
            amount = b.refund
        else:
            amount = data.refund.amount
            left = await settlement.left_per_part(rt, row["order_id"], lines + [settlement.SHIPPING])
            if amount > sum(max(v, 0) for v in left.values()):
                raise Conflict(f"a refund of {amount} exceeds what is left of what was paid for these lines "
                               f"({sum(max(v, 0) for v in left.values())})", code="aftersales.refund_exceeds_paid",
                               extra={"refundable": sum(max(v, 0) for v in left.values())})
            by_lines = {k: v for k, v in left.items() if k != settlement.SHIPPING}
            parts = settlement.split(amount, by_lines if sum(by_lines.values()) >= amount else left)
        await settlement.reserve(rt, row["order_id"], parts)
    ruling_id = new_id("asr")
    shipping = data.return_shipping.amount if data.return_shipping else 0
    await rt.db.execute(
        "INSERT INTO aftersales_ruling (id, case_id, appeal, outcome, refund_minor, return_shipping_payer, "
        "return_shipping_minor, reasoning, parts, operator_id, at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        ruling_id, row["id"], appeal, data.outcome, amount, data.return_shipping_payer, shipping, data.reasoning,
        dump(parts), operator_id, rt.clock.now(),
    )
    against: Literal["merchant", "customer"] = "merchant" if data.outcome in ("refund", "return") else "customer"
    await rt.emit(RulingMade(case_id=row["id"], order_id=row["order_id"], merchant_id=row["merchant_id"],
                             outcome=data.outcome, refund=Money(amount=amount, currency=cur) if amount else None,
                             return_shipping_payer=data.return_shipping_payer, against=against, appeal=appeal))
    changes = {"ruling_id": ruling_id, "ruled_against_merchant": against == "merchant",
               "return_shipping_payer": data.return_shipping_payer, "accepted_by": "[]"}
    await rt.db.execute("UPDATE aftersales_case SET ruling_id = {}, ruled_against_merchant = {}, "
                        "return_shipping_payer = {}, accepted_by = '[]' WHERE id = {}",
                        ruling_id, against == "merchant", data.return_shipping_payer, row["id"])
    return changes


async def rule(rt: PluginRuntime, actor: Actor, case_id: str, data: RulingIn) -> CaseOut:
    """The platform's ruling (right ``aftersales.rule``); executed when final."""
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.rule)
        row = {**row, **await _make(rt, row, data, actor.user_id, appeal=False)}
        row = await move(rt, row, E.rule, actor="operator", actor_id=actor.user_id, note=data.reasoning)
        return await read(rt, row, roles)


async def accept_ruling(rt: PluginRuntime, actor: Actor, case_id: str) -> CaseOut:
    """A party accepts the ruling; once both have, it is executed without waiting for the appeal window."""
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.accept_ruling)
        who = party(roles, E.accept_ruling)
        accepted = sorted(set(jsonish(row["accepted_by"], [])) | {who})
        row = await move(rt, row, E.accept_ruling, actor=who, actor_id=actor.user_id,
                         changes={"accepted_by": dump(accepted)})
        if set(accepted) >= {"customer", "merchant"}:
            row = await execute(rt, row, actor="system", actor_id=None, note="both parties accepted the ruling")
        return await read(rt, row, roles)


async def appeal(rt: PluginRuntime, actor: Actor, case_id: str, reason: str) -> CaseOut:
    """One appeal against the ruling, within ``appeal_window_days``."""
    async with rt.unit_of_work():
        row, roles = await act(rt, actor, case_id, E.appeal)
        who = party(roles, E.appeal)
        await _say(rt, row["id"], who, actor.user_id, f"appealed the ruling: {reason}")
        row = await move(rt, row, E.appeal, actor=who, actor_id=actor.user_id, note=reason, changes={"appealed_by": who})
        return await read(rt, row, roles)


async def _release(rt: PluginRuntime, row: dict[str, Any]) -> None:
    ruling = await rt.db.fetchrow("SELECT * FROM aftersales_ruling WHERE id = {}", row["ruling_id"])
    for part, amount in (jsonish(ruling["parts"], {}) if ruling else {}).items():
        await rt.db.execute("UPDATE aftersales_line_cap SET reserved_minor = reserved_minor - {} WHERE id = {}",
                            amount, settlement.cap_id(row["order_id"], part))


async def decide_appeal(rt: PluginRuntime, actor: Actor, case_id: str, data: RulingIn) -> CaseOut:
    """The final ruling on the appeal (right ``aftersales.rule``), executed at once."""
    async with rt.unit_of_work():
        row, roles = await for_actor(rt, case_id, actor, for_update=True)
        event = E.decide_appeal_return if data.outcome == "return" else E.decide_appeal
        await require(rt, row, event, roles)
        await _release(rt, row)
        row = {**row, **await _make(rt, row, data, actor.user_id, appeal=True)}
        row = await execute(rt, row, actor="operator", actor_id=actor.user_id, note=data.reasoning, event=event)
        return await read(rt, row, roles)


async def execute(rt: PluginRuntime, row: dict[str, Any], *, actor: str, actor_id: str | None, note: str,
                  event: CaseEvent | None = None) -> dict[str, Any]:
    """Carry out the ruling in force: refund (from the reservation) and compensation, or the return goes on."""
    ruling = await rt.db.fetchrow("SELECT * FROM aftersales_ruling WHERE id = {}", row["ruling_id"])
    assert ruling is not None
    await rt.db.execute("UPDATE aftersales_ruling SET executed_at = {} WHERE id = {}", rt.clock.now(), ruling["id"])
    if ruling["outcome"] == "return":
        return await move(rt, row, event or E.execute_return, actor=actor, actor_id=actor_id, note=note,
                          changes={"return_shipping_payer": "merchant"})
    if ruling["outcome"] == "reject":
        return await move(rt, row, event or E.execute, actor=actor, actor_id=actor_id, note=note, outcome="rejected")
    snap = await ports.order(rt, row["order_id"])
    parts = {k: int(v) for k, v in jsonish(ruling["parts"], {}).items()}
    quantities = {ln["order_line_id"]: int(ln["quantity"]) for ln in
                  await rt.db.fetch("SELECT * FROM aftersales_case_line WHERE case_id = {}", row["id"])
                  if ln["order_line_id"] in parts}
    payer = ruling["return_shipping_payer"] if ruling["return_shipping_payer"] in ("merchant", "platform") else "merchant"
    compensation = int(ruling["return_shipping_minor"]) if ruling["return_shipping_payer"] != "consumer" else 0
    await settlement.pay(rt, row, snap, int(ruling["refund_minor"]), parts, quantities, reason=f"ruling: {note}",
                         actor_id=actor_id, compensation=compensation, payer=payer, reserved=parts)
    row = await rt.db.fetchrow("SELECT * FROM aftersales_case WHERE id = {}", row["id"]) or row
    outcome = "withdrawn" if row["type"] == "withdrawal" else "refunded"
    return await move(rt, row, event or E.execute, actor=actor, actor_id=actor_id, note=note, outcome=outcome)
