"""The payments rules: payments, notifications, release, refunds, payouts, review.

Everything that changes state runs in a unit of work (joining the core's when called
from a hook). Calls to the provider are never made here inside a transaction: the
transaction records an :class:`Instruction` and schedules ``<plugin>.dispatch``, an
``@outside_transaction`` timer that sends it (``dispatch.py``). Money moves in the
ledger only when the provider's verified notification confirms it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Literal
from weakref import WeakKeyDictionary

import msgspec

from bazaar.plugins.payments import ledger, orders_port, policy
from bazaar.plugins.payments.events import FundsReleased, RefundSettled
from bazaar.plugins.payments.ledger import PLATFORM, Line
from bazaar.plugins.payments.providers import adapter
from bazaar.plugins.payments.providers.base import BadNotification, Notice, decode_detail
from bazaar.plugins.payments.states import (
    IN_FLIGHT,
    INSTRUCTION,
    ORDER_MONEY,
    PAID,
    PAYMENT,
    RECEIVED,
    InstructionEvent,
    InstructionStatus,
    OrderMoneyEvent,
    OrderMoneyState,
    PaymentEvent,
    PaymentState,
)
from bazaar.plugins.payments.transitions import move
from bazaar.sdk.api import new_id
from bazaar.sdk.errors import Conflict, FieldProblem, NotFound, Unauthorized, ValidationFailed
from bazaar.sdk.money import Money
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.types import CheckoutSnapshot, PaymentStart, RefundResult

log = logging.getLogger("bazaar.payments")

ESCROW = "payments.escrow"
INSTANT = "payments.instant"
PLUGINS = (ESCROW, INSTANT)


#: the effective policy values per runtime and plugin id (resolved once)
_RULES: WeakKeyDictionary[PluginRuntime, dict[str, dict[str, Any]]] = WeakKeyDictionary()


def active_plugin(rt: PluginRuntime) -> str:
    """The payments plugin enabled in this runtime (escrow and instant never both)."""
    for pid in PLUGINS:
        if rt.is_enabled(pid):
            return pid
    raise NotFound("no payments plugin is enabled", code="payments.not_enabled")


def rules(rt: PluginRuntime, pid: str) -> dict[str, Any]:
    """The effective policy values of ``pid`` (preset plus overrides)."""
    resolved = _RULES.setdefault(rt, {})
    if pid not in resolved:
        resolved[pid] = policy.RULES.resolve(rt.plugin_config(pid))
    return resolved[pid]


def _lock(rt: PluginRuntime) -> str:
    return "" if rt.db.engine_name == "sqlite" else " FOR UPDATE"


# --- instructions ---------------------------------------------------------------------


async def _instruct(
    rt: PluginRuntime, pid: str, kind: str, *, currency: str, amount: int, payment_id: str | None = None,
    order_id: str | None = None, merchant_id: str | None = None, customer_id: str | None = None,
    detail: dict[str, Any] | None = None, idempotency_key: str | None = None, reason: str | None = None,
) -> dict[str, Any]:
    """Record an instruction to the provider and schedule its dispatch after commit."""
    instruction_id = new_id("ins")
    rows = await rt.db.execute(
        "INSERT INTO payments_instruction (id, plugin, provider, kind, payment_id, order_id, merchant_id, "
        "customer_id, currency, amount_minor, detail, status, idempotency_key, reason, created_at) VALUES "
        "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT (idempotency_key) DO NOTHING "
        "RETURNING id",
        instruction_id, pid, rt.plugin_config(pid).provider, kind, payment_id, order_id, merchant_id, customer_id,
        currency, amount, msgspec.json.encode(detail or {}).decode(), INSTRUCTION.initial, idempotency_key, reason,
        rt.clock.now(),
    )
    if not rows:
        existing = await rt.db.fetchrow("SELECT * FROM payments_instruction WHERE idempotency_key = {}", idempotency_key)
        assert existing is not None
        return existing
    await rt.timers.schedule(f"{pid}.dispatch", instruction_id, rt.clock.now(), {})
    row = await rt.db.fetchrow("SELECT * FROM payments_instruction WHERE id = {}", instruction_id)
    assert row is not None
    return row


async def _pending_sum(rt: PluginRuntime, where: str, *args: Any) -> int:
    """The amount of instructions matching ``where`` that the provider has not answered yet."""
    row = await rt.db.fetchrow(
        "SELECT COALESCE(SUM(amount_minor), 0) AS total FROM payments_instruction "
        f"WHERE status IN ({{}}, {{}}) AND {where}",
        *IN_FLIGHT,
        *args,
    )
    assert row is not None
    return int(row["total"])


async def settlement_ref(rt: PluginRuntime, merchant_id: str) -> str:
    """The merchant's account at the provider (its sub-merchant id)."""
    row = await rt.db.fetchrow(
        "SELECT provider_account_ref FROM payments_settlement_account WHERE merchant_id = {}", merchant_id
    )
    return row["provider_account_ref"] if row else merchant_id


