"""Remedies of a plan: money through the payment provider (idempotent), sanctions as an event.

``refund`` and ``compensation`` go to the order's payment provider
(``rt.provider("payment", order.payment_provider)``: ``refund`` / ``compensate``) with the
idempotency key ``complaints:<remedy id>``, so a repeated call never pays twice; only the
payments plugin moves money. ``sanction`` emits ``complaints.sanction_requested`` for
qualification (or an operator) to decide; ``replacement`` and ``apology`` are recorded as
done by the operator who saw them done.
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.complaints import ports
from bazaar.plugins.complaints.errors import (
    RemedyFailed,
    RemedyInvalid,
    RemedyNotFound,
    RemedyUnavailable,
)
from bazaar.plugins.complaints.events import RemedyExecuted, SanctionRequested
from bazaar.plugins.complaints.records import for_update
from bazaar.plugins.complaints.schemas import RemedyIn
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import Conflict, FieldProblem
from bazaar.sdk.money import Money
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.types import CompensationRequest, OrderSnapshot, RefundRequest

MONEY = ("refund", "compensation")
BY_SYSTEM = MONEY + ("sanction",)


async def check(rt: PluginRuntime, row: dict[str, Any], remedies: list[RemedyIn]) -> OrderSnapshot | None:
    """Every problem of a plan's remedies at once (``422 complaints.remedy_invalid``); the order if one is needed."""
    problems: list[FieldProblem] = []
    order = await ports.order(rt, row["order_id"]) if row["order_id"] else None
    refunded = 0
    for i, r in enumerate(remedies):
        at = f"remedies[{i}]"
        if r.kind in MONEY:
            if order is None:
                problems.append(FieldProblem(field=f"{at}.kind", reason="money remedies need a complaint about an order"))
            elif r.amount is None or r.amount.amount <= 0:
                problems.append(FieldProblem(field=f"{at}.amount", reason="a positive amount is required"))
            elif r.amount.currency != order.total.currency:
                problems.append(FieldProblem(field=f"{at}.amount.currency", reason=f"must be {order.total.currency}"))
            elif r.kind == "refund":
                refunded += r.amount.amount
                if refunded > order.total.amount:
                    problems.append(FieldProblem(field=f"{at}.amount", reason="refunds exceed the order total"))
            if r.kind == "compensation" and r.payer is None:
                problems.append(FieldProblem(field=f"{at}.payer", reason="merchant or platform"))
        elif r.amount is not None:
            problems.append(FieldProblem(field=f"{at}.amount", reason=f"a {r.kind} carries no amount"))
        if r.kind == "sanction":
            if r.measure is None:
                problems.append(FieldProblem(field=f"{at}.measure", reason="required for a sanction"))
            if row["merchant_id"] is None:
                problems.append(FieldProblem(field=f"{at}.kind", reason="no merchant to sanction"))
        elif r.measure is not None:
            problems.append(FieldProblem(field=f"{at}.measure", reason="only a sanction has a measure"))
        if r.kind == "replacement" and order is None:
            problems.append(FieldProblem(field=f"{at}.kind", reason="a replacement needs a complaint about an order"))
    if problems:
        raise RemedyInvalid("the plan's remedies are refused", errors=problems)
    return order


async def record(rt: PluginRuntime, row: dict[str, Any], plan_round: int, remedies: list[RemedyIn],
                 order: OrderSnapshot | None) -> None:
    """Store a plan's remedies (``proposed``)."""
    now = rt.clock.now()
    for r in remedies:
        await rt.db.execute(
            "INSERT INTO complaints_remedy (id, complaint_id, plan_round, kind, amount_minor, currency, payer, "
            "measure, note, status, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, 'proposed', {})",
            new_id("crm"), row["id"], plan_round, r.kind, r.amount.amount if r.amount else None,
            r.amount.currency if r.amount else None, r.payer, r.measure, r.note, now,
        )


async def pending(rt: PluginRuntime, complaint_id: str) -> list[dict[str, Any]]:
    """The current plan's remedies not yet carried out."""
    return await rt.db.fetch(
        "SELECT r.* FROM complaints_remedy r JOIN complaints_complaint c ON c.id = r.complaint_id "
        "WHERE r.complaint_id = {} AND r.plan_round = c.plan_round AND r.status = 'proposed' ORDER BY r.id",
        complaint_id,
    )


