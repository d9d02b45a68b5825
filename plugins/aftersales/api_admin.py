"""Merchant, operator, withdrawal and policy routes under ``/api/v1/aftersales``.

Operator routes name the right issue 12 will wire: ``aftersales.handle`` (queue, evidence
requests, statistics) and ``aftersales.rule`` (rulings and appeals).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Response, get, post, put

from bazaar.plugins.aftersales import intervention, queues, settings, withdrawal
from bazaar.plugins.aftersales.errors import (
    CaseNotFound,
    DeadlinePassed,
    NotEligible,
    NotYourAction,
    OrderNotFound,
    ProviderFailed,
    RefundExceedsPaid,
    WindowClosed,
    WithdrawalExpired,
    WithdrawalNotFound,
)
from bazaar.plugins.aftersales.policy import explain
from bazaar.plugins.aftersales.schemas import (
    CaseOut,
    CaseSummary,
    EvidenceRequestIn,
    ProductRuleIn,
    ProductRuleOut,
    RulingIn,
    SettingsIn,
    StatsOut,
    WithdrawalIn,
    WithdrawalOut,
)
from bazaar.sdk.api import ActorDep, Cursor, Limit, Page, RuntimeDep, check_id, problems
from bazaar.sdk.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from bazaar.sdk.files import content_disposition

MERCHANT = {"auth": "merchant"}
OPERATOR = {"auth": "operator"}
USER = {"auth": "user"}
PUBLIC = {"auth": "public"}


def _mid(merchant_id: str) -> str:
    return check_id(merchant_id, "mch", "merchant_id")


def _cid(case_id: str) -> str:
    return check_id(case_id, "asc", "case_id")


class MerchantAftersalesController(Controller):
    """A merchant's staff: the queue, statistics, return address, product declarations."""

    path = "/aftersales/merchants/{merchant_id:str}"
    tags = ["aftersales"]

    @get("/cases", operation_id="aftersales_merchant_queue", opt=MERCHANT, responses=problems(ValidationFailed))
    async def queue(self, rt: RuntimeDep, merchant_id: str, waiting: bool = True, limit: Limit = 20,
                    cursor: Cursor = None) -> Page[CaseSummary]:
        """Open cases, soonest deadline first; ``waiting`` (default): only those waiting on the merchant."""
        items, nxt = await queues.merchant_queue(rt, _mid(merchant_id), waiting=waiting, limit=limit, cursor=cursor)
        return Page(items=items, next_cursor=nxt)

    @get("/stats", operation_id="aftersales_merchant_stats", opt=MERCHANT, responses=problems(ValidationFailed))
    async def stats(self, rt: RuntimeDep, merchant_id: str) -> StatsOut:
        """Return rate, time to refund, auto-accepted, rulings against, deadlines missed."""
        return await queues.stats(rt, _mid(merchant_id))

    @put("/settings", operation_id="aftersales_merchant_settings", opt=MERCHANT, responses=problems(ValidationFailed))
    async def put_settings(self, rt: RuntimeDep, merchant_id: str, data: SettingsIn) -> dict[str, Any]:
        """The default return address (used at once when a return is accepted)."""
        return await settings.save(rt, _mid(merchant_id), data)

    @put("/products/{product_id:str}", operation_id="aftersales_product_rule", opt=MERCHANT,
         responses=problems(NotFound, ValidationFailed))
    async def put_product(self, rt: RuntimeDep, merchant_id: str, product_id: str, data: ProductRuleIn) -> ProductRuleOut:
        """Declare a product excluded (``no_reason.excluded``) or confirmable at checkout
        (``no_reason.confirmable``), and its goods class for inspection."""
        return await settings.declare(rt, _mid(merchant_id), check_id(product_id, "prd", "product_id"), data)

    @get("/products/{product_id:str}", operation_id="aftersales_product_rule_get", opt=MERCHANT,
         responses=problems(NotFound, ValidationFailed))
    async def get_product(self, rt: RuntimeDep, merchant_id: str, product_id: str) -> ProductRuleOut:
        """The product's declaration."""
        return await settings.declared(rt, _mid(merchant_id), check_id(product_id, "prd", "product_id"))


