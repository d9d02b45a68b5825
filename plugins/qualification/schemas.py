"""Structs in and out of the qualification API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from bazaar.sdk.fields import Note, PublicId, Reason
from bazaar.sdk.states import Deadline

Tz = Annotated[datetime, Meta(tz=True)]
IsoDate = Annotated[str, Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]
FieldPath = Annotated[str, Meta(min_length=1, max_length=80)]
LicenceKind = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]


# --- in ------------------------------------------------------------------------------------


class DossierSubmit(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A dossier version: ``fields`` are checked all at once against the preset's required fields."""

    entity: Literal["business", "individual"] = "business"
    exempt: bool = False
    fields: Annotated[dict[str, Any], Meta(max_length=40)]


class DefectIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    field: FieldPath
    reason: Reason


class DossierReject(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Every defect at once (field + reason)."""

    defects: Annotated[list[DefectIn], Meta(min_length=1, max_length=50)]
    note: Note | None = None


class DossierApprove(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    note: Note | None = None


class LicenceSubmit(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    licence_kind: LicenceKind
    licence_number: Annotated[str, Meta(min_length=2, max_length=64)]
    document_id: PublicId
    valid_until: IsoDate


class ReasonIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Reason


class NoteIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    note: Note | None = None


class ReasonsIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Reasons a merchant will see (reject or take down)."""

    reasons: Annotated[list[Reason], Meta(min_length=1, max_length=20)]


class SanctionCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: Literal["warning", "restriction", "suspension", "termination"]
    reason: Reason
    ends_at: Tz | None = None


# --- out -----------------------------------------------------------------------------------


class DefectOut(msgspec.Struct, frozen=True, kw_only=True):
    field: str
    reason: str


class DossierOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    merchant_id: str
    version: int
    purpose: str
    entity: str
    exempt: bool
    status: str
    allowed_actions: list[str]
    #: ``review_by`` (the review target) while ``submitted``
    deadlines: list[Deadline]
    fields: dict[str, Any]
    defects: list[DefectOut]
    submitted_at: Tz
    decided_at: Tz | None = None
    note: str | None = None


class QueueItem(msgspec.Struct, frozen=True, kw_only=True):
    """A dossier waiting for review, oldest first, with its age against the review target."""

    dossier_id: str
    merchant_id: str
    version: int
    purpose: str
    entity: str
    submitted_at: Tz
    age_working_days: int
    target_working_days: int
    due_at: Tz
    overdue: bool


class SanctionOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    merchant_id: str
    kind: str
    status: str
    reason: str
    allowed_actions: list[str]
    #: ``starts_at`` while ``scheduled``, ``ends_at`` while ``active`` with an end
    deadlines: list[Deadline]
    starts_at: Tz
    ends_at: Tz | None = None
    publish_by: Tz | None = None
    published_at: Tz | None = None
    ended_at: Tz | None = None
    end_reason: str | None = None


class QualificationOut(msgspec.Struct, frozen=True, kw_only=True):
    """What a merchant sees of its own qualification."""

    merchant_id: str
    verification: str
    allowed_actions: list[str]
    #: ``reverify_at``, ``answer_by`` (re-verification open), ``licence_expires``
    deadlines: list[Deadline]
    preset: str
    required_fields: list[str]
    badges: list[str]
    dossier_id: str | None = None
    licence_expires_on: str | None = None
    next_reverify_at: Tz | None = None
    reverify_opened_at: Tz | None = None
    lapsed_reason: str | None = None
    grade: str = "N"
    score: int | None = None
    sanctions: list[SanctionOut] = []


class DocumentOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    merchant_id: str
    kind: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    created_at: Tz


class LicenceOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    merchant_id: str
    licence_kind: str
    licence_number: str
    document_id: str
    valid_until: str
    status: str
    allowed_actions: list[str]
    reason: str | None = None
    submitted_at: Tz
    decided_at: Tz | None = None


class FindingOut(msgspec.Struct, frozen=True, kw_only=True):
    outcome: str
    field: str
    reason: str
    position: int | None = None


class ListingReviewOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    product_id: str
    merchant_id: str
    status: str
    allowed_actions: list[str]
    mode: str
    findings: list[FindingOut]
    reasons: list[str]
    created_at: Tz
    decided_at: Tz | None = None


class CreditComponent(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    weight: int
    quality_bps: int  # 0..10000


class CreditOut(msgspec.Struct, frozen=True, kw_only=True):
    merchant_id: str
    score: int | None
    grade: str
    orders: int
    components: list[CreditComponent]
    updated_at: Tz | None = None


class CreditRuleComponent(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    measures: str
    higher_is_better: bool
    weight: int


class CreditRules(msgspec.Struct, frozen=True, kw_only=True):
    """The published rating formula (ECL 39)."""

    formula: str
    components: list[CreditRuleComponent]
    grades: dict[str, int]
    ranking_boost: dict[str, float]
    window_days: int
    events: str


class PolicyLineOut(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    value: Any
    origin: str
    source: str
    basis: str


class PublicMerchantOut(msgspec.Struct, frozen=True, kw_only=True):
    merchant_id: str
    grade: str
    score: int | None
    badges: list[str]
    sanctions: list[SanctionOut]