# --- start and cancel (called by the core through the provider object) -----------------


async def start_payment(rt: PluginRuntime, pid: str, checkout: CheckoutSnapshot) -> PaymentStart:
    """Record one payment for the checkout and its orders; the create instruction goes after commit."""
    async with rt.unit_of_work():
        existing = await rt.db.fetchrow("SELECT * FROM payments_payment WHERE checkout_id = {}", checkout.id)
        if existing is not None:
            return _start(existing)
        total = sum(o.total.amount for o in checkout.orders)
        if total != checkout.total.amount or any(o.total.currency != checkout.total.currency for o in checkout.orders):
            raise ValidationFailed(
                "the orders do not add up to the checkout total", code="payments.checkout_total_mismatch"
            )
        now = rt.clock.now()
        payment_id = new_id("pay")
        expires = now + timedelta(minutes=rules(rt, pid)["unpaid_auto_cancel_minutes"])
        await rt.db.execute(
            "INSERT INTO payments_payment (id, plugin, provider, checkout_id, customer_id, method, currency, "
            "amount_minor, state, idempotency_key, created_at, expires_at) VALUES "
            "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            payment_id, pid, rt.plugin_config(pid).provider, checkout.id, checkout.customer_id,
            checkout.payment_method, checkout.total.currency, checkout.total.amount, PAYMENT.initial,
            checkout.idempotency_key, now, expires,
        )
        for order in checkout.orders:
            await rt.db.execute(
                "INSERT INTO payments_order (order_id, payment_id, checkout_id, merchant_id, customer_id, plugin, "
                "currency, amount_minor, state, extensions, open_cases, release_wanted, updated_at) VALUES "
                "({}, {}, {}, {}, {}, {}, {}, {}, {}, 0, 0, 0, {})",
                order.id, payment_id, checkout.id, order.merchant_id, checkout.customer_id, pid,
                order.total.currency, order.total.amount, ORDER_MONEY.initial, now,
            )
        await _instruct(
            rt, pid, "create", currency=checkout.total.currency, amount=checkout.total.amount,
            payment_id=payment_id, customer_id=checkout.customer_id, idempotency_key=f"create:{checkout.id}",
        )
        row = await rt.db.fetchrow("SELECT * FROM payments_payment WHERE id = {}", payment_id)
    assert row is not None
    return _start(row)


def _start(row: dict[str, Any]) -> PaymentStart:
    status: Literal["paid", "pending"] = "paid" if row["state"] == PaymentState.paid else "pending"
    return PaymentStart(
        payment_id=row["id"], status=status, pay_url=f"/api/v1/payments/pay/{row['id']}", expires_at=row["expires_at"]
    )


