"""Sending instructions to the provider, after the transaction that recorded them committed.

``<plugin>.dispatch`` (one timer per instruction) runs outside any transaction, calls the
adapter (idempotent by the instruction id) and records that it was sent; a provider
error makes the timer retry with backoff. A close the provider refuses because the buyer
already paid fails at once (it would otherwise wait in flight for a notice that never comes).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bazaar.plugins.payments.providers import adapter
from bazaar.plugins.payments.providers.base import AlreadyPaid, CreatePayment, Split, decode_detail
from bazaar.plugins.payments.states import (
    INSTRUCTION,
    PAYMENT,
    InstructionEvent,
    InstructionStatus,
    PaymentEvent,
    PaymentState,
)
from bazaar.sdk.plugin import TimerHandler
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.states import StateMachine
from bazaar.sdk.timers import Due, outside_transaction


async def send(rt: PluginRuntime, pid: str, instruction_id: str) -> None:
    from bazaar.plugins.payments import service

    ins = await rt.db.fetchrow("SELECT * FROM payments_instruction WHERE id = {}", instruction_id)
    if ins is None or ins["status"] != InstructionStatus.queued:
        return
    adp = adapter(rt, pid)
    detail = decode_detail(ins["detail"])
    payment: dict[str, Any] = {}
    if ins["payment_id"]:
        payment = await rt.db.fetchrow("SELECT * FROM payments_payment WHERE id = {}", ins["payment_id"]) or {}
    kind = ins["kind"]
    provider_ref = None
    if kind == "create":
        orders = await rt.db.fetch(
            "SELECT * FROM payments_order WHERE payment_id = {} ORDER BY order_id", ins["payment_id"]
        )
        splits = tuple(
            [Split(key=o["order_id"], amount=o["amount_minor"],
                   account_ref=await service.settlement_ref(rt, o["merchant_id"])) for o in orders]
        )
        ack = await adp.create_payment(CreatePayment(
            ref=payment["id"], currency=ins["currency"], amount=ins["amount_minor"],
            mode="hold" if pid == service.ESCROW else "capture", splits=splits,
            notify_url=f"/api/v1/payments/notify/{adp.id}",
            commission_bps=service.rules(rt, pid)["commission_bps"],
        ))
        provider_ref = ack.provider_ref
        async with rt.unit_of_work():
            # conditional writes: the provider's notice may have moved the rows meanwhile
            await rt.db.execute(
                "UPDATE payments_payment SET provider_ref = COALESCE(provider_ref, {}), provider_pay_url = {}, "
                "state = CASE WHEN state = {} THEN {} ELSE state END WHERE id = {}",
                ack.provider_ref, ack.pay_url, *_move(PAYMENT, PaymentState.created, PaymentEvent.acknowledge),
                payment["id"],
            )
            await rt.db.execute(
                "UPDATE payments_instruction SET status = {}, provider_ref = {}, sent_at = {}, "
                "finished_at = {} WHERE id = {} AND status = {}",
                INSTRUCTION.transition(InstructionStatus.queued, InstructionEvent.succeed), ack.provider_ref,
                rt.clock.now(), rt.clock.now(), instruction_id, InstructionStatus.queued,
            )
        return
    if kind == "close":
        if not payment.get("provider_ref"):
            async with rt.unit_of_work():
                await rt.db.execute(
                    "UPDATE payments_instruction SET status = {}, finished_at = {} WHERE id = {} AND status = {}",
                    INSTRUCTION.transition(InstructionStatus.queued, InstructionEvent.succeed), rt.clock.now(),
                    instruction_id, InstructionStatus.queued,
                )
            return
        try:
            provider_ref = (await adp.close_payment(ins["id"], payment["provider_ref"])).provider_ref
        except AlreadyPaid as exc:
            # the buyer paid first: nothing to close (and no notice will come for it); the
            # payment's own notice brings the money (a late payment is refunded or reviewed)
            async with rt.unit_of_work():
                await rt.db.execute(
                    "UPDATE payments_instruction SET status = {}, error = {}, finished_at = {} WHERE id = {} "
                    "AND status = {}",
                    INSTRUCTION.transition(InstructionStatus.queued, InstructionEvent.fail),
                    f"refused: {exc}"[:500], rt.clock.now(), instruction_id, InstructionStatus.queued,
                )
            return
    elif kind == "release":
        provider_ref = (await adp.release(
            ins["id"], payment["provider_ref"], ins["order_id"], ins["currency"], detail["merchant"],
            detail["commission"], detail["account_ref"],
        )).provider_ref
    elif kind == "refund":
        provider_ref = (await adp.refund(
            ins["id"], payment["provider_ref"], ins["order_id"] or "", ins["currency"], ins["amount_minor"],
            detail["source"], detail.get("account_ref"),
        )).provider_ref
    elif kind == "compensate":
        provider_ref = (await adp.compensate(
            ins["id"], payment["provider_ref"], ins["order_id"] or "", ins["currency"], ins["amount_minor"],
            detail["payer"], detail.get("account_ref"),
        )).provider_ref
    elif kind == "payout":
        provider_ref = (await adp.payout(
            ins["id"], detail["account_ref"], ins["currency"], ins["amount_minor"]
        )).provider_ref
    async with rt.unit_of_work():
        await rt.db.execute(
            "UPDATE payments_instruction SET status = CASE WHEN status = {} THEN {} ELSE status END, "
            "provider_ref = {}, sent_at = {} WHERE id = {}",
            *_move(INSTRUCTION, InstructionStatus.queued, InstructionEvent.send), provider_ref, rt.clock.now(),
            instruction_id,
        )


def _move(machine: StateMachine[Any, Any], state: StrEnum, event: StrEnum) -> tuple[StrEnum, StrEnum]:
    """``(from, to)`` of one table entry, for a conditional ``CASE WHEN state = from THEN to`` write."""
    return state, machine.transition(state, event)


def dispatch_timer(pid: str) -> TimerHandler:
    @outside_transaction
    async def dispatch(rt: PluginRuntime, due: Due) -> None:
        """Timer: send one instruction to the provider (after the recording transaction committed)."""
        await send(rt, pid, due.subject)

    return dispatch
