"""HTTP routes under ``/api/v1/qualification``: merchant, operator and public (thin controllers)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from bazaar.plugins.qualification import credit, listing_review, policy, sanctions, service
from bazaar.plugins.qualification.errors import (
    DocumentInvalid,
    DocumentNotFound,
    DossierIncomplete,
    DossierNotFound,
    DossierPending,
    LicenceInvalid,
    LicenceNotFound,
    MerchantClosed,
    MerchantNotFound,
    ReviewNotFound,
    RulesNotPublic,
    SanctionInvalid,
    SanctionNotFound,
    UnknownDefectField,
)
from bazaar.plugins.qualification.schemas import (
    CreditOut,
    CreditRules,
    DocumentOut,
    DossierApprove,
    DossierOut,
    DossierReject,
    DossierSubmit,
    LicenceOut,
    LicenceSubmit,
    ListingReviewOut,
    NoteIn,
    PolicyLineOut,
    PublicMerchantOut,
    QualificationOut,
    QueueItem,
    ReasonIn,
    ReasonsIn,
    SanctionCreate,
    SanctionOut,
)
from bazaar.plugins.qualification.states import LicenceEvent
from bazaar.sdk.api import ActorDep, Cursor, Limit, Page, RuntimeDep, check_id, problems
from bazaar.sdk.errors import (
    Conflict,
    FileTooLarge,
    FileTypeRefused,
    InvalidTransition,
    PermissionDenied,
    PluginVetoed,
    StorageFailed,
    ValidationFailed,
)
from bazaar.sdk.files import content_disposition

DocKind = Annotated[str, Parameter(min_length=1, max_length=30, description="business_licence, id_document, category_licence, other")]
FileName = Annotated[str, Parameter(min_length=1, max_length=200, description="the file's name")]
QueueStatus = Annotated[str, Parameter(pattern="^(queued|monitoring)$", description="queued or monitoring")]
LicenceStatus = Annotated[str | None, Parameter(pattern="^(pending|approved|rejected)$")]

MERCHANT = {"auth": "merchant"}
OWNER = {"auth": "merchant_owner"}
OPERATOR = {"auth": "operator"}
PUBLIC = {"auth": "public"}


def _mid(merchant_id: str) -> str:
    return check_id(merchant_id, "mch", "merchant_id")


def _file_response(row: dict[str, Any], data: bytes) -> Response[bytes]:
    """A document download: its sniffed type, a safe ``Content-Disposition`` for any name, never cached."""
    return Response(content=data, media_type=row["content_type"], headers={
        "Content-Disposition": content_disposition(row["filename"]),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store", "ETag": f'"{row["sha256"]}"',
    })


class MerchantQualificationController(Controller):
    """What a merchant's staff do: dossiers, documents, licences, listing review reasons, credit."""

    path = "/qualification/merchants/{merchant_id:str}"

    @get("/", operation_id="qualification_status", opt=MERCHANT, responses=problems(MerchantNotFound, ValidationFailed))
    async def status(self, rt: RuntimeDep, merchant_id: str) -> QualificationOut:
        """Verification status, the fields the preset requires, badges, grade and current sanctions."""
        return await service.status(rt, _mid(merchant_id))

    @post("/dossiers", operation_id="qualification_dossier_submit", opt=OWNER,
          responses=problems(DossierIncomplete, DossierPending, MerchantClosed, MerchantNotFound))
    async def submit(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, data: DossierSubmit) -> DossierOut:
        """Submit a new dossier version; every defect is named at once (``qualification.dossier_incomplete``)."""
        return await service.submit_dossier(rt, _mid(merchant_id), data, actor)

    @get("/dossiers", operation_id="qualification_dossiers", opt=MERCHANT, responses=problems(MerchantNotFound))
    async def dossiers(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str) -> list[DossierOut]:
        """Every dossier version, newest first, with defects named by the operator."""
        return await service.dossiers(rt, _mid(merchant_id), actor)

    @get("/dossiers/{dossier_id:str}", operation_id="qualification_dossier", opt=MERCHANT,
         responses=problems(DossierNotFound, ValidationFailed))
    async def dossier(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, dossier_id: str) -> DossierOut:
        """One dossier version."""
        return await service.dossier(rt, _mid(merchant_id), check_id(dossier_id, "dos", "dossier_id"), actor)

    @post("/documents", operation_id="qualification_document_upload", opt=MERCHANT,
          responses=problems(FileTooLarge, FileTypeRefused, DocumentInvalid, MerchantClosed, MerchantNotFound,
                             StorageFailed))
    async def upload(self, rt: RuntimeDep, actor: ActorDep, request: Request[Any, Any, Any], merchant_id: str,
                     kind: DocKind, filename: FileName) -> DocumentOut:
        """Upload a file as the raw body into the shared file store: the type is read from the bytes
        (pdf/jpeg/png by default; a ``Content-Type`` that disagrees is refused) within the size limit."""
        return await service.upload_document(
            rt, _mid(merchant_id), kind=kind, filename=filename,
            content_type=request.headers.get("content-type", ""), body=await request.body(), actor=actor,
        )

    @get("/documents", operation_id="qualification_documents", opt=MERCHANT, responses=problems(MerchantNotFound))
    async def documents(self, rt: RuntimeDep, merchant_id: str) -> list[DocumentOut]:
        """The merchant's uploaded documents (metadata)."""
        return await service.documents(rt, _mid(merchant_id))

    @get("/documents/{document_id:str}", operation_id="qualification_document_download", opt=MERCHANT,
         responses=problems(DocumentNotFound, ValidationFailed, StorageFailed))
    async def download(self, rt: RuntimeDep, merchant_id: str, document_id: str) -> Response[bytes]:
        """A document's bytes: only for the merchant's staff and operators."""
        row, data = await service.document_content(rt, _mid(merchant_id), check_id(document_id, "doc", "document_id"))
        return _file_response(row, data)

    @post("/licences", operation_id="qualification_licence_submit", opt=OWNER,
          responses=problems(LicenceInvalid, MerchantNotFound))
    async def submit_licence(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, data: LicenceSubmit) -> LicenceOut:
        """Submit a category licence (food, drugs, ...) with its document for approval."""
        return await service.submit_licence(rt, _mid(merchant_id), data, actor)

    @get("/licences", operation_id="qualification_licences", opt=MERCHANT, responses=problems(ValidationFailed))
    async def licences(self, rt: RuntimeDep, merchant_id: str) -> list[LicenceOut]:
        """The merchant's category licences and their status."""
        return await service.licences(rt, _mid(merchant_id))

    @get("/listings/{product_id:str}/review", operation_id="qualification_listing_review", opt=MERCHANT,
         responses=problems(ReviewNotFound, ValidationFailed))
    async def listing_review(self, rt: RuntimeDep, merchant_id: str, product_id: str) -> ListingReviewOut:
        """The last review of a listing: every finding (banned claims with positions) and operator reasons."""
        return await listing_review.latest_out(rt, _mid(merchant_id), check_id(product_id, "prd", "product_id"))

    @get("/credit", operation_id="qualification_credit", opt=MERCHANT, responses=problems(MerchantNotFound))
    async def credit(self, rt: RuntimeDep, merchant_id: str) -> CreditOut:
        """The merchant's credit score with each component's quality."""
        return await credit.credit(rt, _mid(merchant_id))