async def cancel_payment(rt: PluginRuntime, pid: str, checkout_id: str, reason: str) -> None:
    """An unpaid checkout was cancelled (timeout or customer): close the payment at the provider."""
    async with rt.unit_of_work():
        payment = await rt.db.fetchrow(
            f"SELECT * FROM payments_payment WHERE checkout_id = {{}}{_lock(rt)}", checkout_id
        )
        if payment is None or payment["state"] == PaymentState.cancelled:
            return
        if payment["state"] in RECEIVED:
            raise Conflict("the payment was already received", code="payments.already_paid")
        await move(rt, PAYMENT, payment, PaymentEvent.cancel, resolution=reason)
        for op in await rt.db.fetch(
            "SELECT * FROM payments_order WHERE payment_id = {} ORDER BY order_id", payment["id"]
        ):
            await move(rt, ORDER_MONEY, op, OrderMoneyEvent.cancel, updated_at=rt.clock.now())
        await _instruct(
            rt, pid, "close", currency=payment["currency"], amount=0, payment_id=payment["id"],
            idempotency_key=f"close:{payment['id']}", reason=reason,
        )


# --- notifications ----------------------------------------------------------------------


async def receive_notification(rt: PluginRuntime, pid: str, provider: str, headers: Any, body: bytes) -> str:
    """Verify a provider notification and apply it once; answers what happened.

    The notify route and the sandbox's in-process sender both come here, so verification
    is the same code path either way.
    """
    adp = adapter(rt, pid)
    if provider != adp.id:
        raise NotFound(f"no payment provider {provider!r}", code="payments.unknown_provider")
    lowered = {k.lower(): v for k, v in dict(headers).items()}
    try:
        notice = adp.verify(lowered, body, rt.clock.now())
    except BadNotification as exc:
        log.warning("payments: refused a %s notification: %s", provider, exc)
        raise Unauthorized(str(exc), code=f"payments.{exc.code}") from None
    async with rt.unit_of_work():
        notification_id = new_id("ntf")
        stored = await rt.db.execute(
            "INSERT INTO payments_notification (id, key, provider, provider_event_id, type, body, outcome, "
            "received_at) VALUES ({}, {}, {}, {}, {}, {}, 'received', {}) ON CONFLICT (key) DO NOTHING RETURNING id",
            notification_id, f"{provider}:{notice.id}", provider, notice.id, notice.type, body.decode(),
            rt.clock.now(),
        )
        if not stored:
            return "duplicate"
        outcome = await _apply(rt, pid, notice, notification_id)
        await rt.db.execute("UPDATE payments_notification SET outcome = {} WHERE id = {}", outcome, notification_id)
    return outcome


async def _apply(rt: PluginRuntime, pid: str, notice: Notice, notification_id: str) -> str:
    if notice.type.startswith("payment."):
        return await _apply_payment(rt, pid, notice, notification_id)
    instruction = await rt.db.fetchrow(
        f"SELECT * FROM payments_instruction WHERE id = {{}}{_lock(rt)}", notice.instruction_ref or ""
    )
    kind = notice.type.split(".", 1)[0]
    if instruction is None or instruction["kind"] != kind:
        raise NotFound("no such instruction", code="payments.unknown_instruction")
    if instruction["status"] not in IN_FLIGHT:
        return "already_applied"
    now = rt.clock.now()
    if notice.type.endswith(".failed"):
        await move(rt, INSTRUCTION, instruction, InstructionEvent.fail, error=notice.type,
                   notification_id=notification_id, finished_at=now)
        if kind == "release":
            await move(rt, ORDER_MONEY, await _order_row(rt, instruction["order_id"]), OrderMoneyEvent.fail_release,
                       updated_at=now)
        elif kind == "refund":
            await _refund_settled(rt, pid, instruction, "failed")
        return f"{kind}_failed"
    if notice.amount != instruction["amount_minor"] or notice.currency != instruction["currency"]:
        await move(rt, INSTRUCTION, instruction, InstructionEvent.flag_for_review,
                   error=f"provider confirmed {notice.amount} {notice.currency}", notification_id=notification_id)
        return "amount_mismatch"
    from bazaar.plugins.payments import compensation

    await {"release": _post_release, "refund": _post_refund, "payout": _post_payout,
           "compensate": compensation.post}[kind](rt, pid, instruction, notification_id)
    await move(rt, INSTRUCTION, instruction, InstructionEvent.succeed, notification_id=notification_id, finished_at=now)
    return f"{kind}_posted"


