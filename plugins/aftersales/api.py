"""Routes of buyers and parties under ``/api/v1/aftersales`` (thin controllers).

A case's ``allowed_actions`` are route names: a party POSTs ``/aftersales/cases/{id}/<action>``
(operators' actions live under ``/aftersales/admin/cases/{id}/<action>``, see ``api_admin.py``).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from bazaar.plugins.aftersales import handling, intervention, opening, queues, returns, thread
from bazaar.plugins.aftersales.cases import for_actor, read
from bazaar.plugins.aftersales.errors import (
    CaseClosed,
    CaseNotFound,
    DeadlinePassed,
    EvidenceLimit,
    EvidenceTooLarge,
    EvidenceTypeRefused,
    InvalidReceipt,
    NotEligible,
    NotYourAction,
    OrderNotFound,
    ProviderFailed,
    QuantityTaken,
    RefundExceedsPaid,
    WindowClosed,
)
from bazaar.plugins.aftersales.schemas import (
    AddressIn,
    CaseCreate,
    CaseOut,
    CaseSummary,
    ChoiceIn,
    EvidenceOut,
    InfoRequestIn,
    MessageIn,
    MessageOut,
    OrderEligibility,
    ReasonIn,
    ReceiptIn,
    ShipIn,
    ShipmentIn,
)
from bazaar.sdk.api import (
    ActorDep,
    Cursor,
    Limit,
    Page,
    RuntimeDep,
    check_id,
    idempotency_key,
    problems,
)
from bazaar.sdk.errors import InvalidTransition, ValidationFailed
from bazaar.sdk.files import content_disposition

USER = {"auth": "user"}
FileName = Annotated[str, Parameter(min_length=1, max_length=200, description="the file's name")]
ACT = problems(CaseNotFound, DeadlinePassed, InvalidTransition, NotYourAction, ValidationFailed)
MONEY = problems(CaseNotFound, DeadlinePassed, InvalidTransition, NotYourAction, ValidationFailed, RefundExceedsPaid,
                 ProviderFailed)


def _cid(case_id: str) -> str:
    return check_id(case_id, "asc", "case_id")


class CasesController(Controller):
    """Buyers open and follow cases; the buyer and the merchant's staff act on them."""

    path = "/aftersales"
    tags = ["aftersales"]

    @get("/orders/{order_id:str}/eligibility", operation_id="aftersales_eligibility", opt=USER,
         responses=problems(OrderNotFound, ValidationFailed))
    async def eligibility(self, rt: RuntimeDep, actor: ActorDep, order_id: str) -> OrderEligibility:
        """Every line of the buyer's order: the case types open now, ``window_ends_at``, the reasons for the rest."""
        return await opening.eligibility(rt, check_id(order_id, "ord", "order_id"), actor)

    @post("/cases", operation_id="aftersales_case_open", opt=USER,
          responses=problems(OrderNotFound, NotEligible, WindowClosed, QuantityTaken, ValidationFailed))
    async def open(self, rt: RuntimeDep, actor: ActorDep, request: Request[Any, Any, Any],
                   data: CaseCreate) -> Response[CaseOut]:
        """Open a case on one's order (``Idempotency-Key`` honoured); refused with every reason, or
        ``409 aftersales.window_closed`` naming ``window_ends_at``."""
        case, replayed = await opening.open_case(rt, actor, data, idempotency_key(request.headers))
        return Response(case, status_code=200 if replayed else 201)

    @get("/cases", operation_id="aftersales_my_cases", opt=USER, responses=problems(ValidationFailed))
    async def mine(self, rt: RuntimeDep, actor: ActorDep, limit: Limit = 20, cursor: Cursor = None) -> Page[CaseSummary]:
        """The buyer's cases, newest first."""
        items, nxt = await queues.buyer_cases(rt, actor.user_id or "", limit=limit, cursor=cursor)
        return Page(items=items, next_cursor=nxt)

    @get("/cases/{case_id:str}", operation_id="aftersales_case", opt=USER, responses=problems(CaseNotFound))
    async def case(self, rt: RuntimeDep, actor: ActorDep, case_id: str) -> CaseOut:
        """A case as the caller sees it (``allowed_actions`` for the caller, ``deadlines``); a case one is
        no party to is a 404."""
        row, roles = await for_actor(rt, _cid(case_id), actor)
        return await read(rt, row, roles)

    @post("/cases/{case_id:str}/accept", operation_id="aftersales_accept", opt=USER, status_code=200, responses=MONEY)
    async def accept(self, rt: RuntimeDep, actor: ActorDep, case_id: str) -> CaseOut:
        """Merchant: accept (a refund without return is paid at once; a return waits for the address)."""
        return await handling.accept(rt, actor, _cid(case_id))

    @post("/cases/{case_id:str}/reject", operation_id="aftersales_reject", opt=USER, status_code=200, responses=ACT)
    async def reject(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: ReasonIn) -> CaseOut:
        """Merchant: reject with the reason (the buyer may escalate)."""
        return await handling.reject(rt, actor, _cid(case_id), data.reason)

    @post("/cases/{case_id:str}/request_info", operation_id="aftersales_request_info", opt=USER, status_code=200,
          responses=ACT)
    async def request_info(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: InfoRequestIn) -> CaseOut:
        """Merchant: ask once, listing everything missing."""
        return await handling.request_info(rt, actor, _cid(case_id), list(data.missing), data.message)

    @post("/cases/{case_id:str}/supply_info", operation_id="aftersales_supply_info", opt=USER, status_code=200,
          responses=ACT)
    async def supply_info(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: ReasonIn) -> CaseOut:
        """Buyer: answer what the merchant asked for."""
        return await handling.supply_info(rt, actor, _cid(case_id), data.reason)

    @post("/cases/{case_id:str}/return_address", operation_id="aftersales_return_address", opt=USER, status_code=200,
          responses=ACT)
    async def return_address(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: AddressIn) -> CaseOut:
        """Merchant: where the goods go back (none given: the default address)."""
        return await handling.give_address(rt, actor, _cid(case_id), data.address)

    @post("/cases/{case_id:str}/return_shipment", operation_id="aftersales_return_shipment", opt=USER,
          status_code=200, responses=ACT)
    async def return_shipment(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: ShipmentIn) -> CaseOut:
        """Buyer: the return parcel's carrier and waybill (and what it cost)."""
        return await returns.ship_back(rt, actor, _cid(case_id), data)

    @post("/cases/{case_id:str}/confirm_arrival", operation_id="aftersales_confirm_arrival", opt=USER,
          status_code=200, responses=ACT)
    async def confirm_arrival(self, rt: RuntimeDep, actor: ActorDep, case_id: str) -> CaseOut:
        """Merchant: the parcel arrived (without carrier scans); the refund clock runs."""
        return await returns.confirm_arrival(rt, actor, _cid(case_id))

    @post("/cases/{case_id:str}/receipt", operation_id="aftersales_receipt", opt=USER, status_code=200,
          responses=problems(CaseNotFound, DeadlinePassed, InvalidTransition, NotYourAction, InvalidReceipt,
                             RefundExceedsPaid, ProviderFailed))
    async def receipt(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: ReceiptIn) -> CaseOut:
        """Merchant: count, inspect and dispose of what came back; intact goods are refunded, exchanged
        or repaired by the case's type."""
        return await returns.receipt(rt, actor, _cid(case_id), data)

    @post("/cases/{case_id:str}/accept_outcome", operation_id="aftersales_accept_outcome", opt=USER,
          status_code=200, responses=MONEY)
    async def accept_outcome(self, rt: RuntimeDep, actor: ActorDep, case_id: str) -> CaseOut:
        """Buyer: accept the rejection, or the refund of the compliant units only."""
        return await handling.accept_outcome(rt, actor, _cid(case_id))

    @post("/cases/{case_id:str}/cancel", operation_id="aftersales_cancel", opt=USER, status_code=200, responses=ACT)
    async def cancel(self, rt: RuntimeDep, actor: ActorDep, case_id: str) -> CaseOut:
        """Buyer: withdraw the request."""
        return await handling.cancel(rt, actor, _cid(case_id))

    @post("/cases/{case_id:str}/escalate", operation_id="aftersales_escalate", opt=USER, status_code=200,
          responses=ACT)
    async def escalate(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: ReasonIn) -> CaseOut:
        """Buyer or merchant: ask the platform to rule (attach evidence first)."""
        return await intervention.escalate(rt, actor, _cid(case_id), data.reason)

    @post("/cases/{case_id:str}/submit_evidence", operation_id="aftersales_submit_evidence", opt=USER,
          status_code=200, responses=ACT)
    async def submit_evidence(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: ReasonIn) -> CaseOut:
        """The side the platform asked: the evidence is in."""
        return await intervention.submit_evidence(rt, actor, _cid(case_id), data.reason)

    @post("/cases/{case_id:str}/accept_ruling", operation_id="aftersales_accept_ruling", opt=USER, status_code=200,
          responses=MONEY)
    async def accept_ruling(self, rt: RuntimeDep, actor: ActorDep, case_id: str) -> CaseOut:
        """Buyer or merchant: accept the ruling (once both have, it is executed)."""
        return await intervention.accept_ruling(rt, actor, _cid(case_id))

    @post("/cases/{case_id:str}/appeal", operation_id="aftersales_appeal", opt=USER, status_code=200, responses=ACT)
    async def appeal(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: ReasonIn) -> CaseOut:
        """Buyer or merchant: the one appeal against the ruling."""
        return await intervention.appeal(rt, actor, _cid(case_id), data.reason)

    @post("/cases/{case_id:str}/ship_replacement", operation_id="aftersales_ship_replacement", opt=USER,
          status_code=200, responses=ACT)
    async def ship_replacement(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: ShipIn) -> CaseOut:
        """Merchant: ship the exchange's replacement (through logistics, or carrier and waybill)."""
        return await returns.ship_replacement(rt, actor, _cid(case_id), data)

    @post("/cases/{case_id:str}/confirm_replacement", operation_id="aftersales_confirm_replacement", opt=USER,
          status_code=200, responses=ACT)
    async def confirm_replacement(self, rt: RuntimeDep, actor: ActorDep, case_id: str) -> CaseOut:
        """Buyer: the replacement arrived and is fine."""
        return await returns.confirm_replacement(rt, actor, _cid(case_id))

    @post("/cases/{case_id:str}/return_repaired", operation_id="aftersales_return_repaired", opt=USER,
          status_code=200, responses=ACT)
    async def return_repaired(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: ShipIn) -> CaseOut:
        """Merchant: the repaired goods are on their way back (carrier and waybill)."""
        return await returns.return_repaired(rt, actor, _cid(case_id), data)

    @post("/cases/{case_id:str}/confirm_repair", operation_id="aftersales_confirm_repair", opt=USER,
          status_code=200, responses=ACT)
    async def confirm_repair(self, rt: RuntimeDep, actor: ActorDep, case_id: str) -> CaseOut:
        """Buyer: the repair holds."""
        return await returns.confirm_repair(rt, actor, _cid(case_id))

    @post("/cases/{case_id:str}/report_repair_failed", operation_id="aftersales_report_repair_failed", opt=USER,
          status_code=200, responses=ACT)
    async def report_repair_failed(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: ChoiceIn) -> CaseOut:
        """Buyer: the repair failed; the goods go back again (at the limit: choose exchange or refund)."""
        return await returns.report_repair_failed(rt, actor, _cid(case_id), data.note)

    @post("/cases/{case_id:str}/choose_refund", operation_id="aftersales_choose_refund", opt=USER, status_code=200,
          responses=MONEY)
    async def choose_refund(self, rt: RuntimeDep, actor: ActorDep, case_id: str) -> CaseOut:
        """Buyer, after failed repairs: a refund."""
        return await returns.choose_route(rt, actor, _cid(case_id), True)

    @post("/cases/{case_id:str}/choose_exchange", operation_id="aftersales_choose_exchange", opt=USER,
          status_code=200, responses=ACT)
    async def choose_exchange(self, rt: RuntimeDep, actor: ActorDep, case_id: str) -> CaseOut:
        """Buyer, after failed repairs: an exchange."""
        return await returns.choose_route(rt, actor, _cid(case_id), False)


