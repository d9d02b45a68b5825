"""The plugin's problem codes (every one starts with ``aftersales.``), for the routes' documentation.

Services raise the SDK's classes with these codes; the classes here name them for OpenAPI.
"""

from __future__ import annotations

from bazaar.sdk.errors import (
    BazaarError,
    Conflict,
    NotFound,
    PermissionDenied,
    ProviderError,
    ValidationFailed,
)


class CaseNotFound(NotFound):
    code = "aftersales.case_not_found"


class OrderNotFound(NotFound):
    code = "aftersales.order_not_found"


class NotEligible(ValidationFailed):
    code = "aftersales.not_eligible"
    title = "Not eligible (reasons listed)"


class WindowClosed(Conflict):
    code = "aftersales.window_closed"
    title = "The window has closed (window_ends_at)"


class DeadlinePassed(Conflict):
    code = "aftersales.deadline_passed"
    title = "Too late: a deadline passed (deadline named)"


class QuantityTaken(Conflict):
    code = "aftersales.quantity_exceeds_available"


class RefundExceedsPaid(Conflict):
    code = "aftersales.refund_exceeds_paid"
    title = "More than was paid"


class NotYourAction(PermissionDenied):
    code = "aftersales.not_your_action"


class InvalidReceipt(ValidationFailed):
    code = "aftersales.invalid_receipt"


class EvidenceLimit(Conflict):
    code = "aftersales.evidence_limit_exceeded"


class EvidenceTooLarge(BazaarError):
    code = "aftersales.file_too_large"
    status = 413
    title = "File too large"


class EvidenceTypeRefused(BazaarError):
    code = "aftersales.file_type_refused"
    status = 415
    title = "File type refused"


class CaseClosed(Conflict):
    code = "aftersales.case_closed"


class WithdrawalNotFound(NotFound):
    code = "aftersales.withdrawal_not_found"


class WithdrawalExpired(Conflict):
    code = "aftersales.withdrawal_expired"


class ProviderFailed(ProviderError):
    code = "aftersales.provider_failed"