async def _pay(rt: PluginRuntime, remedy: dict[str, Any], row: dict[str, Any], actor: Actor) -> str:
    order = await ports.order(rt, row["order_id"])
    if order is None or order.payment_provider is None:
        raise RemedyUnavailable("the order has no payment provider to pay through")
    try:
        provider = ports.provider(rt, "payment", order.payment_provider)
    except LookupError:
        raise RemedyUnavailable(f"payment provider {order.payment_provider!r} is not available") from None
    amount = Money(amount=remedy["amount_minor"], currency=remedy["currency"])
    ctx = rt.context(actor_id=actor.user_id, actor_roles=actor.roles)
    key = f"complaints:{remedy['id']}"
    reason = f"complaint {row['id']}: {remedy['note'] or remedy['kind']}"
    if remedy["kind"] == "refund":
        result = await provider.refund(ctx, RefundRequest(order=order, amount=amount, reason=reason,
                                                          idempotency_key=key))
    else:
        compensate = getattr(provider, "compensate", None)
        if compensate is None:
            raise RemedyUnavailable(f"payment provider {order.payment_provider!r} cannot pay compensation")
        try:
            result = await compensate(ctx, CompensationRequest(order=order, amount=amount, payer=remedy["payer"],
                                                               reason=reason, idempotency_key=key))
        except NotImplementedError:
            raise RemedyUnavailable(f"payment provider {order.payment_provider!r} cannot pay compensation") from None
    if result.status == "failed":
        raise RemedyFailed("the payment provider refused the payment", extra={"refund_id": result.refund_id})
    return str(result.refund_id)


async def execute(rt: PluginRuntime, row: dict[str, Any], remedy_id: str, actor: Actor, note: str | None) -> bool:
    """Carry out one remedy of the accepted plan (a second call changes nothing); ``True`` when all are done."""
    remedy = await rt.db.fetchrow(
        f"SELECT * FROM complaints_remedy WHERE id = {{}} AND complaint_id = {{}}{for_update(rt)}", remedy_id, row["id"])
    if remedy is None or remedy["plan_round"] != row["plan_round"]:
        raise RemedyNotFound("no such remedy in the current plan")
    if remedy["status"] == "executed":
        return not await pending(rt, row["id"])
    if row["state"] != "executing":
        raise Conflict("remedies are carried out once the plan is accepted", code="complaints.plan_not_accepted",
                       extra={"from": row["state"]})
    reference: str | None = None
    if remedy["kind"] in MONEY:
        reference = await _pay(rt, remedy, row, actor)
    elif remedy["kind"] == "sanction":
        await rt.emit(SanctionRequested(merchant_id=row["merchant_id"], complaint_id=row["id"],
                                               reason=remedy["note"] or f"complaint {row['id']} upheld",
                                               measure=remedy["measure"]))
    await _done(rt, remedy, row, actor, reference, note)
    return not await pending(rt, row["id"])


async def _done(rt: PluginRuntime, remedy: dict[str, Any], row: dict[str, Any], actor: Actor, reference: str | None,
                note: str | None) -> None:
    await rt.db.execute(
        "UPDATE complaints_remedy SET status = 'executed', reference = {}, executed_by = {}, executed_at = {}, "
        "note = COALESCE(note, {}) WHERE id = {}",
        reference, actor.user_id, rt.clock.now(), note, remedy["id"],
    )
    amount = Money(amount=remedy["amount_minor"], currency=remedy["currency"]) if remedy["amount_minor"] else None
    await rt.emit(RemedyExecuted(complaint_id=row["id"], merchant_id=row["merchant_id"], category=row["category"],
                                        remedy_id=remedy["id"], kind=remedy["kind"], amount=amount,
                                        reference=reference))


async def mark_all_done(rt: PluginRuntime, row: dict[str, Any], actor: Actor, note: str | None) -> None:
    """Record the remaining replacement/apology remedies as done (money and sanctions must be executed)."""
    left = await pending(rt, row["id"])
    system = [r["id"] for r in left if r["kind"] in BY_SYSTEM]
    if system:
        raise Conflict("money and sanction remedies are executed one by one first", code="complaints.remedies_pending",
                       extra={"remedies": system})
    for remedy in left:
        await _done(rt, remedy, row, actor, None, note)
