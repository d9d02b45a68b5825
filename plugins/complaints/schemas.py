"""Structs in and out of the complaints API (IP notices, appeals and surveys: ``schemas_ip.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from bazaar.sdk import states
from bazaar.sdk.fields import Note, PublicId, Reason
from bazaar.sdk.money import Money

Tz = Annotated[datetime, Meta(tz=True)]
Text = Annotated[str, Meta(min_length=1, max_length=5000)]
Short = Annotated[str, Meta(min_length=1, max_length=1000)]
Contact = Annotated[str, Meta(min_length=3, max_length=200)]
Category = Annotated[str, Meta(min_length=1, max_length=40)]
EvidenceIds = Annotated[list[PublicId], Meta(max_length=50)]
Party = Literal["complainant", "merchant", "platform", "none"]
Score = Annotated[int, Meta(ge=1, le=5)]


# --- in ------------------------------------------------------------------------------------


class SubjectIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What the complaint is about: an order, a merchant, a listing, or the platform (no id)."""

    type: Literal["order", "merchant", "listing", "platform"]
    id: PublicId | None = None


class ComplaintCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A complaint. ``channel`` phone is entered by an operator ``on_behalf_of`` the caller."""

    category: Category
    subject: SubjectIn
    description: Text
    desired_outcome: Short | None = None
    evidence_ids: EvidenceIds = []
    contact: Contact | None = None
    channel: Literal["web", "app", "phone"] = "web"
    on_behalf_of: PublicId | None = None


class MessageIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A message; ``visibility`` all, or only the author's side and the platform."""

    body: Text
    visibility: Literal["all", "complainant", "merchant", "platform"] = "all"
    evidence_ids: EvidenceIds = []


class InfoRequestIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A question to the complainant (pauses the investigation clock) or to the merchant (its own clock)."""

    party: Literal["complainant", "merchant"]
    question: Text


class AnswerIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    body: Text
    evidence_ids: EvidenceIds = []


class ReportIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The investigation report: findings, whether the complaint is upheld, who is responsible."""

    findings: Text
    upheld: bool
    responsible_party: Party = "none"
    evidence_ids: EvidenceIds = []


class RemedyIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One remedy: money (``refund``, ``compensation`` with ``amount``), ``replacement``, ``apology``,
    or ``sanction`` (a ``measure`` requested from qualification)."""

    kind: Literal["refund", "replacement", "compensation", "apology", "sanction"]
    amount: Money | None = None
    payer: Literal["merchant", "platform"] | None = None
    measure: Literal["warning", "restriction", "suspension", "termination"] | None = None
    note: Note | None = None


class PlanIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    remedies: Annotated[list[RemedyIn], Meta(max_length=10)]
    note: Short | None = None


class FeedbackIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    score: Score
    comment: Short | None = None


class ReasonIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Reason


class NoteIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    note: Note | None = None


# --- out -----------------------------------------------------------------------------------


class Deadline(states.Deadline, frozen=True, kw_only=True):
    """A due time (``name``, ``due_at``), who must act, and the calendar version it was counted on."""

    actor: str
    calendar_version: str | None = None


class Move(msgspec.Struct, frozen=True, kw_only=True):
    """Who must act next, what, and by when (``due_at`` null when no clock runs for it)."""

    party: Party
    action: str | None = None
    due_at: Tz | None = None


class ClockOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    round: int
    unit: str
    amount: int
    actor: str
    state: str
    started_at: Tz
    due_at: Tz | None
    paused: bool
    warned_at: Tz | None = None
    breached_at: Tz | None = None
    fulfilled_at: Tz | None = None
    calendar_version: str


class RemedyOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    plan_round: int
    kind: str
    amount: Money | None = None
    payer: str | None = None
    measure: str | None = None
    note: str | None = None
    status: str
    reference: str | None = None
    executed_at: Tz | None = None


class InfoRequestOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    party: str
    question: str
    due_at: Tz
    status: str
    answered_at: Tz | None = None


class MessageOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    author_role: str
    kind: str
    body: str
    visibility: str
    evidence_ids: list[str]
    created_at: Tz


class SubjectOut(msgspec.Struct, frozen=True, kw_only=True):
    type: str
    id: str | None = None


class ComplaintOut(msgspec.Struct, frozen=True, kw_only=True):
    """A complaint as the caller may see it (the merchant never sees the complainant when confidential)."""

    id: str
    state: str
    category: str
    channel: str
    subject: SubjectOut
    order_id: str | None
    merchant_id: str | None
    product_id: str | None
    description: str
    desired_outcome: str | None
    complainant_id: str | None
    contact: str | None
    evidence_ids: list[str]
    round: int
    duplicate_of: str | None
    duplicates: int
    upheld: bool | None
    responsible_party: str | None
    findings: str | None
    outcome: str | None
    satisfaction: int | None
    escalated: bool
    created_at: Tz
    closed_at: Tz | None
    reopen_until: Tz | None
    whose_move: Move
    clocks: list[ClockOut]
    deadlines: list[Deadline]
    allowed_actions: list[str]
    remedies: list[RemedyOut]
    info_requests: list[InfoRequestOut]
    messages: list[MessageOut]


class ComplaintSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    state: str
    category: str
    merchant_id: str | None
    created_at: Tz
    escalated: bool
    whose_move: Move


class EscalationOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    complaint_id: str
    reason: str
    clock_id: str | None
    complaint_state: str
    category: str
    merchant_id: str | None
    created_at: Tz
    resolved_at: Tz | None = None
    note: str | None = None


class MerchantIdentity(msgspec.Struct, frozen=True, kw_only=True):
    """A merchant's identity and contact, disclosed to a complainant on request (audited)."""

    merchant_id: str
    name: str
    status: str
    contact_phone: str | None
    contact_email: str | None = None
    disclosed_at: Tz


class CalendarOut(msgspec.Struct, frozen=True, kw_only=True):
    version: str
    timezone: str
    holidays: list[str]
    workdays: list[str]
    recorded_at: Tz


class PolicyLineOut(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    value: object
    origin: str
    source: str
    basis: str
