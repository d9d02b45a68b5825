"""Routes of ``logistics.cod`` under ``/api/v1/logistics/cod`` (thin).

Operator routes use ``auth: operator`` today; the right each will need under issue 12 is
named in its docstring (``logistics.cod.reconcile``, ``logistics.cod.read``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import Parameter

from bazaar.plugins.logistics.cod import exceptions, remittance, returns
from bazaar.sdk.api import ActorDep, Limit, RuntimeDep, check_id, idempotency_key, problems
from bazaar.sdk.errors import (
    Conflict,
    FieldProblem,
    InvalidTransition,
    NotFound,
    ProviderError,
    ValidationFailed,
)

OPERATOR = {"auth": "operator"}
Filter = Annotated[str | None, Parameter(max_length=24)]


class SettingIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    accepts: bool


class InspectIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    restock: bool
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class ResolveIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    action: Literal["rematch", "write_off", "claim_carrier"]
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    collection_id: Annotated[str, msgspec.Meta(max_length=40)] | None = None


class ConsentIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    method: Literal["bank_transfer", "alipay", "wechat_pay", "cash"]
    account: Annotated[str, msgspec.Meta(max_length=40)] = ""
    #: the consumer's explicit consent (must be true)
    consent: bool
    text: Annotated[str, msgspec.Meta(max_length=500)] = "I choose this refund method for my cash payment."


def _mid(value: str) -> str:
    return check_id(value, "mch", "merchant_id")


class CodMerchantController(Controller):
    path = "/logistics/cod/merchants/{merchant_id:str}"

    @put("/settings", operation_id="logistics_cod_settings_put", opt={"auth": "merchant_owner"},
         responses=problems(ValidationFailed))
    async def put_settings(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, data: SettingIn) -> dict[str, Any]:
        """Accept cash on delivery (or stop); COD is offered only when every merchant of a checkout accepts."""
        async with rt.unit_of_work():
            await rt.db.execute(
                "INSERT INTO logistics_cod_merchant (merchant_id, accepts, updated_at, updated_by) VALUES ({}, {}, {}, {}) "
                "ON CONFLICT (merchant_id) DO UPDATE SET accepts = {}, updated_at = {}, updated_by = {}",
                _mid(merchant_id), data.accepts, rt.clock.now(), actor.id, data.accepts, rt.clock.now(), actor.id,
            )
        return {"merchant_id": merchant_id, "accepts": data.accepts}

    @get("/returns", operation_id="logistics_cod_returns", opt={"auth": "merchant"}, responses=problems(ValidationFailed))
    async def list_returns(self, rt: RuntimeDep, merchant_id: str, limit: Limit = 50) -> list[dict[str, Any]]:
        """Refused COD parcels coming back, to inspect and restock."""
        return await rt.db.fetch("SELECT * FROM logistics_cod_return WHERE merchant_id = {} ORDER BY created_at DESC "
                                 "LIMIT {}", _mid(merchant_id), limit)

    @post("/returns/{return_id:str}/inspect", operation_id="logistics_cod_return_inspect", status_code=200,
          opt={"auth": "merchant"}, responses=problems(NotFound, InvalidTransition, ValidationFailed))
    async def inspect(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, return_id: str,
                      data: InspectIn) -> dict[str, Any]:
        """Record the inspection; ``restock`` puts the order's goods back on hand through the core."""
        return await returns.inspect(rt, _mid(merchant_id), check_id(return_id, "crt", "return_id"),
                                     restock=data.restock, note=data.note, actor_id=actor.id)