class AdminQualificationController(Controller):
    """Operator queues and decisions."""

    path = "/qualification/admin"

    @get("/dossiers", operation_id="qualification_admin_queue", opt=OPERATOR, responses=problems(ValidationFailed))
    async def queue(self, rt: RuntimeDep, limit: Limit = 20, cursor: Cursor = None) -> Page[QueueItem]:
        """Dossiers waiting for review, oldest first, with age in working days against ``review_working_days``."""
        items, nxt = await service.review_queue(rt, limit=limit, cursor=cursor)
        return Page(items=items, next_cursor=nxt)

    @get("/dossiers/{dossier_id:str}", operation_id="qualification_admin_dossier", opt=OPERATOR,
         responses=problems(DossierNotFound, ValidationFailed))
    async def dossier(self, rt: RuntimeDep, actor: ActorDep, dossier_id: str) -> DossierOut:
        """One dossier in full (personal data shown to operators with the ``pii`` right)."""
        row = await service.load_dossier(rt, check_id(dossier_id, "dos", "dossier_id"))
        return service.dossier_out(rt, row, actor)

    @post("/dossiers/{dossier_id:str}/approve", operation_id="qualification_admin_approve", status_code=200,
          opt=OPERATOR, responses=problems(DossierNotFound, InvalidTransition, MerchantClosed, PluginVetoed))
    async def approve(self, rt: RuntimeDep, actor: ActorDep, dossier_id: str, data: DossierApprove) -> DossierOut:
        """Approve: the merchant is verified and activated (or restored) through the core."""
        return await service.approve_dossier(rt, check_id(dossier_id, "dos", "dossier_id"), data.note, actor)

    @post("/dossiers/{dossier_id:str}/reject", operation_id="qualification_admin_reject", status_code=200,
          opt=OPERATOR, responses=problems(DossierNotFound, InvalidTransition, UnknownDefectField))
    async def reject(self, rt: RuntimeDep, actor: ActorDep, dossier_id: str, data: DossierReject) -> DossierOut:
        """Reject naming every defect (field + reason); the merchant resubmits a new version."""
        return await service.reject_dossier(rt, check_id(dossier_id, "dos", "dossier_id"), data, actor)

    @get("/merchants/{merchant_id:str}/documents/{document_id:str}", operation_id="qualification_admin_document",
         opt=OPERATOR, responses=problems(DocumentNotFound, ValidationFailed, StorageFailed))
    async def document(self, rt: RuntimeDep, merchant_id: str, document_id: str) -> Response[bytes]:
        """A merchant's document, for review."""
        row, data = await service.document_content(rt, _mid(merchant_id), check_id(document_id, "doc", "document_id"))
        return _file_response(row, data)

    @post("/merchants/{merchant_id:str}/reverify", operation_id="qualification_admin_reverify", status_code=200,
          opt=OPERATOR, responses=problems(MerchantNotFound, InvalidTransition))
    async def reverify(self, rt: RuntimeDep, merchant_id: str, data: ReasonIn) -> QualificationOut:
        """Open a re-verification now (on indications; DSA 30(3))."""
        return await service.request_reverification(rt, _mid(merchant_id), data.reason)

    @get("/licences", operation_id="qualification_admin_licences", opt=OPERATOR, responses=problems(ValidationFailed))
    async def licences(self, rt: RuntimeDep, status: LicenceStatus = "pending") -> list[LicenceOut]:
        """Category licences, by default those waiting for a decision, oldest first."""
        return await service.licences(rt, status=status, roles=("operator",))

    @post("/licences/{licence_id:str}/approve", operation_id="qualification_admin_licence_approve", status_code=200,
          opt=OPERATOR, responses=problems(LicenceNotFound, InvalidTransition))
    async def approve_licence(self, rt: RuntimeDep, actor: ActorDep, licence_id: str, data: NoteIn) -> LicenceOut:
        """Approve a category licence: the merchant may list in those categories until ``valid_until``."""
        return await service.decide_licence(rt, check_id(licence_id, "lic", "licence_id"), LicenceEvent.approve, data.note, actor)

    @post("/licences/{licence_id:str}/reject", operation_id="qualification_admin_licence_reject", status_code=200,
          opt=OPERATOR, responses=problems(LicenceNotFound, InvalidTransition))
    async def reject_licence(self, rt: RuntimeDep, actor: ActorDep, licence_id: str, data: ReasonIn) -> LicenceOut:
        """Reject a category licence with a reason."""
        return await service.decide_licence(rt, check_id(licence_id, "lic", "licence_id"), LicenceEvent.reject, data.reason, actor)

    @get("/listings", operation_id="qualification_admin_listings", opt=OPERATOR, responses=problems(ValidationFailed))
    async def listings(self, rt: RuntimeDep, status: QueueStatus = "queued", limit: Limit = 50) -> list[ListingReviewOut]:
        """Listings waiting for review (``queued``) or live under monitoring (``monitoring``), oldest first."""
        return await listing_review.queue(rt, status, limit)

    @post("/listings/{product_id:str}/approve", operation_id="qualification_admin_listing_approve", status_code=200,
          opt=OPERATOR, responses=problems(ReviewNotFound, InvalidTransition))
    async def approve_listing(self, rt: RuntimeDep, actor: ActorDep, product_id: str, data: NoteIn) -> ListingReviewOut:
        """Approve a queued listing (it goes live) or confirm a sampled live one."""
        return await listing_review.decide(rt, check_id(product_id, "prd", "product_id"), "approve",
                                           [data.note] if data.note else [], actor)

    @post("/listings/{product_id:str}/reject", operation_id="qualification_admin_listing_reject", status_code=200,
          opt=OPERATOR, responses=problems(ReviewNotFound, InvalidTransition))
    async def reject_listing(self, rt: RuntimeDep, actor: ActorDep, product_id: str, data: ReasonsIn) -> ListingReviewOut:
        """Reject a queued listing with reasons the merchant sees."""
        return await listing_review.decide(rt, check_id(product_id, "prd", "product_id"), "reject",
                                           list(data.reasons), actor)

    @post("/listings/{product_id:str}/take-down", operation_id="qualification_admin_listing_take_down",
          status_code=200, opt=OPERATOR, responses=problems(ReviewNotFound, InvalidTransition))
    async def take_down(self, rt: RuntimeDep, actor: ActorDep, product_id: str, data: ReasonsIn) -> ListingReviewOut:
        """Take a live listing down with reasons the merchant sees."""
        return await listing_review.decide(rt, check_id(product_id, "prd", "product_id"), "take_down",
                                           list(data.reasons), actor)

    @post("/merchants/{merchant_id:str}/sanctions", operation_id="qualification_admin_sanction", opt=OPERATOR,
          responses=problems(SanctionInvalid, MerchantClosed, MerchantNotFound, InvalidTransition, PluginVetoed))
    async def impose(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, data: SanctionCreate) -> SanctionOut:
        """Impose a warning, restriction, suspension or termination, with reason and optional end."""
        return await sanctions.impose(rt, _mid(merchant_id), data, actor)

    @get("/merchants/{merchant_id:str}/sanctions", operation_id="qualification_admin_sanctions", opt=OPERATOR,
         responses=problems(ValidationFailed))
    async def sanctions_of(self, rt: RuntimeDep, merchant_id: str) -> list[SanctionOut]:
        """Every sanction of a merchant, newest first."""
        return await sanctions.listing(rt, _mid(merchant_id), published_only=False)

    @post("/sanctions/{sanction_id:str}/lift", operation_id="qualification_admin_sanction_lift", status_code=200,
          opt=OPERATOR, responses=problems(SanctionNotFound, InvalidTransition, Conflict))
    async def lift(self, rt: RuntimeDep, sanction_id: str, data: ReasonIn) -> SanctionOut:
        """Lift an active sanction or withdraw a scheduled termination."""
        return await sanctions.lift(rt, check_id(sanction_id, "snc", "sanction_id"), data.reason)


