"""Routes for IP notices (``/complaints/ip-notices``), appeals and follow-up surveys (thin controllers)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter

from bazaar.plugins.complaints import appeals, followup, ip
from bazaar.plugins.complaints.api import MERCHANT, OPERATOR, USER, Caller, Rt
from bazaar.plugins.complaints.errors import (
    AlreadyAnswered,
    AppealNotFound,
    AppealsNotOffered,
    AppealWindowClosed,
    EvidenceInvalid,
    ListingNotLive,
    NoticeNotFound,
    SameReviewer,
    SurveyNotFound,
)
from bazaar.plugins.complaints.followup import SurveyOut
from bazaar.plugins.complaints.schemas_ip import (
    AppealCreate,
    AppealOut,
    DecisionIn,
    DeclarationIn,
    LawsuitNoticeIn,
    NoticeCreate,
    NoticeOut,
    PublishedNotice,
    SurveyAnswer,
)
from bazaar.sdk.api import Limit, check_id, problems
from bazaar.sdk.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

PUBLIC = {"auth": "public"}
NoticeState = Annotated[str | None, Parameter(query="state", pattern=r"^[a-z]{4,10}$", description="a notice state")]
NOTICE = (NoticeNotFound, ValidationFailed, InvalidTransition)


def nid(value: str) -> str:
    return check_id(value, "ipn", "notice_id")


class IpNoticesController(Controller):
    """Right holders file notices; operators take measures; the public reads what ECL 44 publishes."""

    path = "/complaints/ip-notices"
    tags = ["complaints"]

    @post("/", operation_id="complaints_ip_notice_file", opt=USER, responses=problems(ValidationFailed, EvidenceInvalid))
    async def file(self, rt: Rt, actor: Caller, data: NoticeCreate) -> NoticeOut:
        """File a notice of infringement against a listing, with preliminary proof (ECL 42)."""
        return await ip.file(rt, data, actor)

    @get("/published", operation_id="complaints_ip_notices_published", opt=PUBLIC, responses=problems(NotFound))
    async def published(self, rt: Rt, limit: Limit = 50) -> list[PublishedNotice]:
        """Notices, declarations and outcomes, newest first (ECL 44; no personal data)."""
        return await ip.published(rt, limit)

    @get("/queue", operation_id="complaints_ip_notices_queue", opt=OPERATOR, responses=problems(ValidationFailed))
    async def queue(self, rt: Rt, actor: Caller, in_state: NoticeState = None, limit: Limit = 50) -> list[NoticeOut]:
        """Notices newest first, optionally in one state (right ``complaints.ip``)."""
        return [await ip.out(rt, r, "operator") for r in await ip.listing(rt, state=in_state, limit=limit)]

    @get("/{notice_id:str}", operation_id="complaints_ip_notice_get", opt=USER, responses=problems(NoticeNotFound))
    async def read(self, rt: Rt, actor: Caller, notice_id: str) -> NoticeOut:
        """A notice for its notifier (with the forwarded declaration) or an operator."""
        return await ip.read(rt, nid(notice_id), actor)

    @post("/{notice_id:str}/lawsuit-notice", operation_id="complaints_ip_lawsuit_notice", opt=USER, status_code=200,
          responses=problems(*NOTICE, Conflict, EvidenceInvalid))
    async def lawsuit(self, rt: Rt, actor: Caller, notice_id: str, data: LawsuitNoticeIn) -> NoticeOut:
        """The right holder reports a complaint to an authority or a lawsuit within the wait: the measure stays."""
        return await ip.lawsuit_notice(rt, nid(notice_id), data, actor)

    @post("/{notice_id:str}/take-down", operation_id="complaints_ip_take_down", opt=OPERATOR, status_code=200,
          responses=problems(*NOTICE, ListingNotLive, PermissionDenied))
    async def take_down(self, rt: Rt, actor: Caller, notice_id: str, data: DecisionIn) -> NoticeOut:
        """Take the listing down and forward the notice to the merchant (right ``complaints.ip``)."""
        return await ip.take_down(rt, nid(notice_id), data.reason, actor)

    @post("/{notice_id:str}/reject", operation_id="complaints_ip_reject", opt=OPERATOR, status_code=200,
          responses=problems(*NOTICE, PermissionDenied))
    async def reject(self, rt: Rt, actor: Caller, notice_id: str, data: DecisionIn) -> NoticeOut:
        """No measure: the notice lacks preliminary proof (right ``complaints.ip``)."""
        return await ip.reject(rt, nid(notice_id), data.reason, actor)

    @post("/{notice_id:str}/lift", operation_id="complaints_ip_lift", opt=OPERATOR, status_code=200,
          responses=problems(*NOTICE, PermissionDenied))
    async def lift(self, rt: Rt, actor: Caller, notice_id: str, data: DecisionIn) -> NoticeOut:
        """Lift the measure with reasons; the listing is reinstated (right ``complaints.ip``)."""
        return await ip.decide(rt, nid(notice_id), True, data.reason, actor)

    @post("/{notice_id:str}/keep", operation_id="complaints_ip_keep", opt=OPERATOR, status_code=200,
          responses=problems(*NOTICE, PermissionDenied))
    async def keep(self, rt: Rt, actor: Caller, notice_id: str, data: DecisionIn) -> NoticeOut:
        """Keep the measure after a declaration, with a statement of reasons (right ``complaints.ip``)."""
        return await ip.decide(rt, nid(notice_id), False, data.reason, actor)

    @post("/{notice_id:str}/false-notice", operation_id="complaints_ip_false_notice", opt=OPERATOR, status_code=200,
          responses=problems(NoticeNotFound, Conflict, PermissionDenied))
    async def false_notice(self, rt: Rt, actor: Caller, notice_id: str, data: DecisionIn) -> NoticeOut:
        """Record a knowingly false notice against its notifier (right ``complaints.ip``)."""
        return await ip.false_notice(rt, nid(notice_id), data.reason, actor)


class MerchantIpController(Controller):
    """A merchant's staff: notices against its listings, declarations, appeals."""

    path = "/complaints/merchants/{merchant_id:str}"
    tags = ["complaints"]

    @get("/ip-notices", operation_id="complaints_merchant_ip_notices", opt=MERCHANT, responses=problems(ValidationFailed))
    async def notices(self, rt: Rt, merchant_id: str, limit: Limit = 50) -> list[NoticeOut]:
        """Notices against the store's listings, newest first (forwarded to the merchant)."""
        mid = check_id(merchant_id, "mch", "merchant_id")
        return [await ip.out(rt, r, "merchant") for r in await ip.listing(rt, merchant_id=mid, limit=limit)
                if r["state"] != "filed"]

    @post("/ip-notices/{notice_id:str}/declaration", operation_id="complaints_ip_declaration", opt=MERCHANT,
          status_code=200, responses=problems(*NOTICE, EvidenceInvalid))
    async def declare(self, rt: Rt, actor: Caller, merchant_id: str, notice_id: str, data: DeclarationIn) -> NoticeOut:
        """Declare non-infringement with proof; it is forwarded to the right holder and the wait starts (ECL 43)."""
        return await ip.declare(rt, merchant_id, nid(notice_id), data, actor)

    @post("/appeals", operation_id="complaints_appeal_file", opt=MERCHANT,
          responses=problems(ValidationFailed, AppealsNotOffered, AppealWindowClosed))
    async def appeal(self, rt: Rt, actor: Caller, merchant_id: str, data: AppealCreate) -> AppealOut:
        """Appeal an upheld complaint against the store or an IP takedown within ``appeal_window_days`` (DSA 20)."""
        return await appeals.file(rt, check_id(merchant_id, "mch", "merchant_id"), data, actor)

    @get("/appeals", operation_id="complaints_merchant_appeals", opt=MERCHANT, responses=problems(ValidationFailed))
    async def appeals(self, rt: Rt, merchant_id: str, limit: Limit = 50) -> list[AppealOut]:
        """The store's appeals, newest first."""
        return await appeals.listing(rt, merchant_id=check_id(merchant_id, "mch", "merchant_id"), limit=limit,
                                     roles=("merchant",))