async def _order_row(rt: PluginRuntime, order_id: str) -> dict[str, Any]:
    """The payment record of an order, locked for this transaction."""
    row = await rt.db.fetchrow(f"SELECT * FROM payments_order WHERE order_id = {{}}{_lock(rt)}", order_id)
    if row is None:
        raise NotFound("no payment for this order", code="payments.unknown_order")
    return row


async def _apply_payment(rt: PluginRuntime, pid: str, notice: Notice, notification_id: str) -> str:
    payment = await rt.db.fetchrow(
        f"SELECT * FROM payments_payment WHERE id = {{}}{_lock(rt)}", notice.instruction_ref or ""
    )
    if payment is None or payment["provider_ref"] not in (None, notice.payment_ref):
        raise NotFound("no such payment", code="payments.unknown_payment")
    now = rt.clock.now()
    if notice.type == "payment.failed":
        if PAYMENT.can(payment["state"], PaymentEvent.fail):
            await move(rt, PAYMENT, payment, PaymentEvent.fail)
        return "payment_failed"
    if notice.type == "payment.closed":
        for ins in await rt.db.fetch(
            f"SELECT * FROM payments_instruction WHERE payment_id = {{}} AND kind = 'close' AND status IN ({{}}, {{}}) "
            f"ORDER BY id{_lock(rt)}",
            payment["id"], *IN_FLIGHT,
        ):
            await move(rt, INSTRUCTION, ins, InstructionEvent.succeed, notification_id=notification_id, finished_at=now)
        return "payment_closed"
    # payment.succeeded
    if payment["state"] in RECEIVED:
        return "already_applied"
    review = None
    if payment["state"] == PaymentState.cancelled:
        review = "paid_after_cancel"
    elif notice.amount != payment["amount_minor"] or notice.currency != payment["currency"]:
        review = "amount_mismatch"
    if review:
        await ledger.post(
            rt, key=f"suspense:{payment['id']}", kind="suspense", plugin=pid, currency=notice.currency,
            payment_id=payment["id"], notification_id=notification_id, memo=review,
            lines=[Line("buyer_clearing", payment["customer_id"], -notice.amount),
                   Line("suspense", payment["id"], notice.amount)],
        )
        await move(rt, PAYMENT, payment, PaymentEvent.flag_for_review, review_reason=review,
                   received_minor=notice.amount, received_currency=notice.currency, provider_ref=notice.payment_ref)
        log.warning("payments: payment %s needs review (%s)", payment["id"], review)
        if review == "paid_after_cancel" and rt.plugin_config(pid).late_payment == "refund":
            await resolve(rt, pid, payment["id"], "refund",
                          "paid after the checkout was cancelled: refunded automatically", None)
            return "refunded_late_payment"
        return review
    orders = await rt.db.fetch("SELECT * FROM payments_order WHERE payment_id = {} ORDER BY order_id", payment["id"])
    bps = rules(rt, pid)["commission_bps"]
    for op in orders:
        oid, amount = op["order_id"], op["amount_minor"]
        buyer = Line("buyer_clearing", op["customer_id"], -amount, oid)
        if pid == ESCROW:
            lines = [buyer, Line("escrow_held", op["merchant_id"], amount, oid)]
            event = OrderMoneyEvent.hold
        else:
            split = policy.release_split(amount, bps)
            lines = [buyer, Line("platform_commission", PLATFORM, split.commission, oid),
                     *await _credit_merchant(rt, op["merchant_id"], op["currency"], split.merchant, oid)]
            event = OrderMoneyEvent.capture
        kind = str(event)
        await ledger.post(
            rt, key=f"{kind}:{oid}", kind=kind, plugin=pid, currency=op["currency"], lines=lines, order_id=oid,
            payment_id=payment["id"], instruction_id=None, notification_id=notification_id,
        )
        await move(rt, ORDER_MONEY, op, event, updated_at=now)
    await move(rt, PAYMENT, payment, PaymentEvent.succeed, paid_at=now, provider_ref=notice.payment_ref,
               received_minor=notice.amount, received_currency=notice.currency)
    for op in orders:
        await orders_port.mark_paid(rt, op["order_id"], pid)
    if pid == INSTANT:
        await ensure_payout_timer(rt, pid)
    return "paid"


