"""Compensation: money paid to a buyer beyond the goods refund, charged to the merchant or the platform.

Another plugin asks through the provider object (``PaymentProvider.compensate``): return shipping
a ruling put on the merchant, a late-shipment compensation, a complaint remedy. Like every
movement it is an *instruction* to the provider (recorded here, sent after commit by
``<plugin>.dispatch``) and enters the ledger when the provider's signed notification confirms it:

* payer ``merchant``: from the merchant's payable (less payouts in flight), the rest as debt
  (repaid first from the merchant's next release), to the buyer's ``compensations``;
* payer ``platform``: from the platform's own funds (its commission account).

Idempotent by the caller's key. How much is due is the caller's rule (after-sales bounds return
shipping by what the buyer paid the carrier).
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.payments import ledger, policy
from bazaar.plugins.payments.ledger import PLATFORM, Line
from bazaar.plugins.payments.providers.base import decode_detail
from bazaar.plugins.payments.states import PAID
from bazaar.sdk.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.types import CompensationRequest, RefundResult


async def request(rt: PluginRuntime, pid: str, req: CompensationRequest) -> RefundResult:
    """Record the compensation instruction (inside the caller's unit of work)."""
    from bazaar.plugins.payments import service

    async with rt.unit_of_work():
        op = await rt.db.fetchrow(f"SELECT * FROM payments_order WHERE order_id = {{}}{service._lock(rt)}",
                                  req.order.id)
        if op is None:
            raise NotFound("no payment for this order", code="payments.unknown_order")
        key = f"compensate:{req.order.id}:{req.idempotency_key}"
        existing = await rt.db.fetchrow("SELECT * FROM payments_instruction WHERE idempotency_key = {}", key)
        if existing is not None:
            if existing["amount_minor"] != req.amount.amount:
                raise Conflict("this idempotency key was used for another compensation",
                               code="payments.idempotency_key_reused")
            return service._refund_result(existing)
        problems = []
        if req.amount.amount <= 0:
            problems.append(FieldProblem(field="amount", reason="must be > 0", value=req.amount.amount))
        if req.amount.currency != op["currency"]:
            problems.append(FieldProblem(field="currency", reason=f"must be {op['currency']}"))
        if req.payer not in ("merchant", "platform"):
            problems.append(FieldProblem(field="payer", reason="merchant or platform", value=req.payer))
        if problems:
            raise ValidationFailed("invalid compensation", code="payments.invalid_compensation", errors=problems)
        if op["state"] not in PAID:
            raise Conflict(f"the order is not paid (payment {op['state']})", code="payments.not_paid")
        row = await service._instruct(
            rt, pid, "compensate", currency=req.amount.currency, amount=req.amount.amount,
            payment_id=op["payment_id"], order_id=req.order.id, merchant_id=op["merchant_id"],
            customer_id=op["customer_id"], reason=req.reason, idempotency_key=key,
            detail={"payer": req.payer, "account_ref": await service.settlement_ref(rt, op["merchant_id"])},
        )
    return service._refund_result(row)


async def post(rt: PluginRuntime, pid: str, ins: dict[str, Any], notification_id: str) -> None:
    """The provider confirmed it: the ledger entry (merchant payable then debt, or the platform)."""
    from bazaar.plugins.payments import service

    payer = decode_detail(ins["detail"])["payer"]
    amount, oid, cur = ins["amount_minor"], ins["order_id"], ins["currency"]
    paid = Line("compensations", ins["customer_id"], amount, oid)
    if payer == "platform":
        lines = [Line("platform_commission", PLATFORM, -amount, oid), paid]
    else:
        payable = await ledger.balance_of(rt, "merchant_payable", ins["merchant_id"], cur)
        in_flight = await service._pending_sum(rt, "kind = 'payout' AND merchant_id = {}", ins["merchant_id"])
        from_payable, into_debt = policy.after_release_refund(amount, payable - in_flight)
        lines = [Line("merchant_payable", ins["merchant_id"], -from_payable, oid),
                 Line("merchant_debt", ins["merchant_id"], -into_debt, oid), paid]
    await ledger.post(
        rt, key=f"compensate:{ins['id']}", kind="compensation", plugin=pid, currency=cur, order_id=oid,
        payment_id=ins["payment_id"], instruction_id=ins["id"], notification_id=notification_id,
        memo=f"paid by the {payer}: {ins['reason'] or ''}".strip(), lines=lines,
    )
