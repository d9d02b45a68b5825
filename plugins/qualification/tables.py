"""The plugin's tables; every name starts with ``qualification_``. No foreign keys: ids are plain columns."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class MerchantQualification(Table, tablename="qualification_merchant"):
    """A merchant's verification state, badge, credit grade and what this plugin imposed on it."""

    merchant_id = Varchar(length=40, primary_key=True)
    verification = Varchar(length=12, default="unverified", index=True)
    entity = Varchar(length=12, default="business")
    unregistered = Boolean(default=False)
    dossier_id = Varchar(length=40, null=True, default=None)
    licence_expires_on = Varchar(length=10, null=True, default=None)
    reverify_opened_at = Timestamptz(null=True, default=None)
    next_reverify_at = Timestamptz(null=True, default=None)
    lapsed_reason = Text(null=True, default=None)
    lapsed_at = Timestamptz(null=True, default=None)
    #: what a lapse imposed: ``restricted``, then ``suspended`` when unremedied
    lapse_level = Varchar(length=12, null=True, default=None)
    score = Integer(null=True, default=None)
    grade = Varchar(length=2, default="N")
    credit_updated_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz()


class Dossier(Table, tablename="qualification_dossier"):
    """One version of a merchant's KYB dossier; ``fields`` are encrypted at rest as one JSON value."""

    id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    version = Integer()
    purpose = Varchar(length=16)
    entity = Varchar(length=12)
    exempt = Boolean(default=False)
    status = Varchar(length=12, index=True)
    fields = Text()
    uscc = Varchar(length=18, null=True, default=None)
    licence_expires_on = Varchar(length=10, null=True, default=None)
    defects = JSON(default="[]")
    submitted_by = Varchar(length=40)
    submitted_at = Timestamptz(index=True)
    decided_by = Varchar(length=40, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    note = Text(null=True, default=None)


class Document(Table, tablename="qualification_document"):
    """An uploaded KYB file: its kind and merchant; the bytes and their record are in the shared file store."""

    id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    kind = Varchar(length=30)
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size_bytes = Integer()
    sha256 = Varchar(length=64)
    #: the file in the kernel's shared store (``rt.files``)
    file_id = Varchar(length=40, null=True, default=None)
    uploaded_by = Varchar(length=40)
    created_at = Timestamptz()


class Licence(Table, tablename="qualification_licence"):
    """A category licence (food, drugs, ...) a merchant holds once an operator approves it."""

    id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    licence_kind = Varchar(length=40)
    licence_number = Varchar(length=64)
    document_id = Varchar(length=40)
    valid_until = Varchar(length=10)
    status = Varchar(length=10, index=True)
    reason = Text(null=True, default=None)
    submitted_at = Timestamptz()
    decided_by = Varchar(length=40, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)


class ListingReview(Table, tablename="qualification_listing_review"):
    """One review of one listing submission: findings, queue status, operator reasons."""

    id = Varchar(length=40, primary_key=True)
    product_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40, index=True)
    status = Varchar(length=12, index=True)
    mode = Varchar(length=24)
    findings = JSON(default="[]")
    reasons = JSON(default="[]")
    created_at = Timestamptz()
    decided_by = Varchar(length=40, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)


class Sanction(Table, tablename="qualification_sanction"):
    """A warning, restriction, suspension or termination with reason, start, optional end, publication."""

    id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    kind = Varchar(length=12)
    status = Varchar(length=10, index=True)
    reason = Text()
    starts_at = Timestamptz()
    ends_at = Timestamptz(null=True, default=None)
    publish_by = Timestamptz(null=True, default=None)
    published_at = Timestamptz(null=True, default=None, index=True)
    created_by = Varchar(length=40)
    created_at = Timestamptz()
    ended_at = Timestamptz(null=True, default=None)
    end_reason = Text(null=True, default=None)


class CreditFact(Table, tablename="qualification_credit_fact"):
    """What one domain event counts towards a merchant's credit (keyed by event id: idempotent)."""

    event_id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    order_id = Varchar(length=40, null=True, default=None)
    kind = Varchar(length=20)
    value = Integer(default=1)
    occurred_at = Timestamptz(index=True)
