"""The plugin's errors; every code starts with ``complaints.``."""

from __future__ import annotations

from bazaar.sdk.errors import (
    BazaarError,
    Conflict,
    NotFound,
    PermissionDenied,
    ProviderError,
    ValidationFailed,
)


class ComplaintNotFound(NotFound):
    """Also for someone else's complaint: a stranger cannot tell the two apart."""

    code = "complaints.not_found"


class InfoRequestNotFound(NotFound):
    code = "complaints.info_request_not_found"


class RemedyNotFound(NotFound):
    code = "complaints.remedy_not_found"


class EscalationNotFound(NotFound):
    code = "complaints.escalation_not_found"


class NoticeNotFound(NotFound):
    code = "complaints.notice_not_found"


class AppealNotFound(NotFound):
    code = "complaints.appeal_not_found"


class SurveyNotFound(NotFound):
    code = "complaints.survey_not_found"


class ComplaintInvalid(ValidationFailed):
    code = "complaints.invalid"
    title = "Complaint refused"


class SubjectNotFound(ValidationFailed):
    code = "complaints.subject_not_found"
    title = "The subject of the complaint does not exist"


class EvidenceInvalid(ValidationFailed):
    code = "complaints.evidence_invalid"
    title = "Evidence refused"


class RemedyInvalid(ValidationFailed):
    code = "complaints.remedy_invalid"
    title = "Remedy refused"


class WrongParty(PermissionDenied):
    """The caller is a party of the complaint but not the one this action belongs to."""

    code = "complaints.forbidden_role"


class ReopenWindowClosed(Conflict):
    code = "complaints.reopen_window_closed"
    title = "The reopen window has closed"


class ComplainantSatisfied(Conflict):
    code = "complaints.complainant_satisfied"
    title = "A satisfied complainant cannot reopen"


class FeedbackDisabled(Conflict):
    code = "complaints.feedback_disabled"


class RemedyUnavailable(Conflict):
    code = "complaints.remedy_unavailable"
    title = "This remedy cannot be carried out here"


class RemedyFailed(ProviderError):
    code = "complaints.remedy_failed"


class RemedyDone(Conflict):
    code = "complaints.remedy_done"
    title = "Remedy already carried out"


class DisclosureDisabled(Conflict):
    code = "complaints.disclosure_disabled"


class EvidencePackDisabled(Conflict):
    code = "complaints.evidence_pack_disabled"


class AppealsNotOffered(Conflict):
    code = "complaints.appeals_not_offered"


class AppealWindowClosed(Conflict):
    code = "complaints.appeal_window_closed"


class SameReviewer(Conflict):
    """DSA 20(6): an appeal is decided by someone other than who took the decision."""

    code = "complaints.same_reviewer"


class AlreadyAnswered(Conflict):
    code = "complaints.already_answered"


class NoticeInvalid(ValidationFailed):
    code = "complaints.notice_invalid"


class ListingNotLive(Conflict):
    code = "complaints.listing_not_live"


class PeriodInvalid(ValidationFailed):
    code = "complaints.period_invalid"


ALL_ERRORS: tuple[type[BazaarError], ...] = (
    ComplaintNotFound, InfoRequestNotFound, RemedyNotFound, EscalationNotFound, NoticeNotFound,
    AppealNotFound, SurveyNotFound, ComplaintInvalid, SubjectNotFound, EvidenceInvalid, RemedyInvalid,
    WrongParty, ReopenWindowClosed, ComplainantSatisfied, FeedbackDisabled, RemedyUnavailable, RemedyFailed,
    RemedyDone, DisclosureDisabled, EvidencePackDisabled, AppealsNotOffered, AppealWindowClosed, SameReviewer,
    AlreadyAnswered, NoticeInvalid, ListingNotLive, PeriodInvalid,
)