async def _credit_merchant(rt: PluginRuntime, merchant_id: str, currency: str, amount: int, order_id: str) -> list[Line]:
    """Lines crediting ``amount`` to a merchant: its debt is repaid first, the rest is payable."""
    debt = -await ledger.balance_of(rt, "merchant_debt", merchant_id, currency)
    repaid, payable = policy.merchant_credit(amount, debt)
    return [Line("merchant_debt", merchant_id, repaid, order_id), Line("merchant_payable", merchant_id, payable, order_id)]


async def _post_release(rt: PluginRuntime, pid: str, ins: dict[str, Any], notification_id: str) -> None:
    detail = decode_detail(ins["detail"])
    oid = ins["order_id"]
    await ledger.post(
        rt, key=f"release:{ins['id']}", kind="release", plugin=pid, currency=ins["currency"], order_id=oid,
        payment_id=ins["payment_id"], instruction_id=ins["id"], notification_id=notification_id,
        memo=f"commission {detail['bps']} bps, rounded half up",
        lines=[Line("escrow_held", ins["merchant_id"], -ins["amount_minor"], oid),
               Line("platform_commission", PLATFORM, detail["commission"], oid),
               *await _credit_merchant(rt, ins["merchant_id"], ins["currency"], detail["merchant"], oid)],
    )
    await move(rt, ORDER_MONEY, await _order_row(rt, oid), OrderMoneyEvent.confirm_release, updated_at=rt.clock.now())
    await rt.emit(FundsReleased(order_id=oid, merchant_id=ins["merchant_id"], plugin=pid,
                                amount=Money(amount=ins["amount_minor"], currency=ins["currency"]),
                                commission=Money(amount=detail["commission"], currency=ins["currency"])))
    await ensure_payout_timer(rt, pid)


async def _post_refund(rt: PluginRuntime, pid: str, ins: dict[str, Any], notification_id: str) -> None:
    source = decode_detail(ins["detail"])["source"]
    amount, oid, cur = ins["amount_minor"], ins["order_id"], ins["currency"]
    refund = Line("refunds", ins["customer_id"], amount, oid)
    if source == "hold":
        lines = [Line("escrow_held", ins["merchant_id"], -amount, oid), refund]
    elif source == "suspense":
        lines = [Line("suspense", ins["payment_id"], -amount), refund]
    else:
        payable = await ledger.balance_of(rt, "merchant_payable", ins["merchant_id"], cur)
        pending_payouts = await _pending_sum(rt, "kind = 'payout' AND merchant_id = {}", ins["merchant_id"])
        from_payable, into_debt = policy.after_release_refund(amount, payable - pending_payouts)
        lines = [Line("merchant_payable", ins["merchant_id"], -from_payable, oid),
                 Line("merchant_debt", ins["merchant_id"], -into_debt, oid), refund]
    await ledger.post(
        rt, key=f"refund:{ins['id']}", kind="refund", plugin=pid, currency=cur, order_id=oid,
        payment_id=ins["payment_id"], instruction_id=ins["id"], notification_id=notification_id,
        memo=f"from {source}: {ins['reason'] or ''}".strip(), lines=lines,
    )
    await _refund_settled(rt, pid, ins, "succeeded")


