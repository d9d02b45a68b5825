"""Transition tables: dossiers, a merchant's verification, sanctions, licences, listing reviews."""

from __future__ import annotations

from enum import StrEnum

from bazaar.sdk.errors import InvalidTransition


class DossierStatus(StrEnum):
    submitted = "submitted"  # waiting in the operator queue
    approved = "approved"  # the dossier in force
    rejected = "rejected"  # defects named; the merchant resubmits a new version
    superseded = "superseded"  # an approved dossier replaced by a newer approved one


class Verification(StrEnum):
    unverified = "unverified"  # never approved
    verified = "verified"  # an approved dossier in force
    due = "due"  # a re-verification is open
    lapsed = "lapsed"  # licence expired or re-verification unanswered: restricted/suspended


class SanctionStatus(StrEnum):
    scheduled = "scheduled"  # termination under notice
    active = "active"
    ended = "ended"  # its end time passed or an operator lifted it
    cancelled = "cancelled"  # a scheduled termination withdrawn


class ReviewStatus(StrEnum):
    queued = "queued"  # waiting for an operator before going live
    monitoring = "monitoring"  # live; in the sampling queue
    approved = "approved"
    rejected = "rejected"
    taken_down = "taken_down"


class LicenceStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


D, V, S, R, L = DossierStatus, Verification, SanctionStatus, ReviewStatus, LicenceStatus

DOSSIER: dict[StrEnum, frozenset[StrEnum]] = {
    D.submitted: frozenset({D.approved, D.rejected}),
    D.approved: frozenset({D.superseded}),
    D.rejected: frozenset(),
    D.superseded: frozenset(),
}

VERIFICATION: dict[StrEnum, frozenset[StrEnum]] = {
    V.unverified: frozenset({V.verified}),
    V.verified: frozenset({V.verified, V.due, V.lapsed}),
    V.due: frozenset({V.verified, V.lapsed}),
    V.lapsed: frozenset({V.verified, V.lapsed}),
}

SANCTION: dict[StrEnum, frozenset[StrEnum]] = {
    S.scheduled: frozenset({S.active, S.cancelled}),
    S.active: frozenset({S.ended}),
    S.ended: frozenset(),
    S.cancelled: frozenset(),
}

REVIEW: dict[StrEnum, frozenset[StrEnum]] = {
    R.queued: frozenset({R.approved, R.rejected}),
    R.monitoring: frozenset({R.approved, R.taken_down}),
    R.approved: frozenset({R.taken_down}),
    R.rejected: frozenset(),
    R.taken_down: frozenset(),
}

LICENCE: dict[StrEnum, frozenset[StrEnum]] = {
    L.pending: frozenset({L.approved, L.rejected}),
    L.approved: frozenset(),
    L.rejected: frozenset(),
}

MACHINES: dict[str, tuple[type[StrEnum], dict[StrEnum, frozenset[StrEnum]]]] = {
    "dossier": (DossierStatus, DOSSIER),
    "verification": (Verification, VERIFICATION),
    "sanction": (SanctionStatus, SANCTION),
    "review": (ReviewStatus, REVIEW),
    "licence": (LicenceStatus, LICENCE),
}


def transition(machine: str, current: str, to: str) -> StrEnum:
    """The new state, or ``409 invalid_transition`` naming what the table allows."""
    enum, table = MACHINES[machine]
    frm, target = enum(current), enum(to)
    if target not in table[frm]:
        raise InvalidTransition(
            f"a {frm} {machine} cannot become {target}",
            extra={"from": str(frm), "to": str(target), "allowed": sorted(str(s) for s in table[frm])},
        )
    return target
