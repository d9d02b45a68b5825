"""Complaint routes under ``/api/v1/complaints``: complainant, merchant and operator (thin controllers).

Complainants (auth ``user``) file and follow their complaints; merchants' staff (auth
``merchant``) see complaints about their store without the complainant's identity;
operators (auth ``operator``; the right each route will need under issue 12 is named in
its docstring) acknowledge, ask, report, plan, carry out, suspend and close. Operator
queues, statistics and reports are in :mod:`.api_admin`; IP notices, appeals and surveys
in :mod:`.api_ip`.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Dependency, Parameter

from bazaar.plugins.complaints import (
    conversation,
    disclosure,
    evidence,
    evidence_pack,
    handling,
    intake,
    views,
)
from bazaar.plugins.complaints.errors import (
    AlreadyAnswered,
    ComplainantSatisfied,
    ComplaintInvalid,
    ComplaintNotFound,
    DisclosureDisabled,
    EvidenceInvalid,
    EvidencePackDisabled,
    FeedbackDisabled,
    InfoRequestNotFound,
    RemedyFailed,
    RemedyInvalid,
    RemedyNotFound,
    RemedyUnavailable,
    ReopenWindowClosed,
    SubjectNotFound,
    WrongParty,
)
from bazaar.plugins.complaints.schemas import (
    AnswerIn,
    ComplaintCreate,
    ComplaintOut,
    ComplaintSummary,
    FeedbackIn,
    InfoRequestIn,
    MerchantIdentity,
    MessageIn,
    NoteIn,
    PlanIn,
    ReasonIn,
    ReportIn,
)
from bazaar.sdk.api import Actor, Cursor, Limit, Page, check_id, idempotency_key, problems
from bazaar.sdk.errors import (
    FileEmpty,
    FileTooLarge,
    FileTypeRefused,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from bazaar.sdk.files import content_disposition
from bazaar.sdk.runtime import PluginRuntime

#: the runtime and the caller, injected by name (a Protocol cannot be validated, so it is not)
Rt = Annotated[PluginRuntime, Dependency(skip_validation=True)]
Caller = Annotated[Actor, Dependency(skip_validation=True)]
FileName = Annotated[str, Parameter(min_length=1, max_length=200, description="the file's name")]
FileId = Annotated[str, Parameter(pattern=r"^[a-z]{2,4}_[0-9A-Z]{26}$", description="a stored file id")]

USER = {"auth": "user"}
MERCHANT = {"auth": "merchant"}
OPERATOR = {"auth": "operator"}
BASIC = (ComplaintNotFound, ValidationFailed, WrongParty, InvalidTransition)


def cid(value: str) -> str:
    return check_id(value, "cmp", "complaint_id")


class StoredEvidence(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    sha256: str
    size: int
    content_type: str
    filename: str


class ComplaintsController(Controller):
    """Complainants (and operators acting on one complaint)."""

    path = "/complaints"
    tags = ["complaints"]

    @post("/", operation_id="complaints_file", opt=USER, status_code=201,
          responses=problems(ComplaintInvalid, SubjectNotFound, EvidenceInvalid, WrongParty))
    async def file(self, rt: Rt, actor: Caller, request: Request[Any, Any, Any], data: ComplaintCreate) -> ComplaintOut:
        """File a complaint (``Idempotency-Key`` honoured); a duplicate on the same subject is linked to the open one.
        An operator enters a phone complaint with ``channel: phone`` and ``on_behalf_of`` (right ``complaints.intake``)."""
        return await intake.file(rt, data, actor, idempotency_key(request.headers))

    @get("/", operation_id="complaints_mine", opt=USER, responses=problems(ValidationFailed))
    async def mine(self, rt: Rt, actor: Caller, limit: Limit = 20, cursor: Cursor = None) -> Page[ComplaintSummary]:
        """The caller's complaints, newest first, with whose move it is."""
        return await views.page(rt, "complainant_id = {}", [actor.user_id], limit, cursor)

    @post("/evidence", operation_id="complaints_evidence_upload", opt=USER, status_code=201,
          responses=problems(ValidationFailed, FileTooLarge, FileTypeRefused, FileEmpty))
    async def upload(self, rt: Rt, actor: Caller, request: Request[Any, Any, Any], filename: FileName) -> StoredEvidence:
        """Upload one evidence file as the raw body (size and type from the policy; the store sniffs the bytes)."""
        stored = await evidence.upload(rt, await request.body(), filename, request.headers.get("content-type"), actor)
        return StoredEvidence(id=stored.id, sha256=stored.sha256, size=stored.size, content_type=stored.content_type,
                              filename=stored.filename)

    @get("/{complaint_id:str}", operation_id="complaints_get", opt=USER, responses=problems(ComplaintNotFound))
    async def read(self, rt: Rt, actor: Caller, complaint_id: str) -> ComplaintOut:
        """One complaint with its state, whose move, clocks, deadlines and allowed actions (``404`` if not yours)."""
        row, role = await views.load_for(rt, cid(complaint_id), actor)
        return await views.out(rt, row, role)

    @get("/{complaint_id:str}/evidence/{file_id:str}", operation_id="complaints_evidence_get", opt=USER,
         responses=problems(ComplaintNotFound))
    async def evidence_file(self, rt: Rt, actor: Caller, complaint_id: str, file_id: FileId) -> Response[bytes]:
        """An evidence file cited in the complaint, for its complainant and operators."""
        row, role = await views.load_for(rt, cid(complaint_id), actor)
        stored, data = await evidence.read(rt, row["id"], file_id, views.SEES[role])
        return Response(content=data, media_type=stored.content_type, headers={
            "Content-Disposition": content_disposition(stored.filename), "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store"})

    @post("/{complaint_id:str}/messages", status_code=200, operation_id="complaints_message", opt=USER,
          responses=problems(*BASIC, EvidenceInvalid))
    async def message(self, rt: Rt, actor: Caller, complaint_id: str, data: MessageIn) -> ComplaintOut:
        """Write in the complaint (complainant: to all or the platform; operator: any visibility)."""
        return await conversation.post_message(rt, cid(complaint_id), data, actor)

    @post("/{complaint_id:str}/answer", status_code=200, operation_id="complaints_answer", opt=USER,
          responses=problems(*BASIC, InfoRequestNotFound, EvidenceInvalid))
    async def answer(self, rt: Rt, actor: Caller, complaint_id: str, data: AnswerIn) -> ComplaintOut:
        """The complainant answers the platform's question: the investigation clock resumes."""
        return await conversation.answer(rt, cid(complaint_id), data, actor)

    @post("/{complaint_id:str}/plan/accept", status_code=200, operation_id="complaints_plan_accept", opt=USER, responses=problems(*BASIC))
    async def accept(self, rt: Rt, actor: Caller, complaint_id: str) -> ComplaintOut:
        """Accept the resolution plan: the platform carries it out."""
        return await handling.answer_plan(rt, cid(complaint_id), True, None, actor)

    @post("/{complaint_id:str}/plan/reject", status_code=200, operation_id="complaints_plan_reject", opt=USER, responses=problems(*BASIC))
    async def reject(self, rt: Rt, actor: Caller, complaint_id: str, data: ReasonIn) -> ComplaintOut:
        """Reject the plan: the complaint escalates to a supervisor, who owes a revised plan."""
        return await handling.answer_plan(rt, cid(complaint_id), False, data, actor)

    @post("/{complaint_id:str}/feedback", status_code=200, operation_id="complaints_feedback", opt=USER,
          responses=problems(*BASIC, FeedbackDisabled))
    async def feedback(self, rt: Rt, actor: Caller, complaint_id: str, data: FeedbackIn) -> ComplaintOut:
        """Satisfaction 1-5 after the plan was carried out; the complaint closes."""
        return await handling.feedback(rt, cid(complaint_id), data, actor)

    @post("/{complaint_id:str}/reopen", status_code=200, operation_id="complaints_reopen", opt=USER,
          responses=problems(*BASIC, ReopenWindowClosed, ComplainantSatisfied))
    async def reopen(self, rt: Rt, actor: Caller, complaint_id: str, data: ReasonIn) -> ComplaintOut:
        """Reopen within ``reopen_days`` of closure when unsatisfied (``409 complaints.reopen_window_closed`` after)."""
        return await handling.reopen(rt, cid(complaint_id), data, actor)

    @post("/{complaint_id:str}/withdraw", status_code=200, operation_id="complaints_withdraw", opt=USER, responses=problems(*BASIC))
    async def withdraw(self, rt: Rt, actor: Caller, complaint_id: str) -> ComplaintOut:
        """Withdraw the complaint; every clock stops."""
        return await handling.withdraw(rt, cid(complaint_id), actor)

    @post("/{complaint_id:str}/merchant-identity", status_code=200, operation_id="complaints_merchant_identity", opt=USER,
          responses=problems(*BASIC, DisclosureDisabled))
    async def identity(self, rt: Rt, actor: Caller, complaint_id: str) -> MerchantIdentity:
        """The merchant's identity and contact for the complainant (ECL 61, CPL 44); each disclosure is audited."""
        return await disclosure.disclose(rt, cid(complaint_id), actor)

    @get("/{complaint_id:str}/evidence-pack", operation_id="complaints_evidence_pack", opt=USER,
         responses=problems(ComplaintNotFound, EvidencePackDisabled, WrongParty))
    async def pack(self, rt: Rt, actor: Caller, complaint_id: str) -> Response[bytes]:
        """One zip with the complaint, its messages and clocks, the order, payment and shipment records
        this plugin can reach, and ``manifest.json`` with each file's sha256 (ECL 62)."""
        name, data = await evidence_pack.build(rt, cid(complaint_id), actor)
        return Response(content=data, media_type="application/zip", headers={
            "Content-Disposition": content_disposition(name), "Cache-Control": "private, no-store"})

    # --- operators on one complaint --------------------------------------------------------

    @post("/{complaint_id:str}/acknowledge", status_code=200, operation_id="complaints_acknowledge", opt=OPERATOR,
          responses=problems(*BASIC, PermissionDenied))
    async def acknowledge(self, rt: Rt, actor: Caller, complaint_id: str) -> ComplaintOut:
        """Acknowledge receipt (right ``complaints.handle``): the investigation clock starts."""
        return await handling.acknowledge(rt, cid(complaint_id), actor)

    @post("/{complaint_id:str}/info-requests", status_code=200, operation_id="complaints_info_request", opt=OPERATOR,
          responses=problems(*BASIC, ComplaintInvalid, PermissionDenied))
    async def ask(self, rt: Rt, actor: Caller, complaint_id: str, data: InfoRequestIn) -> ComplaintOut:
        """Ask the complainant (clock pauses) or the merchant (own clock) (right ``complaints.handle``)."""
        return await conversation.request_info(rt, cid(complaint_id), data, actor)

    @post("/{complaint_id:str}/report", status_code=200, operation_id="complaints_report", opt=OPERATOR,
          responses=problems(*BASIC, ComplaintInvalid, PermissionDenied))
    async def report(self, rt: Rt, actor: Caller, complaint_id: str, data: ReportIn) -> ComplaintOut:
        """Issue the investigation report (right ``complaints.handle``); the plan clock starts."""
        return await handling.report(rt, cid(complaint_id), data, actor)

    @post("/{complaint_id:str}/plan", status_code=200, operation_id="complaints_plan", opt=OPERATOR,
          responses=problems(*BASIC, RemedyInvalid, PermissionDenied))
    async def plan(self, rt: Rt, actor: Caller, complaint_id: str, data: PlanIn) -> ComplaintOut:
        """Propose the resolution plan (right ``complaints.handle``; a revised plan after escalation:
        ``complaints.supervise``)."""
        return await handling.propose_plan(rt, cid(complaint_id), data, actor)

    @post("/{complaint_id:str}/remedies/{remedy_id:str}/execute", status_code=200, operation_id="complaints_remedy_execute",
          opt=OPERATOR, responses=problems(*BASIC, RemedyNotFound, RemedyUnavailable, RemedyFailed, PermissionDenied))
    async def execute(self, rt: Rt, actor: Caller, complaint_id: str, remedy_id: str, data: NoteIn) -> ComplaintOut:
        """Carry out one remedy (right ``complaints.remedy``); money goes through the payment provider,
        idempotent by remedy id."""
        return await handling.execute_remedy(rt, cid(complaint_id), check_id(remedy_id, "crm", "remedy_id"), data,
                                             actor)

    @post("/{complaint_id:str}/complete", status_code=200, operation_id="complaints_complete", opt=OPERATOR,
          responses=problems(*BASIC, PermissionDenied))
    async def complete(self, rt: Rt, actor: Caller, complaint_id: str, data: NoteIn) -> ComplaintOut:
        """Record the replacement/apology remedies as done (right ``complaints.remedy``); the complaint is resolved."""
        return await handling.complete(rt, cid(complaint_id), data, actor)

    @post("/{complaint_id:str}/suspend", status_code=200, operation_id="complaints_suspend", opt=OPERATOR,
          responses=problems(*BASIC, PermissionDenied))
    async def suspend(self, rt: Rt, actor: Caller, complaint_id: str, data: ReasonIn) -> ComplaintOut:
        """Suspend while a court or police case is pending (right ``complaints.supervise``)."""
        return await conversation.suspend(rt, cid(complaint_id), data, actor)

    @post("/{complaint_id:str}/resume", status_code=200, operation_id="complaints_resume", opt=OPERATOR,
          responses=problems(*BASIC, PermissionDenied))
    async def resume(self, rt: Rt, actor: Caller, complaint_id: str, data: ReasonIn) -> ComplaintOut:
        """Resume a suspended complaint (right ``complaints.supervise``)."""
        return await conversation.resume(rt, cid(complaint_id), data, actor)

    @post("/{complaint_id:str}/close", status_code=200, operation_id="complaints_close", opt=OPERATOR,
          responses=problems(*BASIC, PermissionDenied))
    async def close(self, rt: Rt, actor: Caller, complaint_id: str, data: ReasonIn) -> ComplaintOut:
        """Close an escalated complaint without an accepted plan (right ``complaints.supervise``)."""
        return await handling.close(rt, cid(complaint_id), data, actor)


