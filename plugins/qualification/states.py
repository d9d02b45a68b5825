"""The qualification plugin's machines: dossiers, a merchant's verification, sanctions,
category licences and listing reviews (each a :class:`~bazaar.sdk.states.StateMachine`)."""

from __future__ import annotations

from enum import StrEnum

from bazaar.sdk.states import StateMachine

OPERATOR = {"operator"}
SYSTEM = {"system"}


class DossierStatus(StrEnum):
    submitted = "submitted"  # waiting in the operator queue
    approved = "approved"  # the dossier in force
    rejected = "rejected"  # defects named; the merchant resubmits a new version
    superseded = "superseded"  # an approved dossier replaced by a newer approved one


class DossierEvent(StrEnum):
    approve = "approve"
    reject = "reject"
    supersede = "supersede"  # a newer version of the merchant's dossier was approved


class Verification(StrEnum):
    unverified = "unverified"  # never approved
    verified = "verified"  # an approved dossier in force
    due = "due"  # a re-verification is open
    lapsed = "lapsed"  # licence expired or re-verification unanswered: restricted/suspended


class VerificationEvent(StrEnum):
    approve = "approve"  # a dossier was approved
    open_reverification = "open_reverification"  # the interval passed, or an operator saw indications
    lapse = "lapse"  # a licence expired or a re-verification went unanswered


class SanctionStatus(StrEnum):
    scheduled = "scheduled"  # termination under notice
    active = "active"
    ended = "ended"  # its end time passed or an operator lifted it
    cancelled = "cancelled"  # a scheduled termination withdrawn


class SanctionEvent(StrEnum):
    start = "start"  # the notice period of a termination ran out
    withdraw = "withdraw"  # an operator withdraws a scheduled termination
    end = "end"  # an operator lifts it, or its end time came


class ReviewStatus(StrEnum):
    queued = "queued"  # waiting for an operator before going live
    monitoring = "monitoring"  # live; in the sampling queue
    approved = "approved"
    rejected = "rejected"
    taken_down = "taken_down"


class ReviewEvent(StrEnum):
    approve = "approve"
    reject = "reject"
    take_down = "take_down"


class LicenceStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class LicenceEvent(StrEnum):
    approve = "approve"
    reject = "reject"


D, DE = DossierStatus, DossierEvent
DOSSIER = StateMachine(
    "qualification.dossier",
    DossierStatus,
    DossierEvent,
    {
        (D.submitted, DE.approve): D.approved,
        (D.submitted, DE.reject): D.rejected,
        (D.approved, DE.supersede): D.superseded,
    },
    actors={DE.approve: OPERATOR, DE.reject: OPERATOR, DE.supersede: SYSTEM},
    final={D.rejected, D.superseded},
    initial=D.submitted,
    noun="dossier",
)

V, VE = Verification, VerificationEvent
VERIFICATION = StateMachine(
    "qualification.verification",
    Verification,
    VerificationEvent,
    {
        (V.unverified, VE.approve): V.verified,
        (V.verified, VE.approve): V.verified,  # an updated dossier approved
        (V.due, VE.approve): V.verified,
        (V.lapsed, VE.approve): V.verified,
        (V.verified, VE.open_reverification): V.due,
        (V.verified, VE.lapse): V.lapsed,
        (V.due, VE.lapse): V.lapsed,
        (V.lapsed, VE.lapse): V.lapsed,  # another cause while lapsed
    },
    actors={VE.approve: SYSTEM, VE.open_reverification: {"operator", "system"}, VE.lapse: SYSTEM},
    initial=V.unverified,
    noun="verification",
)

SA, SE = SanctionStatus, SanctionEvent
SANCTION = StateMachine(
    "qualification.sanction",
    SanctionStatus,
    SanctionEvent,
    {
        (SA.scheduled, SE.start): SA.active,
        (SA.scheduled, SE.withdraw): SA.cancelled,
        (SA.active, SE.end): SA.ended,
    },
    actors={SE.start: SYSTEM, SE.withdraw: OPERATOR, SE.end: {"operator", "system"}},
    final={SA.ended, SA.cancelled},
    initial=(SA.active, SA.scheduled),  # a termination with notice starts scheduled
    noun="sanction",
)

R, RE = ReviewStatus, ReviewEvent
REVIEW = StateMachine(
    "qualification.review",
    ReviewStatus,
    ReviewEvent,
    {
        (R.queued, RE.approve): R.approved,
        (R.queued, RE.reject): R.rejected,
        (R.monitoring, RE.approve): R.approved,
        (R.monitoring, RE.take_down): R.taken_down,
        (R.approved, RE.take_down): R.taken_down,
    },
    actors={RE.approve: OPERATOR, RE.reject: OPERATOR, RE.take_down: OPERATOR},
    final={R.rejected, R.taken_down},
    # the automatic checks file a review in the state their findings call for
    initial=(R.queued, R.monitoring, R.approved, R.rejected),
    noun="listing review",
)

L, LE = LicenceStatus, LicenceEvent
LICENCE = StateMachine(
    "qualification.licence",
    LicenceStatus,
    LicenceEvent,
    {(L.pending, LE.approve): L.approved, (L.pending, LE.reject): L.rejected},
    actors={LE.approve: OPERATOR, LE.reject: OPERATOR},
    final={L.approved, L.rejected},
    initial=L.pending,
    noun="licence",
)
