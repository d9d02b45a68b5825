"""Intellectual-property notices (ECL 42-45; DSA 16-17 for ``eu``).

1. A right holder files a notice against a listing with preliminary proof (``filed``).
2. An operator takes the necessary measure: the listing is taken down through the
   catalogue facade and the notice is forwarded to the merchant (``removed``), or the
   notice is refused for want of proof (``rejected``).
3. The merchant may declare non-infringement with proof; the declaration is forwarded to
   the right holder (``declared``) and, under ``ip.declaration_wait_days`` (cn: 15), a
   timer lifts the measure unless a complaint or lawsuit notice arrives in time
   (``kept``); with no statutory wait (eu) an operator lifts or keeps it with reasons.
4. Notices, declarations and outcomes are published (``ip.publish_notices``, ECL 44). A
   knowingly false notice is recorded against its notifier.
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.complaints import evidence, ports
from bazaar.plugins.complaints.errors import ListingNotLive, NoticeNotFound
from bazaar.plugins.complaints.events import (
    FalseNoticeRecorded,
    IpDeclarationFiled,
    IpListingRemoved,
    IpMeasureKept,
    IpMeasureLifted,
    IpNoticeFiled,
    IpNoticeRejected,
)
from bazaar.plugins.complaints.records import dump, for_update, load, values
from bazaar.plugins.complaints.schemas import Deadline
from bazaar.plugins.complaints.schemas_ip import (
    DeclarationIn,
    LawsuitNoticeIn,
    NoticeCreate,
    NoticeOut,
    PublishedNotice,
)
from bazaar.plugins.complaints.states import IP_NOTICE
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due

LIFT = "complaints.ip_lift"
OUTCOMES = {"rejected": "no measure", "lifted": "measure lifted, listing reinstated", "kept": "measure kept"}


def _fact(row: dict[str, Any]) -> dict[str, Any]:
    return {"notice_id": row["id"], "product_id": row["product_id"], "merchant_id": row["merchant_id"]}


async def _load(rt: PluginRuntime, notice_id: str, *, lock: bool = False) -> dict[str, Any]:
    row = await rt.db.fetchrow(f"SELECT * FROM complaints_ip_notice WHERE id = {{}}{for_update(rt) if lock else ''}",
                               notice_id)
    if row is None:
        raise NoticeNotFound("no such notice")
    return row


def role_of(row: dict[str, Any], actor: Actor, merchant_id: str | None = None) -> str:
    """``notifier``, ``merchant`` or ``operator``; ``404`` for anyone else."""
    if merchant_id is not None:
        if row["merchant_id"] == merchant_id:
            return "merchant"
    elif actor.user_id == row["notifier_id"]:
        return "notifier"
    elif actor.is_operator:
        return "operator"
    raise NoticeNotFound("no such notice")


async def _set(rt: PluginRuntime, row: dict[str, Any], event: str | None = None, **sets: Any) -> None:
    if event is not None:
        sets["state"] = str(IP_NOTICE.transition(row["state"], event))
    assignments = ", ".join(f"{k} = {{}}" for k in sets)
    await rt.db.execute(f"UPDATE complaints_ip_notice SET {assignments} WHERE id = {{}}", *sets.values(), row["id"])
    row.update(sets)


async def out(rt: PluginRuntime, row: dict[str, Any], role: str) -> NoticeOut:
    """The notice as ``role`` sees it, with the actions open to it and the running deadline."""
    row = await _load(rt, row["id"])
    roles = {"notifier": ("customer",), "merchant": ("merchant",), "operator": ("operator",)}[role]
    strikes = None
    if role == "operator":
        found = await rt.db.fetchrow("SELECT COUNT(*) AS n FROM complaints_ip_notice WHERE notifier_id = {} AND "
                                     "false_notice = TRUE", row["notifier_id"])
        strikes = int(found["n"]) if found else 0
    deadlines = [Deadline(name="declaration_wait", due_at=row["lift_at"], actor="notifier")] \
        if row["state"] == "declared" and row["lift_at"] else []
    return NoticeOut(
        id=row["id"], state=row["state"], product_id=row["product_id"], merchant_id=row["merchant_id"],
        notifier_id=row["notifier_id"], right_kind=row["right_kind"], right_reference=row["right_reference"],
        description=row["description"], proof=row["proof"], proof_ids=load(row["proof_ids"], []),
        created_at=row["created_at"], forwarded_at=row["forwarded_at"],
        declaration=row["declaration"],
        declaration_proof=row["declaration_proof"], declared_at=row["declared_at"], lift_at=row["lift_at"],
        lawsuit_reference=row["lawsuit_reference"], lawsuit_at=row["lawsuit_at"],
        decision_reason=row["decision_reason"], decided_at=row["decided_at"], false_notice=bool(row["false_notice"]),
        notifier_false_notices=strikes, allowed_actions=IP_NOTICE.allowed_actions(row["state"], roles),
        deadlines=deadlines,
    )


async def file(rt: PluginRuntime, data: NoticeCreate, actor: Actor) -> NoticeOut:
    """A right holder's notice against a listing (``filed``); the operator queue picks it up."""
    async with rt.unit_of_work():
        listing = await ports.listing(rt, data.product_id)
        if listing is None:
            raise ValidationFailed("no such listing", code="complaints.notice_invalid",
                                   errors=[FieldProblem(field="product_id", reason="no such listing")])
        await evidence.check(rt, data.proof_ids, actor.user_id or "", actor, field="proof_ids")
        notice_id = new_id("ipn")
        await rt.db.execute(
            "INSERT INTO complaints_ip_notice (id, notifier_id, product_id, merchant_id, right_kind, right_reference, "
            "description, proof, proof_ids, state, false_notice, declaration_proof_ids, created_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, 'filed', FALSE, '[]', {})",
            notice_id, actor.user_id, data.product_id, listing.merchant_id, data.right_kind, data.right_reference,
            data.description, data.proof, dump(data.proof_ids), rt.clock.now(),
        )
        row = await _load(rt, notice_id)
        await rt.emit(IpNoticeFiled(**_fact(row)))
        return await out(rt, row, "notifier" if actor.user_id == row["notifier_id"] else "operator")


