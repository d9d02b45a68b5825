"""Read views: payment status, per-order and per-merchant ledger, balances, payouts, reviews."""

from __future__ import annotations

from typing import Any

from bazaar.plugins.payments import ledger
from bazaar.plugins.payments.providers.base import decode_detail
from bazaar.plugins.payments.schemas import (
    BalanceOut,
    InstructionOut,
    LedgerLine,
    Money,
    OrderLedgerOut,
    OrderPaymentOut,
    PaymentOut,
)
from bazaar.plugins.payments.states import (
    CONFIRMING,
    IN_FLIGHT,
    INSTRUCTION,
    ORDER_MONEY,
    PAYABLE,
    PAYMENT,
    PaymentState,
)
from bazaar.sdk.api import Actor
from bazaar.sdk.errors import NotFound
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.states import deadlines

OPERATOR = ("operator",)


def roles_of(actor: Actor | None) -> tuple[str, ...]:
    """Who reads a payment: operators (and internal callers, ``None``) or its customer."""
    return OPERATOR if actor is None or actor.is_operator else ("customer",)


def _may_read(actor: Actor, customer_id: str) -> None:
    if not (actor.is_operator or actor.user_id == customer_id):
        # someone else's payment looks exactly like a missing one (no existence oracle)
        raise NotFound("no such payment", code="not_found")


async def order_out(rt: PluginRuntime, op: dict[str, Any], roles: tuple[str, ...]) -> OrderPaymentOut:
    """An order's money; ``auto_confirm`` is its deadline while the receipt clock runs."""
    totals = await ledger.order_totals(rt, op["order_id"])
    paused = op["paused_remaining_seconds"] is not None or bool(op["open_cases"])
    running = op["state"] in CONFIRMING and not paused
    return OrderPaymentOut(
        order_id=op["order_id"], payment_id=op["payment_id"], merchant_id=op["merchant_id"], state=op["state"],
        allowed_actions=ORDER_MONEY.allowed_actions(op["state"], roles),
        deadlines=deadlines(auto_confirm=op["confirm_due_at"] if running else None),
        amount=Money(amount=op["amount_minor"], currency=op["currency"]), shipped_at=op["shipped_at"],
        confirm_due_at=op["confirm_due_at"], extensions=op["extensions"],
        paused=paused, **totals,
    )


async def payment_out(rt: PluginRuntime, payment: dict[str, Any], roles: tuple[str, ...]) -> PaymentOut:
    """A payment with its orders; ``pay_by`` is its deadline while the payer may still pay."""
    orders = await rt.db.fetch("SELECT * FROM payments_order WHERE payment_id = {} ORDER BY order_id", payment["id"])
    received = (
        Money(amount=payment["received_minor"], currency=payment["received_currency"])
        if payment["received_minor"] is not None else None
    )
    return PaymentOut(
        id=payment["id"], checkout_id=payment["checkout_id"], plugin=payment["plugin"], provider=payment["provider"],
        state=payment["state"], amount=Money(amount=payment["amount_minor"], currency=payment["currency"]),
        allowed_actions=PAYMENT.allowed_actions(payment["state"], roles),
        deadlines=deadlines(pay_by=payment["expires_at"] if payment["state"] in PAYABLE else None),
        pay_url=f"/api/v1/payments/pay/{payment['id']}", review_reason=payment["review_reason"], received=received,
        created_at=payment["created_at"], expires_at=payment["expires_at"], paid_at=payment["paid_at"],
        resolution=payment["resolution"], orders=[await order_out(rt, o, roles) for o in orders],
    )


async def by_checkout(rt: PluginRuntime, checkout_id: str, actor: Actor) -> PaymentOut:
    payment = await rt.db.fetchrow("SELECT * FROM payments_payment WHERE checkout_id = {}", checkout_id)
    if payment is None:
        raise NotFound("no payment for this checkout", code="payments.unknown_checkout")
    _may_read(actor, payment["customer_id"])
    return await payment_out(rt, payment, roles_of(actor))


async def by_order(rt: PluginRuntime, order_id: str, actor: Actor | None) -> OrderPaymentOut:
    op = await rt.db.fetchrow("SELECT * FROM payments_order WHERE order_id = {}", order_id)
    if op is None:
        raise NotFound("no payment for this order", code="payments.unknown_order")
    if actor is not None:
        _may_read(actor, op["customer_id"])
    return await order_out(rt, op, roles_of(actor))


