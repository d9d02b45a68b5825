"""The payments API under ``/api/v1/payments`` (thin controllers over the service).

Customers: payment status per checkout and order, receipt extension, the pay redirect.
Providers: signed notifications. Merchants: balance, ledger lines, payouts, settlement
account. Operators: ledger per order and merchant, refunds, reconciliation, the
``needs_review`` queue and its resolution, payout runs, the trial balance.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.params import JSONBody
from litestar.response import Redirect

from bazaar.plugins.payments import auto_confirm, ledger, reconciliation, service, views
from bazaar.plugins.payments.schemas import (
    BalanceOut,
    InstructionOut,
    LedgerLine,
    NotifyAck,
    OrderLedgerOut,
    OrderPaymentOut,
    PaymentOut,
    PayoutRun,
    ReconciliationIn,
    ReconciliationOut,
    RefundCreate,
    Resolution,
    SettlementAccountIn,
    SettlementAccountOut,
)
from bazaar.plugins.payments.states import PAYABLE
from bazaar.sdk.api import ActorDep, Cursor, Limit, Page, RuntimeDep, idempotency_key, problems
from bazaar.sdk.errors import (
    Conflict,
    FieldProblem,
    NotFound,
    ProviderError,
    Unauthorized,
    ValidationFailed,
)

_ID = re.compile(r"^[a-z]{2,4}_[0-9A-Z]{26}$")


def _id(value: str, field: str) -> str:
    """Refuse a malformed public id (``422 invalid_id``)."""
    if not _ID.match(value):
        raise ValidationFailed(f"{field} is not a valid id", code="invalid_id",
                               errors=[FieldProblem(field=field, reason="expected an id like abc_<26 characters>",
                                                    value=value[:60])])
    return value


class PaymentsController(Controller):
    path = "/payments"
    tags = ["payments"]

    @get("/checkouts/{checkout_id:str}", operation_id="payments_checkout_status", opt={"auth": "user"},
         responses=problems(NotFound, ValidationFailed))
    async def checkout_status(self, rt: RuntimeDep, actor: ActorDep, checkout_id: str) -> PaymentOut:
        """The payment of one of your checkouts, with each order's paid, held, released and refunded."""
        return await views.by_checkout(rt, _id(checkout_id, "checkout_id"), actor)

    @get("/orders/{order_id:str}", operation_id="payments_order_status", opt={"auth": "user"},
         responses=problems(NotFound, ValidationFailed))
    async def order_status(self, rt: RuntimeDep, actor: ActorDep, order_id: str) -> OrderPaymentOut:
        """The payment side of one of your orders, with its receipt deadline."""
        return await views.by_order(rt, _id(order_id, "order_id"), actor)

    @post("/orders/{order_id:str}/extend-receipt", operation_id="payments_extend_receipt", status_code=200,
          opt={"auth": "user"}, responses=problems(NotFound, Conflict, ValidationFailed))
    async def extend_receipt(self, rt: RuntimeDep, actor: ActorDep, order_id: str) -> OrderPaymentOut:
        """Extend the receipt window of your order once, near its end (escrow)."""
        oid = _id(order_id, "order_id")
        await auto_confirm.extend(rt, service.active_plugin(rt), oid, actor.user_id)
        return await views.by_order(rt, oid, actor)

    @get("/pay/{payment_id:str}", operation_id="payments_pay_redirect", opt={"auth": "public"},
         responses=problems(NotFound, Conflict, ValidationFailed))
    async def pay(self, rt: RuntimeDep, payment_id: str) -> Redirect:
        """Send the payer to the provider's hosted pay page (303); 409 while it is being created."""
        row = await rt.db.fetchrow("SELECT * FROM payments_payment WHERE id = {}", _id(payment_id, "payment_id"))
        if row is None:
            raise NotFound("no such payment", code="payments.unknown_payment")
        if row["state"] not in PAYABLE:
            raise Conflict(f"the payment is {row['state']}", code="payments.not_payable")
        if not row["provider_pay_url"]:
            raise Conflict("the payment is being set up at the provider; retry shortly", code="payments.not_ready")
        return Redirect(path=row["provider_pay_url"], status_code=303)

    @post("/notify/{provider:str}", operation_id="payments_notify", status_code=200, opt={"auth": "public"},
          responses=problems(Unauthorized, NotFound, Conflict))
    async def notify(self, rt: RuntimeDep, request: Request[Any, Any, Any], provider: str) -> NotifyAck:
        """A provider's signed notification; verified, applied once, replays answered ``duplicate``."""
        body = await request.body()
        outcome = await service.receive_notification(
            rt, service.active_plugin(rt), provider[:40], dict(request.headers), body
        )
        return NotifyAck(outcome=outcome)