async def take_down(rt: PluginRuntime, notice_id: str, reason: str, actor: Actor) -> NoticeOut:
    """The necessary measure: the listing is taken down and the notice forwarded to the merchant."""
    async with rt.unit_of_work():
        row = await _load(rt, notice_id, lock=True)
        listing = await ports.listing(rt, row["product_id"])
        IP_NOTICE.transition(row["state"], "take_down")
        if listing is None or listing.status != "live":
            raise ListingNotLive("the listing is not on sale", extra={"status": listing.status if listing else None})
        await ports.take_down(rt, row["product_id"], f"IP notice {notice_id}: {reason}", actor.user_id)
        now = rt.clock.now()
        await _set(rt, row, "take_down", forwarded_at=now, decision_reason=reason, decided_by=actor.user_id,
                   decided_at=now)
        await rt.emit(IpListingRemoved(**_fact(row)))
        return await out(rt, row, "operator")


async def reject(rt: PluginRuntime, notice_id: str, reason: str, actor: Actor) -> NoticeOut:
    """No measure: the notice lacks preliminary proof (the reason is published)."""
    async with rt.unit_of_work():
        row = await _load(rt, notice_id, lock=True)
        now = rt.clock.now()
        await _set(rt, row, "reject", decision_reason=reason, decided_by=actor.user_id, decided_at=now)
        await rt.emit(IpNoticeRejected(**_fact(row)))
        return await out(rt, row, "operator")


async def declare(rt: PluginRuntime, merchant_id: str, notice_id: str, data: DeclarationIn, actor: Actor) -> NoticeOut:
    """The merchant's declaration of non-infringement, forwarded to the right holder; the wait starts."""
    async with rt.unit_of_work():
        row = await _load(rt, notice_id, lock=True)
        role_of(row, actor, merchant_id)
        await evidence.check(rt, data.proof_ids, actor.user_id or "", actor, field="proof_ids")
        now = rt.clock.now()
        wait = values(rt)["ip.declaration_wait_days"]
        lift_at = rt.calendar.add_days(now, int(wait)) if wait is not None else None
        await _set(rt, row, "declare", declaration=data.statement, declaration_proof=data.proof,
                   declaration_proof_ids=dump(data.proof_ids), declared_at=now, lift_at=lift_at)
        if lift_at is not None:
            await rt.timers.schedule(LIFT, notice_id, lift_at, {})
        await rt.emit(IpDeclarationFiled(**_fact(row), lift_at=lift_at))
        return await out(rt, row, "merchant")


