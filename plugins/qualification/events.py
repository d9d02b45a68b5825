"""The events the qualification plugin emits (listed on its ``Plugin(events=...)``).

Every event is about one merchant (``merchant_id`` is the outbox subject). Notifiers and
other plugins subscribe with ``"qualification.*"``. Evolution rule: only add optional fields.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from bazaar.sdk.events import Event, MerchantId

At = Annotated[datetime, Meta(tz=True)]
SanctionKind = Literal["warning", "restriction", "suspension", "termination"]


class _MerchantEvent(Event, frozen=True, kw_only=True):
    merchant_id: MerchantId
    subject_field = "merchant_id"


class DossierSubmitted(_MerchantEvent, frozen=True, kw_only=True, tag="qualification.dossier_submitted"):
    """A merchant submitted a KYB dossier (``purpose``: ``onboarding``, ``update`` or ``reverification``)."""

    dossier_id: str
    purpose: str


class DossierApproved(_MerchantEvent, frozen=True, kw_only=True, tag="qualification.dossier_approved"):
    """An operator approved a dossier: it is in force (a pending merchant becomes active)."""

    dossier_id: str


class DossierDefect(msgspec.Struct, frozen=True, kw_only=True):
    """One defect named by the reviewer: the field (``fields.<key>`` or ``documents.<kind>``) and why."""

    field: str
    reason: str


class DossierRejected(_MerchantEvent, frozen=True, kw_only=True, tag="qualification.dossier_rejected"):
    """An operator rejected a dossier, naming every defect at once; the merchant resubmits."""

    dossier_id: str
    defects: tuple[DossierDefect, ...] = ()


class LicenceApproved(_MerchantEvent, frozen=True, kw_only=True, tag="qualification.licence_approved"):
    """An operator approved a category licence (``licence_kind``): listings needing it may go live."""

    licence_id: str
    licence_kind: str
    reason: str | None = None


class LicenceRejected(_MerchantEvent, frozen=True, kw_only=True, tag="qualification.licence_rejected"):
    """An operator rejected a category licence, with the reason."""

    licence_id: str
    licence_kind: str
    reason: str | None = None


class ReverificationOpened(_MerchantEvent, frozen=True, kw_only=True, tag="qualification.reverification_opened"):
    """A re-verification task opened (interval or an operator's request); unanswered by ``answer_by`` it lapses."""

    reason: str
    answer_by: At


class LicenceExpiring(_MerchantEvent, frozen=True, kw_only=True, tag="qualification.licence_expiring"):
    """The business licence in force expires on ``expires_on`` (warned ``license_expiry_warning_days`` ahead)."""

    expires_on: date


class Lapsed(_MerchantEvent, frozen=True, kw_only=True, tag="qualification.lapsed"):
    """The qualification lapsed (licence expired, re-verification unanswered): the merchant is restricted."""

    reason: str


class Escalated(_MerchantEvent, frozen=True, kw_only=True, tag="qualification.escalated"):
    """Still lapsed after the grace period: the merchant is suspended (``suspend_on_unremedied``)."""

    reason: str | None = None


class SanctionImposed(_MerchantEvent, frozen=True, kw_only=True, tag="qualification.sanction_imposed"):
    """An operator imposed a sanction (``kind``) with its reason, start and optional end."""

    sanction_id: str
    kind: SanctionKind
    reason: str
    starts_at: At
    ends_at: At | None = None


class TerminationNotice(_MerchantEvent, frozen=True, kw_only=True, tag="qualification.termination_notice"):
    """A termination was imposed under notice: the store closes at ``starts_at`` unless withdrawn."""

    sanction_id: str
    kind: SanctionKind
    reason: str
    starts_at: At
    ends_at: At | None = None


class SanctionLifted(_MerchantEvent, frozen=True, kw_only=True, tag="qualification.sanction_lifted"):
    """A sanction ended (its end time, or an operator lifted it) or a scheduled termination was withdrawn."""

    sanction_id: str
    kind: SanctionKind
    reason: str


EVENTS: tuple[type[Event], ...] = (
    DossierSubmitted, DossierApproved, DossierRejected, LicenceApproved, LicenceRejected, ReverificationOpened,
    LicenceExpiring, Lapsed, Escalated, SanctionImposed, TerminationNotice, SanctionLifted,
)