class CodController(Controller):
    path = "/logistics/cod"

    @post("/remittances", operation_id="logistics_cod_remittance_upload", status_code=201,
          opt={"auth": "service:logistics.cod"}, responses=problems(ValidationFailed, ProviderError))
    async def upload(self, rt: RuntimeDep, actor: ActorDep, request: Request[Any, Any, Any],
                     carrier: Filter = None, currency: Filter = None) -> dict[str, Any]:
        """Reconcile a carrier's remittance file (``text/csv`` with ``?carrier=&currency=``, amounts like
        199.00; or ``application/json``, minor units) line by line. ``Idempotency-Key`` required: the same key
        answers the same reconciliation (right ``logistics.cod.reconcile``)."""
        key = idempotency_key(request.headers)
        if key is None:
            raise ValidationFailed("an Idempotency-Key is required", code="invalid_idempotency_key",
                                   errors=[FieldProblem(field="Idempotency-Key", reason="required")])
        return await remittance.upload(rt, await request.body(), request.headers.get("content-type", ""), key=key,
                                       carrier=carrier, currency=currency, actor_id=actor.id)

    @get("/remittances/{remittance_id:str}", operation_id="logistics_cod_remittance", opt=OPERATOR,
         responses=problems(NotFound, ValidationFailed))
    async def get_remittance(self, rt: RuntimeDep, remittance_id: str) -> dict[str, Any]:
        """A reconciliation: counts per kind and totals (right ``logistics.cod.read``)."""
        row = await rt.db.fetchrow("SELECT * FROM logistics_cod_remittance WHERE id = {}",
                                   check_id(remittance_id, "rmt", "remittance_id"))
        if row is None:
            raise NotFound("no such remittance", code="logistics.cod_remittance_not_found")
        return remittance.view(row)

    @get("/exceptions", operation_id="logistics_cod_exceptions", opt=OPERATOR)
    async def list_exceptions(self, rt: RuntimeDep, exception_state: Annotated[str, Parameter(query="state",
                              max_length=12)] = "open", kind: Filter = None, limit: Limit = 50) -> list[dict[str, Any]]:
        """The exception queue, oldest first (right ``logistics.cod.read``)."""
        sql = "SELECT * FROM logistics_cod_exception WHERE state = {}"
        args: list[Any] = [exception_state]
        if kind:
            sql += " AND kind = {}"
            args.append(kind)
        return await rt.db.fetch(sql + " ORDER BY created_at, id LIMIT {}", *args, limit)

    @post("/exceptions/{exception_id:str}/resolve", operation_id="logistics_cod_exception_resolve", status_code=200,
          opt=OPERATOR, responses=problems(NotFound, Conflict, InvalidTransition, ValidationFailed, ProviderError))
    async def resolve(self, rt: RuntimeDep, actor: ActorDep, exception_id: str, data: ResolveIn) -> dict[str, Any]:
        """``rematch`` (with ``collection_id``), ``write_off`` or ``claim_carrier``, with a reason; audited
        (right ``logistics.cod.reconcile``)."""
        return await exceptions.resolve(rt, check_id(exception_id, "cxe", "exception_id"), data.action, data.note,
                                        actor.id, collection_id=data.collection_id)

    @get("/exceptions/{exception_id:str}/audit", operation_id="logistics_cod_exception_audit", opt=OPERATOR)
    async def audit(self, rt: RuntimeDep, exception_id: str) -> list[dict[str, Any]]:
        """Who did what to an exception, and why (right ``logistics.cod.read``)."""
        return await rt.db.fetch("SELECT * FROM logistics_cod_audit WHERE exception_id = {} ORDER BY at, id",
                                 exception_id[:40])

    @get("/collections", operation_id="logistics_cod_collections", opt=OPERATOR)
    async def list_collections(self, rt: RuntimeDep, collection_state: Annotated[str | None, Parameter(
            query="state", max_length=20)] = None, limit: Limit = 50) -> list[dict[str, Any]]:
        """Expected collections (right ``logistics.cod.read``)."""
        if collection_state:
            return await rt.db.fetch("SELECT * FROM logistics_cod_collection WHERE state = {} ORDER BY created_at "
                                     "LIMIT {}", collection_state, limit)
        return await rt.db.fetch("SELECT * FROM logistics_cod_collection ORDER BY created_at DESC LIMIT {}", limit)

    @post("/orders/{order_id:str}/refund-consent", operation_id="logistics_cod_refund_consent", opt={"auth": "user"},
          responses=problems(NotFound, ValidationFailed))
    async def refund_consent(self, rt: RuntimeDep, actor: ActorDep, order_id: str, data: ConsentIn) -> dict[str, Any]:
        """Choose how your cash-on-delivery order is refunded and consent (kept with its time)."""
        if not data.consent:
            raise ValidationFailed("explicit consent is required", code="logistics.cod_consent_required",
                                   errors=[FieldProblem(field="consent", reason="must be true")])
        if data.method != "cash" and not data.account.strip():
            raise ValidationFailed("an account is required for this method", code="logistics.cod_account_required",
                                   errors=[FieldProblem(field="account", reason="required unless method is cash")])
        return await returns.refund_consent(rt, check_id(order_id, "ord", "order_id"), actor.user_id or "",
                                            data.method, data.account, data.text)


ROUTES = (CodMerchantController, CodController)
