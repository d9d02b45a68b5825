"""Timers that keep a verification current: periodic re-verification, its answer deadline,
escalation of an unremedied lapse, and the business licence's expiry warning and expiry.

Each runs inside the transaction that marks the timer done, and checks that what it was
scheduled for still holds (an approval in between cancels or outdates it).
"""

from __future__ import annotations

from datetime import date

from bazaar.plugins.qualification import service
from bazaar.plugins.qualification.events import Escalated, LicenceExpiring
from bazaar.plugins.qualification.states import DossierStatus, Verification
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due


async def reverify(rt: PluginRuntime, due: Due) -> None:
    """``qualification.reverify``: the interval has passed; open a re-verification task."""
    await service.open_reverification(rt, due.subject, "periodic re-verification")


async def reverify_deadline(rt: PluginRuntime, due: Due) -> None:
    """``qualification.reverify_deadline``: unanswered (nothing submitted or approved since) -> lapse."""
    qual = await service.qual_row(rt, due.subject)
    if qual["verification"] != Verification.due:
        return
    answered = await rt.db.fetchrow(
        "SELECT id FROM qualification_dossier WHERE merchant_id = {} AND submitted_at >= {} "
        "AND status IN ({}, {})",
        due.subject,
        qual["reverify_opened_at"],
        DossierStatus.submitted,
        DossierStatus.approved,
    )
    if answered is None:
        await service.lapse(rt, due.subject, "re-verification not answered")


async def escalate(rt: PluginRuntime, due: Due) -> None:
    """``qualification.escalate``: still lapsed after the grace period -> suspended."""
    qual = await service.qual_row(rt, due.subject)
    if qual["verification"] != Verification.lapsed or not service.values(rt)["suspend_on_unremedied"]:
        return
    await service.update_qual(rt, due.subject, lapse_level="suspended")
    await rt.emit(Escalated(merchant_id=due.subject, reason=qual["lapsed_reason"]))
    await service.reconcile(rt, due.subject, f"unremedied: {qual['lapsed_reason']}")


async def licence_warning(rt: PluginRuntime, due: Due) -> None:
    """``qualification.licence_warning``: the business licence expires soon (notifiers listen)."""
    qual = await service.qual_row(rt, due.subject)
    if qual["licence_expires_on"] != due.payload.get("expires_on"):
        return
    await rt.emit(LicenceExpiring(merchant_id=due.subject, expires_on=date.fromisoformat(str(qual["licence_expires_on"]))))


async def licence_expiry(rt: PluginRuntime, due: Due) -> None:
    """``qualification.licence_expiry``: the licence in force expired -> lapse."""
    qual = await service.qual_row(rt, due.subject)
    if qual["licence_expires_on"] != due.payload.get("expires_on") or qual["verification"] == Verification.lapsed:
        return
    await service.lapse(rt, due.subject, "business licence expired")


TIMERS = {
    service.REVERIFY: reverify,
    service.REVERIFY_DEADLINE: reverify_deadline,
    service.ESCALATE: escalate,
    service.LICENCE_WARNING: licence_warning,
    service.LICENCE_EXPIRY: licence_expiry,
}
