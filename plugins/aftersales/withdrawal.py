"""The withdrawal function (CRD Art. 11a, ``withdrawal_function``; the eu preset): a "withdraw from
contract here" action available for the whole withdrawal period, a confirmation step, and an
acknowledgement with the content, date and time of the withdrawal on a durable medium (a PDF in
the file store the buyer and the merchant can download).

A confirmed withdrawal opens a case of type ``withdrawal`` that needs no acceptance: the merchant
gives the return address (or its default one is used); an order not shipped yet is cancelled and
refunded at once. The declaration counts when it is confirmed; a draft expires after 24 hours.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bazaar.plugins.aftersales import durable, ports
from bazaar.plugins.aftersales.cases import dump, jsonish, rules
from bazaar.plugins.aftersales.handling import accepted, settle_refund_only
from bazaar.plugins.aftersales.opening import check, create_case, facts, own_order
from bazaar.plugins.aftersales.schemas import WithdrawalIn, WithdrawalOut
from bazaar.plugins.aftersales.states import CaseEvent
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from bazaar.sdk.files import FileRules
from bazaar.sdk.runtime import PluginRuntime

USE = "aftersales.acknowledgement"
DRAFT_HOURS = 24


def _enabled(rt: PluginRuntime) -> None:
    if not rules(rt)["withdrawal_function"]:
        raise NotFound("this marketplace offers no withdrawal function", code="aftersales.withdrawal_not_offered")


def statement(order_id: str, lines: list[dict[str, Any]], names: dict[str, str]) -> str:
    goods = ", ".join(f"{ln['quantity']} x {names.get(ln['order_line_id'], ln['order_line_id'])}" for ln in lines)
    return f"I hereby withdraw from my contract for the following goods of order {order_id}: {goods}."


def _out(rt: PluginRuntime, row: dict[str, Any], names: dict[str, str]) -> WithdrawalOut:
    lines = jsonish(row["lines"], [])
    return WithdrawalOut(
        id=row["id"], order_id=row["order_id"], status=row["status"], lines=lines, created_at=row["created_at"],
        confirmed_at=row["confirmed_at"], case_id=row["case_id"], statement=statement(row["order_id"], lines, names),
        acknowledgement_url=f"/api/v1/aftersales/withdrawals/{row['id']}/acknowledgement"
        if row["acknowledgement_file_id"] else None,
        allowed_actions=["confirm"] if row["status"] == "draft" else [],
    )


async def start(rt: PluginRuntime, actor: Actor, data: WithdrawalIn) -> WithdrawalOut:
    """Step one: the buyer chooses the order (and lines); answers the statement to confirm."""
    _enabled(rt)
    async with rt.unit_of_work():
        snap = await own_order(rt, data.order_id, actor)
        f = await facts(rt, snap)
        lines = [(ln.order_line_id, ln.quantity) for ln in data.lines] or [
            (ln.id, ln.quantity - ln.claimed - ln.refunded) for ln in f.lines if ln.quantity - ln.claimed - ln.refunded > 0]
        if not lines:
            raise ValidationFailed("nothing of this order is left to withdraw from", code="aftersales.not_eligible",
                                   errors=[FieldProblem(field="lines", reason="every unit was returned or is in a case")],
                                   extra={"reasons": [{"code": "quantity_already_returned",
                                                       "detail": "every unit was returned or is in a case"}]})
        check(snap, f, rt, None, "withdrawal", "no_reason", lines)
        withdrawal_id = new_id("asw")
        await rt.db.execute(
            "INSERT INTO aftersales_withdrawal (id, order_id, customer_id, lines, status, created_at) "
            "VALUES ({}, {}, {}, {}, 'draft', {})",
            withdrawal_id, snap.id, actor.user_id, dump([{"order_line_id": a, "quantity": b} for a, b in lines]),
            rt.clock.now(),
        )
        row = await rt.db.fetchrow("SELECT * FROM aftersales_withdrawal WHERE id = {}", withdrawal_id)
        return _out(rt, row or {}, {ln.id: ln.name for ln in snap.lines})


async def _mine(rt: PluginRuntime, actor: Actor, withdrawal_id: str) -> dict[str, Any]:
    row = await rt.db.fetchrow("SELECT * FROM aftersales_withdrawal WHERE id = {}", withdrawal_id)
    if row is None or row["customer_id"] != actor.user_id:
        raise NotFound("no such withdrawal", code="aftersales.withdrawal_not_found")
    return row


async def confirm(rt: PluginRuntime, actor: Actor, withdrawal_id: str) -> WithdrawalOut:
    """Step two: the declaration is sent now: the case opens and the acknowledgement is stored."""
    _enabled(rt)
    async with rt.unit_of_work():
        row = await _mine(rt, actor, withdrawal_id)
        now = rt.clock.now()
        if row["status"] != "draft":
            raise Conflict("this withdrawal was confirmed already", code="aftersales.withdrawal_confirmed")
        if now > row["created_at"] + timedelta(hours=DRAFT_HOURS):
            raise Conflict("the draft expired; start again", code="aftersales.withdrawal_expired",
                           extra={"deadline": {"name": "withdrawal_draft",
                                               "due_at": (row["created_at"] + timedelta(hours=DRAFT_HOURS)).isoformat()}})
        snap = await own_order(rt, row["order_id"], actor)
        lines = [(ln["order_line_id"], int(ln["quantity"])) for ln in jsonish(row["lines"], [])]
        check(snap, await facts(rt, snap), rt, None, "withdrawal", "no_reason", lines)
        case = await create_case(rt, snap, actor.user_id or "", "withdrawal", "no_reason", lines,
                                 description="withdrawal from the contract (CRD Art. 11a)")
        names = {ln.id: ln.name for ln in snap.lines}
        text = statement(snap.id, jsonish(row["lines"], []), names)
        file_id = await _acknowledge(rt, actor, snap.id, snap.merchant_id, case["id"], text, now)
        await rt.db.execute(
            "UPDATE aftersales_withdrawal SET status = 'confirmed', confirmed_at = {}, case_id = {}, "
            "acknowledgement_file_id = {} WHERE id = {}", now, case["id"], file_id, row["id"])
        if snap.state in ("paid", "placed"):
            await settle_refund_only(rt, case, event=CaseEvent.accept_refund, actor="system", actor_id=None,
                                     note="withdrawal before shipment: the order is cancelled")
        else:
            await accepted(rt, case, actor="system", actor_id=None, note="a withdrawal needs no acceptance")
        done = await rt.db.fetchrow("SELECT * FROM aftersales_withdrawal WHERE id = {}", withdrawal_id)
        return _out(rt, done or {}, names)


async def _acknowledge(rt: PluginRuntime, actor: Actor, order_id: str, merchant_id: str, case_id: str, text: str,
                       at: Any) -> str:
    local = at.astimezone(rt.calendar.zone)
    lines = [
        f"Received: {at.strftime('%Y-%m-%d %H:%M:%S')} UTC ({local.strftime('%Y-%m-%d %H:%M:%S %Z')})",
        f"Order: {order_id}    Trader (merchant): {merchant_id}    Case: {case_id}",
        "",
        "Content of your withdrawal:",
        text,
        "",
        "We confirm receipt of your withdrawal from the contract (Directive 2011/83/EU, Art. 11a).",
        "Send the goods back within the period shown in your case; the refund follows as the case says.",
    ]
    data = durable.pdf("Acknowledgement of withdrawal", lines)
    r = rules(rt)
    stored = await rt.files.put(USE, FileRules(max_bytes=1024 * 1024, content_types=("application/pdf",),
                                               retention_days=r["retention.aftersales_days"]),
                                data, filename=f"withdrawal-{order_id}.pdf", owner_id=actor.user_id,
                                subject=f"aftersales_case:{case_id}", access="parties", declared_type="application/pdf")
    return stored.id


async def get(rt: PluginRuntime, actor: Actor, withdrawal_id: str) -> WithdrawalOut:
    row = await _mine(rt, actor, withdrawal_id)
    snap = await ports.order(rt, row["order_id"])
    return _out(rt, row, {ln.id: ln.name for ln in snap.lines})


async def acknowledgement(rt: PluginRuntime, actor: Actor, withdrawal_id: str) -> tuple[bytes, str]:
    """The acknowledgement PDF (the buyer's copy on a durable medium)."""
    row = await _mine(rt, actor, withdrawal_id)
    if not row["acknowledgement_file_id"]:
        raise NotFound("not confirmed yet", code="aftersales.acknowledgement_not_found")
    stored = await rt.files.get(row["acknowledgement_file_id"])
    return await rt.files.read(stored.id), stored.filename
