"""The typed events the complaints plugin emits (tags ``complaints.*``; see docs/complaints.md).

Evolution rule (``bazaar.sdk.events``): only ever add fields, each with a default.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from bazaar.sdk.events import Event
from bazaar.sdk.money import Money

Party = Literal["merchant", "platform", "complainant", "none"]


class _ComplaintFact(Event, frozen=True, kw_only=True):
    complaint_id: str
    merchant_id: str | None = None
    category: str = "other"
    subject_field = "complaint_id"


class ComplaintOpened(_ComplaintFact, frozen=True, kw_only=True, tag="complaints.opened"):
    """A complaint was filed (``channel`` web, app or phone); ``duplicate_of`` when linked to an open one."""

    channel: str = "web"
    subject_type: str = "platform"
    subject_id: str | None = None
    duplicate_of: str | None = None


class ComplaintAcknowledged(_ComplaintFact, frozen=True, kw_only=True, tag="complaints.acknowledged"):
    """The platform acknowledged the complaint; ``late`` when after the ack clock's due time."""

    late: bool = False


class ComplaintReported(_ComplaintFact, frozen=True, kw_only=True, tag="complaints.reported"):
    """The investigation report: findings, upheld or not, the responsible party."""

    upheld: bool = False
    responsible_party: Party = "none"


class ComplaintUpheld(_ComplaintFact, frozen=True, kw_only=True, tag="complaints.upheld"):
    """A complaint was upheld (once per complaint); ``merchant_id`` is set when the merchant is responsible.

    The credit rating (qualification) counts it against the merchant."""


class PlanProposed(_ComplaintFact, frozen=True, kw_only=True, tag="complaints.plan_proposed"):
    """A resolution plan (round ``plan_round``) with ``remedies`` remedies was offered."""

    plan_round: int = 1
    remedies: int = 0


class PlanAnswered(_ComplaintFact, frozen=True, kw_only=True, tag="complaints.plan_answered"):
    """The complainant accepted (or rejected: escalated) the plan; ``lapsed`` when silence accepted it."""

    accepted: bool = True
    lapsed: bool = False


class RemedyExecuted(_ComplaintFact, frozen=True, kw_only=True, tag="complaints.remedy_executed"):
    """A remedy was carried out (money through the payment provider, with its reference)."""

    remedy_id: str
    kind: str
    amount: Money | None = None
    reference: str | None = None


class SanctionRequested(Event, frozen=True, kw_only=True, tag="complaints.sanction_requested"):
    """A plan asks for a sanction on a merchant (``measure``: warning, restriction, suspension, termination).

    Qualification (or an operator) decides and imposes it; complaints never touches its tables."""

    merchant_id: str
    complaint_id: str
    reason: str
    measure: str
    subject_field = "merchant_id"


class ComplaintEscalated(_ComplaintFact, frozen=True, kw_only=True, tag="complaints.escalated"):
    """An entry in the supervisor queue: a breached clock or a rejected plan."""

    escalation_id: str
    reason: Literal["breach", "plan_rejected"] = "breach"
    clock_id: str | None = None


class ComplaintReopened(_ComplaintFact, frozen=True, kw_only=True, tag="complaints.reopened"):
    """An unsatisfied complainant reopened the complaint within the reopen window."""

    round: int = 2


class ComplaintClosed(_ComplaintFact, frozen=True, kw_only=True, tag="complaints.closed"):
    """The complaint ended: ``outcome`` resolved, unresolved (closed after escalation) or withdrawn."""

    outcome: str = "resolved"
    upheld: bool | None = None
    satisfaction: int | None = None


class _ClockFact(Event, frozen=True, kw_only=True):
    complaint_id: str
    clock_id: str
    clock: str
    at: datetime
    due_at: datetime | None = None
    calendar_version: str = ""
    merchant_id: str | None = None
    subject_field = "complaint_id"


class ClockStarted(_ClockFact, frozen=True, kw_only=True, tag="complaints.clock_started"):
    """A clock started with the policy values and calendar version in force now."""


