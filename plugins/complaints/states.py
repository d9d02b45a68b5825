"""The complaint, IP-notice and appeal machines (``bazaar.sdk.states.StateMachine``).

Complaint::

    received --acknowledge--> investigating --report--> reported --propose_plan--> plan_proposed
    investigating --request_info--> awaiting_complainant --answer | reply_lapsed--> investigating
    investigating | awaiting_complainant --suspend--> suspended --resume--> investigating
    plan_proposed --accept_plan | plan_lapsed--> executing --complete--> resolved --feedback | feedback_lapsed--> closed
    plan_proposed --reject_plan--> escalated --propose_plan--> plan_proposed ; escalated --close--> closed
    closed --reopen--> investigating (within reopen_days, unsatisfied) ; open states --withdraw--> withdrawn
"""

from __future__ import annotations

from enum import StrEnum

from bazaar.sdk.states import StateMachine


class ComplaintState(StrEnum):
    received = "received"
    investigating = "investigating"
    awaiting_complainant = "awaiting_complainant"
    suspended = "suspended"
    reported = "reported"
    plan_proposed = "plan_proposed"
    escalated = "escalated"
    executing = "executing"
    resolved = "resolved"
    closed = "closed"
    withdrawn = "withdrawn"


class ComplaintEvent(StrEnum):
    acknowledge = "acknowledge"  # the platform confirms receipt (ack clock)
    request_info = "request_info"  # the platform asks the complainant: the investigation clock pauses
    answer = "answer"  # the complainant answers: the clock resumes
    reply_lapsed = "reply_lapsed"  # the complainant did not answer in time: the clock resumes
    suspend = "suspend"  # a court or police case is pending: the clock pauses
    resume = "resume"  # the case ended: the investigation continues
    report = "report"  # findings, upheld or not, responsible party
    propose_plan = "propose_plan"  # remedies offered to the complainant
    accept_plan = "accept_plan"
    reject_plan = "reject_plan"  # escalates to a supervisor
    plan_lapsed = "plan_lapsed"  # no answer to the plan in time: it stands
    complete = "complete"  # every remedy carried out
    feedback = "feedback"  # satisfaction 1-5
    feedback_lapsed = "feedback_lapsed"
    close = "close"  # a supervisor closes an escalated complaint
    reopen = "reopen"  # an unsatisfied complainant, within reopen_days
    withdraw = "withdraw"


S, E = ComplaintState, ComplaintEvent
OPEN_FOR_WITHDRAWAL = (S.received, S.investigating, S.awaiting_complainant, S.reported, S.plan_proposed, S.suspended)

COMPLAINT = StateMachine(
    "complaints.complaint",
    ComplaintState,
    ComplaintEvent,
    {
        (S.received, E.acknowledge): S.investigating,
        (S.investigating, E.request_info): S.awaiting_complainant,
        (S.awaiting_complainant, E.answer): S.investigating,
        (S.awaiting_complainant, E.reply_lapsed): S.investigating,
        (S.investigating, E.suspend): S.suspended,
        (S.awaiting_complainant, E.suspend): S.suspended,
        (S.suspended, E.resume): S.investigating,
        (S.investigating, E.report): S.reported,
        (S.reported, E.propose_plan): S.plan_proposed,
        (S.escalated, E.propose_plan): S.plan_proposed,
        (S.plan_proposed, E.accept_plan): S.executing,
        (S.plan_proposed, E.plan_lapsed): S.executing,
        (S.plan_proposed, E.reject_plan): S.escalated,
        (S.executing, E.complete): S.resolved,
        (S.resolved, E.feedback): S.closed,
        (S.resolved, E.feedback_lapsed): S.closed,
        (S.escalated, E.close): S.closed,
        (S.closed, E.reopen): S.investigating,
        **{(s, E.withdraw): S.withdrawn for s in OPEN_FOR_WITHDRAWAL},
    },
    actors={
        E.acknowledge: {"operator"},
        E.request_info: {"operator"},
        E.answer: {"customer"},
        E.suspend: {"operator"},
        E.resume: {"operator"},
        E.report: {"operator"},
        E.propose_plan: {"operator"},
        E.accept_plan: {"customer"},
        E.reject_plan: {"customer"},
        E.complete: {"operator"},
        E.feedback: {"customer"},
        E.close: {"operator"},
        E.reopen: {"customer"},
        E.withdraw: {"customer"},
    },
    final={S.withdrawn},
    initial=S.received,
    noun="complaint",
)

#: states in which the complaint is not finished (counted as open in the queue)
OPEN_STATES = frozenset(s for s in ComplaintState if s not in (S.closed, S.withdrawn))


class NoticeState(StrEnum):
    filed = "filed"  # a right holder's notice with preliminary proof
    removed = "removed"  # the listing was taken down and the notice forwarded to the merchant
    rejected = "rejected"  # the notice lacked preliminary proof: no measure
    declared = "declared"  # the merchant declared non-infringement; forwarded to the right holder
    lifted = "lifted"  # no complaint or lawsuit notice in time (or an operator lifted it): relisted
    kept = "kept"  # a complaint or lawsuit notice arrived in time (or an operator kept it)


class NoticeEvent(StrEnum):
    take_down = "take_down"
    reject = "reject"
    declare = "declare"
    lawsuit_notice = "lawsuit_notice"
    wait_ended = "wait_ended"
    lift = "lift"  # an operator lifts the measure (no statutory wait, or an overturned appeal)
    keep = "keep"  # an operator keeps the measure with a statement of reasons


N, NE = NoticeState, NoticeEvent

IP_NOTICE = StateMachine(
    "complaints.ip_notice",
    NoticeState,
    NoticeEvent,
    {
        (N.filed, NE.take_down): N.removed,
        (N.filed, NE.reject): N.rejected,
        (N.removed, NE.declare): N.declared,
        (N.removed, NE.lift): N.lifted,
        (N.declared, NE.lawsuit_notice): N.kept,
        (N.declared, NE.wait_ended): N.lifted,
        (N.declared, NE.lift): N.lifted,
        (N.declared, NE.keep): N.kept,
    },
    actors={
        NE.take_down: {"operator"},
        NE.reject: {"operator"},
        NE.declare: {"merchant"},
        NE.lawsuit_notice: {"customer", "operator"},
        NE.lift: {"operator"},
        NE.keep: {"operator"},
    },
    final={N.rejected, N.lifted, N.kept},
    initial=N.filed,
    noun="IP notice",
)


class AppealState(StrEnum):
    filed = "filed"
    upheld = "upheld"  # the decision stands
    overturned = "overturned"  # the decision is reversed


class AppealEvent(StrEnum):
    uphold = "uphold"
    overturn = "overturn"


APPEAL = StateMachine(
    "complaints.appeal",
    AppealState,
    AppealEvent,
    {
        (AppealState.filed, AppealEvent.uphold): AppealState.upheld,
        (AppealState.filed, AppealEvent.overturn): AppealState.overturned,
    },
    actors={AppealEvent.uphold: {"operator"}, AppealEvent.overturn: {"operator"}},
    final={AppealState.upheld, AppealState.overturned},
    initial=AppealState.filed,
    noun="appeal",
)