async def lawsuit_notice(rt: PluginRuntime, notice_id: str, data: LawsuitNoticeIn, actor: Actor) -> NoticeOut:
    """The right holder filed a complaint or lawsuit within the wait: the measure is kept."""
    async with rt.unit_of_work():
        row = await _load(rt, notice_id, lock=True)
        role = role_of(row, actor)
        if row["state"] == "declared" and row["lift_at"] is not None and rt.clock.now() >= row["lift_at"]:
            raise Conflict("the wait after the declaration has ended", code="complaints.wait_ended",
                           extra={"deadline": row["lift_at"].isoformat()})
        await evidence.check(rt, data.proof_ids, actor.user_id or "", actor, field="proof_ids")
        now = rt.clock.now()
        await _set(rt, row, "lawsuit_notice", lawsuit_reference=data.reference, lawsuit_at=now, decided_at=now)
        await rt.timers.cancel(LIFT, notice_id)
        await rt.emit(IpMeasureKept(**_fact(row)))
        return await out(rt, row, role)


async def _lift(rt: PluginRuntime, row: dict[str, Any], event: str, reason: str, actor_id: str | None) -> None:
    now = rt.clock.now()
    await _set(rt, row, event, decision_reason=reason, decided_by=actor_id, decided_at=now)
    await ports.reinstate(rt, row["product_id"], f"IP notice {row['id']}: {reason}", actor_id)
    await rt.emit(IpMeasureLifted(**_fact(row), by_timer=event == "wait_ended"))


async def decide(rt: PluginRuntime, notice_id: str, lift: bool, reason: str, actor: Actor) -> NoticeOut:
    """An operator lifts (the listing is reinstated) or keeps the measure, with a statement of reasons."""
    async with rt.unit_of_work():
        row = await _load(rt, notice_id, lock=True)
        if lift:
            await _lift(rt, row, "lift", reason, actor.user_id)
        else:
            await _set(rt, row, "keep", decision_reason=reason, decided_by=actor.user_id, decided_at=rt.clock.now())
            await rt.emit(IpMeasureKept(**_fact(row)))
        await rt.timers.cancel(LIFT, notice_id)
        return await out(rt, row, "operator")


async def on_lift(rt: PluginRuntime, due: Due) -> None:
    """Timer ``complaints.ip_lift``: no complaint or lawsuit notice within the wait: the measure is lifted."""
    row = await _load(rt, due.subject, lock=True)
    if row["state"] != "declared" or row["lift_at"] is None or rt.clock.now() < row["lift_at"]:
        return
    await _lift(rt, row, "wait_ended", "no complaint or lawsuit notice within the wait after the declaration", None)


async def false_notice(rt: PluginRuntime, notice_id: str, note: str, actor: Actor) -> NoticeOut:
    """Record a knowingly false notice against its notifier (ECL 42: liable for the harm)."""
    async with rt.unit_of_work():
        row = await _load(rt, notice_id, lock=True)
        if row["false_notice"]:
            raise Conflict("already recorded as false", code="complaints.already_recorded")
        await _set(rt, row, false_notice=True, false_notice_note=note)
        await rt.emit(FalseNoticeRecorded(**_fact(row), notifier_id=row["notifier_id"]))
        return await out(rt, row, "operator")


async def read(rt: PluginRuntime, notice_id: str, actor: Actor, merchant_id: str | None = None) -> NoticeOut:
    row = await _load(rt, notice_id)
    return await out(rt, row, role_of(row, actor, merchant_id))


async def listing(rt: PluginRuntime, *, merchant_id: str | None = None, state: str | None = None,
                  limit: int = 50) -> list[dict[str, Any]]:
    """Notices newest first (of a merchant, or in a state)."""
    where, args = [], []
    if merchant_id:
        where.append("merchant_id = {}")
        args.append(merchant_id)
    if state:
        where.append("state = {}")
        args.append(state)
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    return await rt.db.fetch(f"SELECT * FROM complaints_ip_notice {clause}ORDER BY created_at DESC, id DESC "
                             "LIMIT {}", *args, limit)


async def published(rt: PluginRuntime, limit: int) -> list[PublishedNotice]:
    """Notices past the platform's first decision, with declarations and outcomes (ECL 44)."""
    if not values(rt)["ip.publish_notices"]:
        raise NotFound("IP notices are not published here", code="complaints.not_published")
    rows = await rt.db.fetch("SELECT * FROM complaints_ip_notice WHERE state <> 'filed' ORDER BY created_at DESC, id "
                             "DESC LIMIT {}", limit)
    return [PublishedNotice(id=r["id"], product_id=r["product_id"], merchant_id=r["merchant_id"],
                            right_kind=r["right_kind"], right_reference=r["right_reference"], state=r["state"],
                            filed_at=r["created_at"], measure_at=r["forwarded_at"], declared_at=r["declared_at"],
                            outcome_at=r["decided_at"] if r["state"] in OUTCOMES else None,
                            outcome=OUTCOMES.get(r["state"])) for r in rows]


TIMERS = {LIFT: on_lift}