class MerchantComplaintsController(Controller):
    """A merchant's staff: complaints about the store, without the complainant's identity."""

    path = "/complaints/merchants/{merchant_id:str}/complaints"
    tags = ["complaints"]

    @get("/", operation_id="complaints_merchant_list", opt=MERCHANT, responses=problems(ValidationFailed))
    async def listing(self, rt: Rt, merchant_id: str, limit: Limit = 20, cursor: Cursor = None) -> Page[ComplaintSummary]:
        """Complaints about the store, newest first, with whose move it is."""
        return await views.page(rt, "merchant_id = {}", [check_id(merchant_id, "mch", "merchant_id")], limit, cursor)

    @get("/{complaint_id:str}", operation_id="complaints_merchant_get", opt=MERCHANT,
         responses=problems(ComplaintNotFound))
    async def read(self, rt: Rt, actor: Caller, merchant_id: str, complaint_id: str) -> ComplaintOut:
        """One complaint as the merchant sees it (no complainant identity or contact)."""
        row, role = await views.load_for(rt, cid(complaint_id), actor, merchant_id=merchant_id)
        return await views.out(rt, row, role)

    @post("/{complaint_id:str}/messages", status_code=200, operation_id="complaints_merchant_message", opt=MERCHANT,
          responses=problems(*BASIC, EvidenceInvalid))
    async def message(self, rt: Rt, actor: Caller, merchant_id: str, complaint_id: str, data: MessageIn) -> ComplaintOut:
        """Write in the complaint (to all parties or to the platform only)."""
        return await conversation.post_message(rt, cid(complaint_id), data, actor, merchant_id=merchant_id)

    @post("/{complaint_id:str}/info-requests/{request_id:str}/answer", status_code=200, operation_id="complaints_merchant_answer",
          opt=MERCHANT, responses=problems(*BASIC, InfoRequestNotFound, AlreadyAnswered, EvidenceInvalid))
    async def answer(self, rt: Rt, actor: Caller, merchant_id: str, complaint_id: str, request_id: str,
                     data: AnswerIn) -> ComplaintOut:
        """Answer the platform's question (its ``merchant_reply`` clock is fulfilled)."""
        return await conversation.merchant_answer(rt, merchant_id, cid(complaint_id),
                                                  check_id(request_id, "cir", "request_id"), data, actor)