class AdminAftersalesController(Controller):
    """Platform staff: the queue, evidence requests, rulings, appeals, statistics."""

    path = "/aftersales/admin"
    tags = ["aftersales"]

    @get("/cases", operation_id="aftersales_admin_queue", opt=OPERATOR, responses=problems(ValidationFailed))
    async def queue(self, rt: RuntimeDep, limit: Limit = 20, cursor: Cursor = None) -> Page[CaseSummary]:
        """Escalated, appealed and overdue cases, soonest deadline first (right ``aftersales.handle``)."""
        items, nxt = await queues.operator_queue(rt, limit=limit, cursor=cursor)
        return Page(items=items, next_cursor=nxt)

    @post("/cases/{case_id:str}/request_evidence", operation_id="aftersales_admin_request_evidence", opt=OPERATOR,
          status_code=200, responses=problems(CaseNotFound, InvalidTransition, ValidationFailed))
    async def request_evidence(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: EvidenceRequestIn) -> CaseOut:
        """Ask one side for more within ``evidence_window_hours`` (right ``aftersales.handle``)."""
        return await intervention.request_evidence(rt, actor, _cid(case_id), data.party, data.note)

    @post("/cases/{case_id:str}/rule", operation_id="aftersales_admin_rule", opt=OPERATOR, status_code=200,
          responses=problems(CaseNotFound, InvalidTransition, RefundExceedsPaid, ValidationFailed))
    async def rule(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: RulingIn) -> CaseOut:
        """Rule: outcome, refund, who pays return shipping, reasoning; executed when final
        (right ``aftersales.rule``)."""
        return await intervention.rule(rt, actor, _cid(case_id), data)

    @post("/cases/{case_id:str}/decide_appeal", operation_id="aftersales_admin_decide_appeal", opt=OPERATOR,
          status_code=200, responses=problems(CaseNotFound, InvalidTransition, RefundExceedsPaid, ProviderFailed,
                                              ValidationFailed))
    async def decide_appeal(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: RulingIn) -> CaseOut:
        """The final ruling on the appeal, executed at once (right ``aftersales.rule``)."""
        return await intervention.decide_appeal(rt, actor, _cid(case_id), data)

    @get("/merchants/{merchant_id:str}/stats", operation_id="aftersales_admin_stats", opt=OPERATOR,
         responses=problems(ValidationFailed))
    async def stats(self, rt: RuntimeDep, merchant_id: str) -> StatsOut:
        """A merchant's after-sales quality (right ``aftersales.handle``)."""
        return await queues.stats(rt, _mid(merchant_id))


class WithdrawalController(Controller):
    """The eu withdrawal function: withdraw here, confirm, download the acknowledgement."""

    path = "/aftersales/withdrawals"
    tags = ["aftersales"]

    @post("/", operation_id="aftersales_withdrawal_start", opt=USER,
          responses=problems(OrderNotFound, NotEligible, WindowClosed, WithdrawalNotFound))
    async def start(self, rt: RuntimeDep, actor: ActorDep, data: WithdrawalIn) -> WithdrawalOut:
        """Withdraw from the contract here: answers the statement to confirm."""
        return await withdrawal.start(rt, actor, data)

    @post("/{withdrawal_id:str}/confirm", operation_id="aftersales_withdrawal_confirm", opt=USER, status_code=200,
          responses=problems(WithdrawalNotFound, WithdrawalExpired, WindowClosed, Conflict, DeadlinePassed,
                             NotYourAction, ProviderFailed, RefundExceedsPaid))
    async def confirm(self, rt: RuntimeDep, actor: ActorDep, withdrawal_id: str) -> WithdrawalOut:
        """Confirm the withdrawal: it is sent now; the acknowledgement is stored on a durable medium."""
        return await withdrawal.confirm(rt, actor, check_id(withdrawal_id, "asw", "withdrawal_id"))

    @get("/{withdrawal_id:str}", operation_id="aftersales_withdrawal", opt=USER, responses=problems(WithdrawalNotFound))
    async def read_withdrawal(self, rt: RuntimeDep, actor: ActorDep, withdrawal_id: str) -> WithdrawalOut:
        """A withdrawal of the caller's."""
        return await withdrawal.get(rt, actor, check_id(withdrawal_id, "asw", "withdrawal_id"))

    @get("/{withdrawal_id:str}/acknowledgement", operation_id="aftersales_withdrawal_acknowledgement", opt=USER,
         responses=problems(WithdrawalNotFound, NotFound))
    async def acknowledgement(self, rt: RuntimeDep, actor: ActorDep, withdrawal_id: str) -> Response[bytes]:
        """The acknowledgement (PDF): content, date and time of the withdrawal."""
        data, name = await withdrawal.acknowledgement(rt, actor, check_id(withdrawal_id, "asw", "withdrawal_id"))
        return Response(content=data, media_type="application/pdf", headers={
            "Content-Disposition": content_disposition(name), "Cache-Control": "private, no-store"})


class PolicyController(Controller):
    path = "/aftersales/policy"
    tags = ["aftersales"]

    @get("/", operation_id="aftersales_policy", opt=PUBLIC)
    async def policy(self, rt: RuntimeDep) -> dict[str, Any]:
        """Every policy value in force, with its origin (preset or override) and its legal or practical source."""
        return msgspec.to_builtins(explain(rt.plugin_config("aftersales")))  # type: ignore[no-any-return]

