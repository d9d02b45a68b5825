"""Structs in and out of the IP-notice, appeal and follow-up survey routes."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from bazaar.plugins.complaints.schemas import Deadline, EvidenceIds, Score, Short, Text, Tz
from bazaar.sdk.fields import PublicId, Reason

Reference = Annotated[str, Meta(min_length=2, max_length=200)]


class NoticeCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A right holder's notice (ECL 42): the right, the listing, and preliminary proof of infringement."""

    product_id: PublicId
    right_kind: Literal["trademark", "copyright", "patent", "other"]
    right_reference: Reference
    description: Text
    proof: Text
    proof_ids: EvidenceIds = []


class DeclarationIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The merchant's declaration of non-infringement with its proof (ECL 43)."""

    statement: Text
    proof: Text
    proof_ids: EvidenceIds = []


class LawsuitNoticeIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The right holder filed a complaint with an authority or a lawsuit (reference and proof)."""

    reference: Reference
    proof_ids: EvidenceIds = []


class DecisionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An operator's decision with a statement of reasons (DSA 17)."""

    reason: Reason


class NoticeOut(msgspec.Struct, frozen=True, kw_only=True):
    """A notice as its notifier, the merchant or an operator sees it."""

    id: str
    state: str
    product_id: str
    merchant_id: str
    notifier_id: str
    right_kind: str
    right_reference: str
    description: str
    proof: str
    proof_ids: list[str]
    created_at: Tz
    forwarded_at: Tz | None
    declaration: str | None
    declaration_proof: str | None
    declared_at: Tz | None
    lift_at: Tz | None
    lawsuit_reference: str | None
    lawsuit_at: Tz | None
    decision_reason: str | None
    decided_at: Tz | None
    false_notice: bool
    notifier_false_notices: int | None
    allowed_actions: list[str]
    deadlines: list[Deadline]


class PublishedNotice(msgspec.Struct, frozen=True, kw_only=True):
    """What ECL 44 publishes: the notice, the declaration and the outcome (no personal data)."""

    id: str
    product_id: str
    merchant_id: str
    right_kind: str
    right_reference: str
    state: str
    filed_at: Tz
    measure_at: Tz | None
    declared_at: Tz | None
    outcome_at: Tz | None
    outcome: str | None


class AppealCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An appeal against a decision on the merchant (an upheld complaint) or its listing (an IP takedown)."""

    decision_kind: Literal["complaint", "ip_notice"]
    decision_id: PublicId
    grounds: Text


class AppealOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    merchant_id: str
    decision_kind: str
    decision_id: str
    grounds: str
    state: str
    created_at: Tz
    reviewer_id: str | None
    reason: str | None
    decided_at: Tz | None
    allowed_actions: list[str]


class SurveyAnswer(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    score: Score
    comment: Short | None = None


__all__ = ["AppealCreate", "AppealOut", "DecisionIn", "DeclarationIn", "LawsuitNoticeIn", "NoticeCreate",
           "NoticeOut", "PublishedNotice", "Reason", "SurveyAnswer"]