class ThreadController(Controller):
    """The three-party thread and the evidence of a case."""

    path = "/aftersales/cases/{case_id:str}"
    tags = ["aftersales"]

    @get("/messages", operation_id="aftersales_messages", opt=USER, responses=problems(CaseNotFound))
    async def messages(self, rt: RuntimeDep, actor: ActorDep, case_id: str) -> list[MessageOut]:
        """The thread as the caller may read it (``all``, its side's private messages; operators: all)."""
        return await thread.messages(rt, actor, _cid(case_id))

    @post("/messages", operation_id="aftersales_message_post", opt=USER,
          responses=problems(CaseNotFound, CaseClosed, ValidationFailed))
    async def post_message(self, rt: RuntimeDep, actor: ActorDep, case_id: str, data: MessageIn) -> MessageOut:
        """Write to the thread (``private``: only the platform and one's own side read it)."""
        return await thread.post(rt, actor, _cid(case_id), data)

    @post("/evidence", operation_id="aftersales_evidence_upload", opt=USER,
          responses=problems(CaseNotFound, CaseClosed, EvidenceLimit, EvidenceTooLarge, EvidenceTypeRefused))
    async def upload(self, rt: RuntimeDep, actor: ActorDep, request: Request[Any, Any, Any], case_id: str,
                     filename: FileName) -> EvidenceOut:
        """Upload one file as the raw body (photo, video, PDF within ``evidence.*``; the type is sniffed)."""
        return await thread.upload(rt, actor, _cid(case_id), data=await request.body(), filename=filename,
                                   content_type=request.headers.get("content-type"))

    @get("/evidence", operation_id="aftersales_evidence", opt=USER, responses=problems(CaseNotFound))
    async def evidence(self, rt: RuntimeDep, actor: ActorDep, case_id: str) -> list[EvidenceOut]:
        """The case's evidence (every party may read it)."""
        return await thread.evidence(rt, actor, _cid(case_id))

    @get("/evidence/{evidence_id:str}", operation_id="aftersales_evidence_download", opt=USER,
         responses=problems(CaseNotFound, ValidationFailed))
    async def download(self, rt: RuntimeDep, actor: ActorDep, case_id: str, evidence_id: str) -> Response[bytes]:
        """One evidence file's bytes."""
        data, media, name = await thread.download(rt, actor, _cid(case_id), check_id(evidence_id, "ase", "evidence_id"))
        return Response(content=data, media_type=media, headers={
            "Content-Disposition": content_disposition(name), "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store"})