class ClockPaused(_ClockFact, frozen=True, kw_only=True, tag="complaints.clock_paused"):
    """A clock paused (waiting on the complainant, or suspended for a court or police case)."""

    reason: str | None = None


class ClockResumed(_ClockFact, frozen=True, kw_only=True, tag="complaints.clock_resumed"):
    """A clock resumed; ``due_at`` moved by exactly the paused running time."""


class ClockWarned(_ClockFact, frozen=True, kw_only=True, tag="complaints.clock_warned"):
    """A clock will breach soon (``warn_before_hours``)."""


class ClockFulfilled(_ClockFact, frozen=True, kw_only=True, tag="complaints.clock_fulfilled"):
    """What the clock waited for happened; ``late`` when after a breach."""

    late: bool = False


class ClockBreached(_ClockFact, frozen=True, kw_only=True, tag="complaints.clock_breached"):
    """The due time passed with the clock running; ``actor`` is who was due to act."""

    actor: str = "platform"


class ClockStopped(_ClockFact, frozen=True, kw_only=True, tag="complaints.clock_stopped"):
    """A clock ended without fulfilment (the complaint was withdrawn or closed)."""


class _NoticeFact(Event, frozen=True, kw_only=True):
    notice_id: str
    product_id: str
    merchant_id: str
    subject_field = "notice_id"


class IpNoticeFiled(_NoticeFact, frozen=True, kw_only=True, tag="complaints.ip_notice_filed"):
    """A right holder filed a notice of infringement against a listing."""


class IpListingRemoved(_NoticeFact, frozen=True, kw_only=True, tag="complaints.listing_removed"):
    """The listing was taken down and the notice forwarded to the merchant (ECL 42)."""


class IpNoticeRejected(_NoticeFact, frozen=True, kw_only=True, tag="complaints.ip_notice_rejected"):
    """No measure: the notice lacked preliminary proof."""


class IpDeclarationFiled(_NoticeFact, frozen=True, kw_only=True, tag="complaints.declaration_filed"):
    """The merchant declared non-infringement; forwarded to the right holder; ``lift_at`` ends the wait."""

    lift_at: datetime | None = None


class IpMeasureLifted(_NoticeFact, frozen=True, kw_only=True, tag="complaints.measure_lifted"):
    """The listing is reinstated (no complaint or lawsuit notice in time, or an operator's decision)."""

    by_timer: bool = False


class IpMeasureKept(_NoticeFact, frozen=True, kw_only=True, tag="complaints.measure_kept"):
    """The measure stays: a complaint or lawsuit notice arrived in time (or an operator kept it)."""


class FalseNoticeRecorded(_NoticeFact, frozen=True, kw_only=True, tag="complaints.false_notice_recorded"):
    """A knowingly false notice was recorded against its notifier (ECL 42)."""

    notifier_id: str = ""


class AppealDecided(Event, frozen=True, kw_only=True, tag="complaints.appeal_decided"):
    """An appeal against a decision on a merchant or listing was decided by a second person."""

    appeal_id: str
    merchant_id: str
    decision_kind: str
    decision_id: str
    outcome: Literal["upheld", "overturned"]
    subject_field = "appeal_id"


class SurveyAnswered(Event, frozen=True, kw_only=True, tag="complaints.survey_answered"):
    """A buyer answered the follow-up survey of a completed order (score 1-5)."""

    order_id: str
    merchant_id: str
    score: int
    subject_field = "order_id"


EVENTS: tuple[type[Event], ...] = (
    ComplaintOpened, ComplaintAcknowledged, ComplaintReported, ComplaintUpheld, PlanProposed, PlanAnswered,
    RemedyExecuted, SanctionRequested, ComplaintEscalated, ComplaintReopened, ComplaintClosed,
    ClockStarted, ClockPaused, ClockResumed, ClockWarned, ClockFulfilled, ClockBreached, ClockStopped,
    IpNoticeFiled, IpListingRemoved, IpNoticeRejected, IpDeclarationFiled, IpMeasureLifted, IpMeasureKept,
    FalseNoticeRecorded, AppealDecided, SurveyAnswered,
)