class PublicQualificationController(Controller):
    """The policy in force, the published rating rules and the public record."""

    path = "/qualification"

    @get("/policy", operation_id="qualification_policy", opt=OPERATOR, responses=problems(PermissionDenied))
    async def policy_in_force(self, rt: RuntimeDep) -> list[PolicyLineOut]:
        """Every policy key with its value, origin (``preset:<name>`` or ``override``) and legal source."""
        return [PolicyLineOut(**line) for line in policy.explain(rt.plugin_config(service.PLUGIN))]

    @get("/credit/rules", operation_id="qualification_credit_rules", opt=PUBLIC, responses=problems(RulesNotPublic))
    async def credit_rules(self, rt: RuntimeDep, actor: ActorDep) -> CreditRules:
        """The rating formula, weights and grades (public when ``credit.rules_public``)."""
        if not service.values(rt)["credit.rules_public"] and not actor.is_operator:
            raise RulesNotPublic("the rating rules are not published")
        return credit.rules(rt)

    @get("/public/merchants/{merchant_id:str}", operation_id="qualification_public_merchant", opt=PUBLIC,
         responses=problems(MerchantNotFound, ValidationFailed))
    async def public_merchant(self, rt: RuntimeDep, merchant_id: str) -> PublicMerchantOut:
        """A selling merchant's grade, badges and published sanctions."""
        mid = _mid(merchant_id)
        out = await service.status(rt, mid)
        merchant = await service.load_merchant(rt, mid)
        if merchant.status not in ("active", "restricted"):
            raise MerchantNotFound("no such merchant")
        return PublicMerchantOut(merchant_id=mid, grade=out.grade, score=out.score, badges=out.badges,
                                 sanctions=await sanctions.listing(rt, mid, published_only=True))

    @get("/public/sanctions", operation_id="qualification_public_sanctions", opt=PUBLIC, responses=problems())
    async def public_sanctions(self, rt: RuntimeDep, limit: Limit = 50) -> list[SanctionOut]:
        """The public record of sanctions, newest first."""
        return await sanctions.listing(rt, None, published_only=True, limit=limit)


ROUTES = (MerchantQualificationController, AdminQualificationController, PublicQualificationController)