def _line(r: dict[str, Any]) -> LedgerLine:
    return LedgerLine(
        id=r["id"], entry_id=r["entry_id"], kind=r["kind"], account=r["account"], owner=r["owner"],
        order_id=r["order_id"], amount=int(r["amount_minor"]), currency=r["currency"],
        instruction_id=r["instruction_id"], notification_id=r["notification_id"], memo=r["memo"],
        created_at=r["created_at"],
    )


_LINES = (
    "SELECT p.id AS id, p.entry_id AS entry_id, e.kind AS kind, p.account AS account, p.owner AS owner, "
    "p.order_id AS order_id, p.amount_minor AS amount_minor, p.currency AS currency, "
    "e.instruction_id AS instruction_id, e.notification_id AS notification_id, e.memo AS memo, "
    "p.created_at AS created_at FROM payments_posting p JOIN payments_entry e ON e.id = p.entry_id "
)


async def merchant_lines(rt: PluginRuntime, merchant_id: str, limit: int, after: str | None) -> tuple[list[LedgerLine], str | None]:
    """The merchant's postings (all its accounts), oldest first, keyset by posting id."""
    rows = await rt.db.fetch(
        _LINES + "WHERE p.owner = {} AND p.id > {} ORDER BY p.id LIMIT {}", merchant_id, after or "", limit + 1
    )
    items = [_line(r) for r in rows[:limit]]
    return items, (items[-1].id if len(rows) > limit else None)


async def order_ledger(rt: PluginRuntime, order_id: str) -> OrderLedgerOut:
    order = await by_order(rt, order_id, None)
    rows = await rt.db.fetch(_LINES + "WHERE e.order_id = {} ORDER BY p.id", order_id)
    instructions = await rt.db.fetch(
        "SELECT * FROM payments_instruction WHERE order_id = {} ORDER BY id", order_id
    )
    return OrderLedgerOut(order=order, lines=[_line(r) for r in rows],
                          instructions=[instruction_out(i) for i in instructions])


def instruction_out(r: dict[str, Any]) -> InstructionOut:
    """An instruction to the provider (read by operators and merchants; only the system moves it)."""
    return InstructionOut(
        id=r["id"], kind=r["kind"], status=r["status"], amount=Money(amount=r["amount_minor"], currency=r["currency"]),
        allowed_actions=INSTRUCTION.allowed_actions(r["status"], OPERATOR),
        order_id=r["order_id"], merchant_id=r["merchant_id"], detail=decode_detail(r["detail"]), reason=r["reason"],
        error=r["error"], created_at=r["created_at"], finished_at=r["finished_at"],
    )


async def balance(rt: PluginRuntime, merchant_id: str, currency: str) -> BalanceOut:
    totals = await ledger.merchant_totals(rt, merchant_id, currency)
    flight = await rt.db.fetchrow(
        "SELECT COALESCE(SUM(amount_minor), 0) AS total FROM payments_instruction WHERE kind = 'payout' "
        "AND merchant_id = {} AND currency = {} AND status IN ({}, {})",
        merchant_id, currency, *IN_FLIGHT,
    )
    account = await rt.db.fetchrow("SELECT * FROM payments_settlement_account WHERE merchant_id = {}", merchant_id)
    assert flight is not None
    return BalanceOut(
        merchant_id=merchant_id, currency=currency, payouts_in_flight=int(flight["total"]), **totals,
        settlement_account=(
            {"holder_name": account["holder_name"], "account_last4": account["account_last4"],
             "verified": bool(account["verified"])} if account else None
        ),
    )


async def payouts(rt: PluginRuntime, merchant_id: str, limit: int, after: str | None) -> tuple[list[InstructionOut], str | None]:
    rows = await rt.db.fetch(
        "SELECT * FROM payments_instruction WHERE kind = 'payout' AND merchant_id = {} AND id > {} "
        "ORDER BY id LIMIT {}",
        merchant_id, after or "", limit + 1,
    )
    items = [instruction_out(r) for r in rows[:limit]]
    return items, (items[-1].id if len(rows) > limit else None)


async def reviews(rt: PluginRuntime, limit: int, after: str | None) -> tuple[list[PaymentOut], str | None]:
    rows = await rt.db.fetch(
        "SELECT * FROM payments_payment WHERE state = {} AND id > {} ORDER BY id LIMIT {}",
        PaymentState.needs_review, after or "", limit + 1,
    )
    items = [await payment_out(rt, r, OPERATOR) for r in rows[:limit]]
    return items, (items[-1].id if len(rows) > limit else None)