class AppealsController(Controller):
    """Operators review appeals (a person other than the one who decided)."""

    path = "/complaints/appeals"
    tags = ["complaints"]

    @get("/", operation_id="complaints_appeals", opt=OPERATOR)
    async def queue(self, rt: Rt, limit: Limit = 50) -> list[AppealOut]:
        """Every appeal, newest first (right ``complaints.appeal``)."""
        return await appeals.listing(rt, merchant_id=None, limit=limit, roles=("operator",))

    @post("/{appeal_id:str}/uphold", operation_id="complaints_appeal_uphold", opt=OPERATOR, status_code=200,
          responses=problems(AppealNotFound, SameReviewer, InvalidTransition, PermissionDenied))
    async def uphold(self, rt: Rt, actor: Caller, appeal_id: str, data: DecisionIn) -> AppealOut:
        """The decision stands (right ``complaints.appeal``; not the original decider)."""
        return await appeals.decide(rt, check_id(appeal_id, "apl", "appeal_id"), False, data.reason, actor)

    @post("/{appeal_id:str}/overturn", operation_id="complaints_appeal_overturn", opt=OPERATOR, status_code=200,
          responses=problems(AppealNotFound, SameReviewer, InvalidTransition, PermissionDenied))
    async def overturn(self, rt: Rt, actor: Caller, appeal_id: str, data: DecisionIn) -> AppealOut:
        """The decision is reversed; an overturned takedown reinstates the listing (right ``complaints.appeal``)."""
        return await appeals.decide(rt, check_id(appeal_id, "apl", "appeal_id"), True, data.reason, actor)


class SurveysController(Controller):
    """The buyer's follow-up surveys after completed orders (optional, once)."""

    path = "/complaints/surveys"
    tags = ["complaints"]

    @get("/", operation_id="complaints_surveys", opt=USER)
    async def mine(self, rt: Rt, actor: Caller) -> list[SurveyOut]:
        """The caller's open surveys."""
        return await followup.mine(rt, actor)

    @post("/{order_id:str}", operation_id="complaints_survey_answer", opt=USER, status_code=200,
          responses=problems(SurveyNotFound, AlreadyAnswered, ValidationFailed))
    async def answer(self, rt: Rt, actor: Caller, order_id: str, data: SurveyAnswer) -> SurveyOut:
        """Answer the survey of a completed order (1-5, once)."""
        return await followup.answer(rt, check_id(order_id, "ord", "order_id"), data.score, data.comment, actor)