async def _refund_settled(rt: PluginRuntime, pid: str, ins: dict[str, Any], outcome: Literal["succeeded", "failed"]) -> None:
    """``payments.refund_settled`` for a refund instruction the provider confirmed or refused."""
    await rt.emit(RefundSettled(
        order_id=ins["order_id"], merchant_id=ins["merchant_id"], refund_id=ins["id"], outcome=outcome,
        amount=Money(amount=ins["amount_minor"], currency=ins["currency"]),
        source=decode_detail(ins["detail"]).get("source"), reason=ins["reason"], plugin=pid,
    ))


async def _post_payout(rt: PluginRuntime, pid: str, ins: dict[str, Any], notification_id: str) -> None:
    await ledger.post(
        rt, key=f"payout:{ins['id']}", kind="payout", plugin=pid, currency=ins["currency"],
        instruction_id=ins["id"], notification_id=notification_id,
        lines=[Line("merchant_payable", ins["merchant_id"], -ins["amount_minor"]),
               Line("payouts", ins["merchant_id"], ins["amount_minor"])],
    )


# --- release ----------------------------------------------------------------------------


async def request_release(rt: PluginRuntime, pid: str, order_id: str, reason: str, *, from_timer: bool = False) -> dict[str, Any] | None:
    """Instruct the provider to settle a held order to its merchant, less the commission.

    Paused (``release_wanted``) while an after-sales case is open; nothing to release
    when the hold was refunded in full.
    """
    if pid != ESCROW:
        return None
    async with rt.unit_of_work():
        op = await rt.db.fetchrow(f"SELECT * FROM payments_order WHERE order_id = {{}}{_lock(rt)}", order_id)
        if op is None or not ORDER_MONEY.can(op["state"], OrderMoneyEvent.request_release):
            return None
        now = rt.clock.now()
        if op["open_cases"] and rules(rt, pid)["pause_on_aftersales"]:
            await rt.db.execute(
                "UPDATE payments_order SET release_wanted = 1, updated_at = {} WHERE order_id = {}", now, order_id
            )
            return None
        if not from_timer:
            await rt.timers.cancel(f"{pid}.auto_confirm", order_id)
        held = await ledger.balance_of(rt, "escrow_held", op["merchant_id"], op["currency"], order_id=order_id)
        held -= await _pending_sum(rt, "kind = 'refund' AND order_id = {}", order_id)
        if held <= 0:
            await move(rt, ORDER_MONEY, op, OrderMoneyEvent.close_refunded, release_wanted=0, updated_at=now)
            return None
        split = policy.release_split(held, rules(rt, pid)["commission_bps"])
        await move(rt, ORDER_MONEY, op, OrderMoneyEvent.request_release, release_wanted=0, updated_at=now)
        return await _instruct(
            rt, pid, "release", currency=op["currency"], amount=held, payment_id=op["payment_id"], order_id=order_id,
            merchant_id=op["merchant_id"], customer_id=op["customer_id"], reason=reason,
            detail={"merchant": split.merchant, "commission": split.commission, "bps": split.bps,
                    "account_ref": await settlement_ref(rt, op["merchant_id"])},
            idempotency_key=f"release:{order_id}:{new_id('r')}",
        )


# --- refunds ----------------------------------------------------------------------------