class MerchantPaymentsController(Controller):
    path = "/payments/merchants/{merchant_id:str}"
    tags = ["payments"]

    @get("/balance", operation_id="payments_merchant_balance", opt={"auth": "merchant"},
         responses=problems(ValidationFailed))
    async def balance(self, rt: RuntimeDep, merchant_id: str, currency: str | None = None) -> BalanceOut:
        """Held, payable, paid out and owed (debt), in one currency (default: the shop's)."""
        return await views.balance(rt, _id(merchant_id, "merchant_id"), currency or rt.currency)

    @get("/ledger", operation_id="payments_merchant_ledger", opt={"auth": "merchant"},
         responses=problems(ValidationFailed))
    async def lines(self, rt: RuntimeDep, merchant_id: str, limit: Limit = 50, cursor: Cursor = None) -> Page[LedgerLine]:
        """Every ledger line on the merchant's accounts, oldest first."""
        items, nxt = await views.merchant_lines(rt, _id(merchant_id, "merchant_id"), limit, cursor)
        return Page(items=items, next_cursor=nxt)

    @get("/payouts", operation_id="payments_merchant_payouts", opt={"auth": "merchant"},
         responses=problems(ValidationFailed))
    async def payouts(self, rt: RuntimeDep, merchant_id: str, limit: Limit = 50, cursor: Cursor = None) -> Page[InstructionOut]:
        """Payout history: each batch, its amount and status."""
        items, nxt = await views.payouts(rt, _id(merchant_id, "merchant_id"), limit, cursor)
        return Page(items=items, next_cursor=nxt)

    @put("/settlement-account", operation_id="payments_settlement_account", opt={"auth": "merchant_owner"},
         responses=problems(ValidationFailed, ProviderError))
    async def settlement_account(self, rt: RuntimeDep, merchant_id: str,
                                 data: JSONBody[SettlementAccountIn]) -> SettlementAccountOut:
        """Bind the bank account payouts go to (verified at the provider; only the last 4 digits are kept)."""
        row = await service.register_settlement_account(
            rt, service.active_plugin(rt), _id(merchant_id, "merchant_id"), data.holder_name, data.bank_account
        )
        return SettlementAccountOut(merchant_id=row["merchant_id"], provider=row["provider"],
                                    holder_name=row["holder_name"], account_last4=row["account_last4"],
                                    verified=bool(row["verified"]))


