"""The plugin's errors; every code starts with ``qualification.``."""

from __future__ import annotations

from bazaar.sdk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class DossierIncomplete(ValidationFailed):
    code = "qualification.dossier_incomplete"
    title = "Dossier incomplete or wrong"


class DossierPending(Conflict):
    code = "qualification.dossier_pending"
    title = "A dossier is already waiting for review"


class DossierNotFound(NotFound):
    code = "qualification.dossier_not_found"


class UnknownDefectField(ValidationFailed):
    code = "qualification.unknown_defect_field"


class DocumentNotFound(NotFound):
    code = "qualification.document_not_found"


class DocumentInvalid(ValidationFailed):
    code = "qualification.document_invalid"


class LicenceInvalid(ValidationFailed):
    code = "qualification.licence_invalid"


class LicenceNotFound(NotFound):
    code = "qualification.licence_not_found"


class ReviewNotFound(NotFound):
    code = "qualification.review_not_found"


class SanctionInvalid(ValidationFailed):
    code = "qualification.sanction_invalid"


class SanctionNotFound(NotFound):
    code = "qualification.sanction_not_found"


class MerchantClosed(Conflict):
    code = "qualification.merchant_closed"


class MerchantNotFound(NotFound):
    code = "qualification.merchant_not_found"


class RulesNotPublic(NotFound):
    code = "qualification.rules_not_public"


class ListingBlocked(PermissionDenied):
    code = "qualification.listing_blocked"