async def request_refund(
    rt: PluginRuntime, pid: str, order_id: str, *, amount: int, currency: str, reason: str, idempotency_key: str,
) -> RefundResult:
    """Refund (part of) an order to the original method; idempotent by ``idempotency_key``.

    Before release the refund comes out of the hold; after release (and with instant
    capture) from the merchant's payable, then as merchant debt. Never more than was paid.
    """
    async with rt.unit_of_work():
        op = await rt.db.fetchrow(f"SELECT * FROM payments_order WHERE order_id = {{}}{_lock(rt)}", order_id)
        if op is None:
            raise NotFound("no payment for this order", code="payments.unknown_order")
        key = f"refund:{order_id}:{idempotency_key}"
        existing = await rt.db.fetchrow("SELECT * FROM payments_instruction WHERE idempotency_key = {}", key)
        if existing is not None:
            if existing["amount_minor"] != amount:
                raise Conflict("this Idempotency-Key was used for another refund",
                               code="payments.idempotency_key_reused")
            return _refund_result(existing)
        if amount <= 0:
            raise ValidationFailed("a refund must be positive", code="payments.invalid_amount",
                                   errors=[FieldProblem(field="amount", reason="must be > 0", value=amount)])
        if currency != op["currency"]:
            raise ValidationFailed("wrong currency", code="payments.currency_mismatch",
                                   errors=[FieldProblem(field="currency", reason=f"must be {op['currency']}")])
        if op["state"] not in PAID:
            raise Conflict(f"the order is not paid (payment {op['state']})", code="payments.not_paid")
        totals = await ledger.order_totals(rt, order_id)
        pending = await _pending_sum(rt, "kind = 'refund' AND order_id = {}", order_id)
        left = policy.refundable(totals["paid"], totals["refunded"], pending)
        if amount > left:
            raise Conflict(
                f"refund of {amount} exceeds what is left to refund ({left})",
                code="payments.refund_exceeds_paid", extra={"refundable": left},
            )
        source = "hold" if op["state"] == OrderMoneyState.held else "merchant"
        row = await _instruct(
            rt, pid, "refund", currency=currency, amount=amount, payment_id=op["payment_id"], order_id=order_id,
            merchant_id=op["merchant_id"], customer_id=op["customer_id"], reason=reason,
            detail={"source": source, "account_ref": await settlement_ref(rt, op["merchant_id"])},
            idempotency_key=key,
        )
    return _refund_result(row)


def _refund_result(row: dict[str, Any]) -> RefundResult:
    outcome: dict[str, Literal["succeeded", "failed"]] = {
        InstructionStatus.succeeded: "succeeded", InstructionStatus.failed: "failed"}
    status: Literal["succeeded", "failed", "pending"] = outcome.get(row["status"], "pending")
    return RefundResult(refund_id=row["id"], status=status, amount=Money(amount=row["amount_minor"],
                                                                         currency=row["currency"]))


# --- payouts ----------------------------------------------------------------------------


async def ensure_payout_timer(rt: PluginRuntime, pid: str) -> None:
    """Make sure the next automatic payout run is scheduled (one timer per interval slot)."""
    hours = rt.plugin_config(pid).payout_interval_hours
    if not hours:
        return
    now = rt.clock.now()
    step = hours * 3600
    slot = int(now.timestamp()) // step + 1
    due = now + timedelta(seconds=slot * step - int(now.timestamp()))
    await rt.timers.schedule(f"{pid}.payout", f"slot:{slot}", due, {})


async def run_payouts(rt: PluginRuntime, pid: str) -> list[dict[str, Any]]:
    """Batch each merchant's payable (less payouts in flight) into one payout instruction."""
    made: list[dict[str, Any]] = []
    owners = await rt.db.fetch(
        "SELECT DISTINCT owner, currency FROM payments_posting WHERE account = 'merchant_payable' ORDER BY owner"
    )
    for row in owners:
        merchant_id, currency = row["owner"], row["currency"]
        async with rt.unit_of_work():
            account = await rt.db.fetchrow(
                "SELECT * FROM payments_settlement_account WHERE merchant_id = {} AND verified = 1", merchant_id
            )
            if account is None:
                continue
            payable = await ledger.balance_of(rt, "merchant_payable", merchant_id, currency)
            available = payable - await _pending_sum(rt, "kind = 'payout' AND merchant_id = {}", merchant_id)
            if available <= 0:
                continue
            ins = await _instruct(
                rt, pid, "payout", currency=currency, amount=available, merchant_id=merchant_id,
                detail={"account_ref": account["provider_account_ref"]},
                idempotency_key=f"payout:{merchant_id}:{new_id('p')}",
            )
            made.append({"instruction_id": ins["id"], "merchant_id": merchant_id, "amount": available,
                         "currency": currency})
    return made