class AdminPaymentsController(Controller):
    path = "/payments/admin"
    tags = ["payments"]

    @get("/orders/{order_id:str}/ledger", operation_id="payments_admin_order_ledger", opt={"auth": "operator"},
         responses=problems(NotFound, ValidationFailed))
    async def order_ledger(self, rt: RuntimeDep, order_id: str) -> OrderLedgerOut:
        """An order's totals, every ledger line and every instruction."""
        return await views.order_ledger(rt, _id(order_id, "order_id"))

    @post("/orders/{order_id:str}/refunds", operation_id="payments_admin_refund", status_code=202,
          opt={"auth": "operator"}, responses=problems(NotFound, Conflict, ValidationFailed))
    async def refund(self, rt: RuntimeDep, request: Request[Any, Any, Any], order_id: str,
                     data: JSONBody[RefundCreate]) -> InstructionOut:
        """Refund (part of) an order to the original method; needs an ``Idempotency-Key``."""
        key = idempotency_key(request.headers)
        if key is None:
            raise ValidationFailed("Idempotency-Key is required", code="payments.idempotency_key_required",
                                   errors=[FieldProblem(field="Idempotency-Key", reason="required")])
        oid = _id(order_id, "order_id")
        result = await service.request_refund(rt, service.active_plugin(rt), oid, amount=data.amount,
                                              currency=data.currency, reason=data.reason, idempotency_key=key)
        row = await rt.db.fetchrow("SELECT * FROM payments_instruction WHERE id = {}", result.refund_id)
        assert row is not None
        return views.instruction_out(row)

    @get("/merchants/{merchant_id:str}/ledger", operation_id="payments_admin_merchant_ledger",
         opt={"auth": "operator"}, responses=problems(ValidationFailed))
    async def merchant_ledger(self, rt: RuntimeDep, merchant_id: str, limit: Limit = 50,
                              cursor: Cursor = None) -> Page[LedgerLine]:
        """Every ledger line on a merchant's accounts (the same lines the merchant sees)."""
        items, nxt = await views.merchant_lines(rt, _id(merchant_id, "merchant_id"), limit, cursor)
        return Page(items=items, next_cursor=nxt)

    @get("/merchants/{merchant_id:str}/balance", operation_id="payments_admin_merchant_balance",
         opt={"auth": "operator"}, responses=problems(ValidationFailed))
    async def merchant_balance(self, rt: RuntimeDep, merchant_id: str, currency: str | None = None) -> BalanceOut:
        """A merchant's balance as the operator sees it."""
        return await views.balance(rt, _id(merchant_id, "merchant_id"), currency or rt.currency)

    @get("/reviews", operation_id="payments_admin_reviews", opt={"auth": "operator"})
    async def reviews(self, rt: RuntimeDep, limit: Limit = 50, cursor: Cursor = None) -> Page[PaymentOut]:
        """Payments in ``needs_review`` (amount mismatch, paid after cancel)."""
        items, nxt = await views.reviews(rt, limit, cursor)
        return Page(items=items, next_cursor=nxt)

    @post("/reviews/{payment_id:str}/resolve", operation_id="payments_admin_resolve", status_code=200,
          opt={"auth": "operator"}, responses=problems(NotFound, Conflict, ValidationFailed))
    async def resolve(self, rt: RuntimeDep, actor: ActorDep, payment_id: str, data: JSONBody[Resolution]) -> PaymentOut:
        """Resolve a payment under review: refund what was received, or dismiss once settled."""
        row = await service.resolve(rt, service.active_plugin(rt), _id(payment_id, "payment_id"), data.action,
                                    data.note, actor.user_id)
        return await views.payment_out(rt, row, views.OPERATOR)

    @get("/instructions/stuck", operation_id="payments_admin_stuck_instructions", opt={"auth": "operator"})
    async def stuck(self, rt: RuntimeDep) -> dict[str, Any]:
        """Instructions queued or sent for longer than ``stuck_after_minutes``, oldest first (also an alert on /ready)."""
        return {"items": await service.stuck_instructions(rt, service.active_plugin(rt)), "next_cursor": None}

    @post("/reconciliations", operation_id="payments_admin_reconcile", status_code=201, opt={"auth": "operator"},
          responses=problems(ValidationFailed))
    async def reconcile(self, rt: RuntimeDep, data: JSONBody[ReconciliationIn]) -> ReconciliationOut:
        """Compare the provider's statement with the ledger (default: the last 24 hours) and list every mismatch."""
        until = data.period_to or rt.clock.now() + timedelta(seconds=1)
        since = data.period_from or until - timedelta(days=1)
        if since >= until:
            raise ValidationFailed("the period ends before it starts", code="payments.period_reversed",
                                   errors=[FieldProblem(field="period_to", reason="must be after period_from",
                                                        source="body")])
        report = await reconciliation.run(rt, service.active_plugin(rt), since, until)
        return ReconciliationOut(**report)

    @post("/payouts", operation_id="payments_admin_payouts", status_code=200, opt={"auth": "operator"})
    async def payouts(self, rt: RuntimeDep) -> PayoutRun:
        """Run payouts now: each merchant's payable to its settlement account."""
        return PayoutRun(payouts=await service.run_payouts(rt, service.active_plugin(rt)))

    @get("/trial-balance", operation_id="payments_admin_trial_balance", opt={"auth": "operator"})
    async def trial_balance(self, rt: RuntimeDep) -> dict[str, Any]:
        """Every account's balance by currency; ``balanced`` is false if any entry does not sum to zero."""
        return await ledger.trial_balance(rt)


ROUTES = (PaymentsController, MerchantPaymentsController, AdminPaymentsController)