async def register_settlement_account(rt: PluginRuntime, pid: str, merchant_id: str, holder_name: str,
                                      bank_account: str) -> dict[str, Any]:
    """Bind the merchant's bank account at the provider (outside any transaction), then record it."""
    ref = await adapter(rt, pid).register_account(merchant_id, holder_name, bank_account)
    async with rt.unit_of_work():
        await rt.db.execute("DELETE FROM payments_settlement_account WHERE merchant_id = {}", merchant_id)
        await rt.db.execute(
            "INSERT INTO payments_settlement_account (id, merchant_id, provider, provider_account_ref, holder_name, "
            "account_last4, verified, created_at) VALUES ({}, {}, {}, {}, {}, {}, 1, {})",
            new_id("sac"), merchant_id, adapter(rt, pid).id, ref, holder_name, bank_account[-4:], rt.clock.now(),
        )
        row = await rt.db.fetchrow("SELECT * FROM payments_settlement_account WHERE merchant_id = {}", merchant_id)
    assert row is not None
    return row


# --- review -----------------------------------------------------------------------------


async def resolve(rt: PluginRuntime, pid: str, payment_id: str, action: str, note: str, actor_id: str | None) -> dict[str, Any]:
    """Resolve a payment in ``needs_review``: ``refund`` the received funds, or ``dismiss`` when settled."""
    async with rt.unit_of_work():
        payment = await rt.db.fetchrow(f"SELECT * FROM payments_payment WHERE id = {{}}{_lock(rt)}", payment_id)
        if payment is None:
            raise NotFound("no such payment", code="payments.unknown_payment")
        if not PAYMENT.can(payment["state"], PaymentEvent.resolve):
            raise Conflict("the payment is not waiting for review", code="payments.not_in_review")
        held = await ledger.balance_of(rt, "suspense", payment_id, payment["received_currency"] or payment["currency"])
        if action == "refund":
            if held <= 0:
                raise Conflict("nothing is left in suspense to refund", code="payments.nothing_to_refund")
            first = await rt.db.fetchrow("SELECT * FROM payments_order WHERE payment_id = {} ORDER BY order_id",
                                         payment_id)
            await _instruct(
                rt, pid, "refund", currency=payment["received_currency"], amount=held, payment_id=payment_id,
                order_id=first["order_id"] if first else None, merchant_id=first["merchant_id"] if first else None,
                customer_id=payment["customer_id"], reason=note, detail={"source": "suspense"},
                idempotency_key=f"review-refund:{payment_id}",
            )
        elif held > 0:
            raise Conflict("funds are still in suspense; refund them first", code="payments.suspense_not_empty")
        await move(rt, PAYMENT, payment, PaymentEvent.resolve, resolved_at=rt.clock.now(),
                   resolution=f"{action} by {actor_id}: {note}")
        row = await rt.db.fetchrow("SELECT * FROM payments_payment WHERE id = {}", payment_id)
    assert row is not None
    return row


# --- instructions stuck in flight ---------------------------------------------------------


async def stuck_instructions(rt: PluginRuntime, pid: str, limit: int = 100) -> list[dict[str, Any]]:
    """Instructions queued or sent longer than ``stuck_after_minutes`` ago, oldest first."""
    since = rt.clock.now() - timedelta(minutes=rt.plugin_config(pid).stuck_after_minutes)
    return await rt.db.fetch(
        "SELECT id, kind, status, payment_id, order_id, merchant_id, currency, amount_minor, created_at, sent_at, error "
        "FROM payments_instruction WHERE status IN ({}, {}) AND created_at < {} ORDER BY created_at, id LIMIT {}",
        *IN_FLIGHT, since, limit,
    )
