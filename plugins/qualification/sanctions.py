"""Sanctions: warning, restriction (no new listings), suspension (hidden, no sales), termination.

Each has a reason, a start and an optional end (a timer lifts it). Under the ``cn`` preset
the record is public at once (deadline ``sanction_publish_working_days``); under ``eu`` the
merchant gets the statement of reasons by event. ``termination_notice_days`` delays a
termination and notifies the merchant first (P2B 4).
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.qualification import service
from bazaar.plugins.qualification.errors import MerchantClosed, SanctionInvalid, SanctionNotFound
from bazaar.plugins.qualification.events import SanctionImposed, SanctionLifted, TerminationNotice
from bazaar.plugins.qualification.schemas import SanctionCreate, SanctionOut
from bazaar.plugins.qualification.states import SANCTION, SanctionEvent, SanctionStatus
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import FieldProblem
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.services import transition_merchant
from bazaar.sdk.timers import Due

OPERATOR = ("operator",)
END = "qualification.sanction_end"
START = "qualification.sanction_start"


async def load(rt: PluginRuntime, sanction_id: str) -> dict[str, Any]:
    row = await rt.db.fetchrow("SELECT * FROM qualification_sanction WHERE id = {}", sanction_id)
    if row is None:
        raise SanctionNotFound("no such sanction")
    return row


async def impose(rt: PluginRuntime, merchant_id: str, data: SanctionCreate, actor: Actor) -> SanctionOut:
    """Record a sanction and apply it to the merchant's status."""
    p = service.values(rt)
    now = rt.clock.now()
    if data.ends_at is not None and data.kind in ("warning", "termination"):
        raise SanctionInvalid("only restrictions and suspensions end", errors=[
            FieldProblem(field="ends_at", reason=f"a {data.kind} has no end")])
    if data.ends_at is not None and data.ends_at <= now:
        raise SanctionInvalid("the end is in the past", errors=[FieldProblem(field="ends_at", reason="must be in the future")])
    sanction_id = new_id("snc")
    async with rt.unit_of_work():
        merchant = await service.load_merchant(rt, merchant_id, for_update=True)
        if merchant.status == "closed":
            raise MerchantClosed("the merchant is closed")
        notice = p["termination_notice_days"] if data.kind == "termination" else None
        starts_at = rt.calendar.add_days(now, notice) if notice else now
        status = SanctionStatus.scheduled if notice else SanctionStatus.active
        publish_days = p["sanction_publish_working_days"]
        publish_by = rt.calendar.add_working_days(now, publish_days) if publish_days is not None else None
        await rt.db.execute(
            "INSERT INTO qualification_sanction (id, merchant_id, kind, status, reason, starts_at, ends_at, publish_by, "
            "published_at, created_by, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            sanction_id, merchant_id, data.kind, status, data.reason, starts_at, data.ends_at, publish_by,
            now if publish_by is not None else None, actor.user_id, now,
        )
        fields: dict[str, Any] = {"merchant_id": merchant_id, "sanction_id": sanction_id, "kind": data.kind, "reason": data.reason,
                  "starts_at": starts_at, "ends_at": data.ends_at}
        await rt.emit(SanctionImposed(**fields))
        if notice:
            await rt.timers.schedule(START, sanction_id, starts_at, {"merchant_id": merchant_id})
            await rt.emit(TerminationNotice(**fields))
        elif data.kind == "termination":
            await transition_merchant(rt, merchant_id, "closed", reason=data.reason, by=service.BY)
        else:
            await service.reconcile(rt, merchant_id, data.reason)
        if data.ends_at is not None:
            await rt.timers.schedule(END, sanction_id, data.ends_at, {"merchant_id": merchant_id})
        out = service.sanction_out(await load(rt, sanction_id), OPERATOR)
    return out


async def _end(rt: PluginRuntime, row: dict[str, Any], reason: str, *, by_timer: bool = False) -> None:
    event = SanctionEvent.withdraw if row["status"] == SanctionStatus.scheduled else SanctionEvent.end
    to = SANCTION.transition(row["status"], event)
    await rt.db.execute(
        "UPDATE qualification_sanction SET status = {}, ended_at = {}, end_reason = {} WHERE id = {}",
        to, rt.clock.now(), reason, row["id"],
    )
    if not by_timer:  # a running timer is marked done by the worker; cancelling it would lose the lease
        await rt.timers.cancel(END, row["id"])
        await rt.timers.cancel(START, row["id"])
    await rt.emit(SanctionLifted(merchant_id=row["merchant_id"], sanction_id=row["id"], kind=row["kind"], reason=reason))
    await service.reconcile(rt, row["merchant_id"], f"sanction lifted: {reason}")


async def lift(rt: PluginRuntime, sanction_id: str, reason: str) -> SanctionOut:
    """An operator lifts an active sanction or withdraws a scheduled termination."""
    async with rt.unit_of_work():
        row = await load(rt, sanction_id)
        await _end(rt, row, reason)
        out = service.sanction_out(await load(rt, sanction_id), OPERATOR)
    return out


async def listing(rt: PluginRuntime, merchant_id: str | None, *, published_only: bool, limit: int = 100) -> list[SanctionOut]:
    """Sanctions newest first: every one (operators) or the public record (``published_only``: no actions)."""
    where, args = [], []
    if merchant_id:
        where.append("merchant_id = {}")
        args.append(merchant_id)
    if published_only:
        where.append("published_at IS NOT NULL")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = await rt.db.fetch(
        f"SELECT * FROM qualification_sanction {clause} ORDER BY created_at DESC, id DESC LIMIT {{}}", *args, limit
    )
    return [service.sanction_out(r, () if published_only else OPERATOR) for r in rows]


async def end_timer(rt: PluginRuntime, due: Due) -> None:
    """``qualification.sanction_end``: the end time came; lift it."""
    row = await load(rt, due.subject)
    if row["status"] == SanctionStatus.active:
        await _end(rt, row, "ended as scheduled", by_timer=True)


async def start_timer(rt: PluginRuntime, due: Due) -> None:
    """``qualification.sanction_start``: the notice period of a termination ran out; close the store."""
    row = await load(rt, due.subject)
    if not SANCTION.can(row["status"], SanctionEvent.start):
        return
    to = SANCTION.transition(row["status"], SanctionEvent.start)
    await rt.db.execute("UPDATE qualification_sanction SET status = {} WHERE id = {}", to, row["id"])
    merchant = await service.load_merchant(rt, row["merchant_id"])
    if merchant.status != "closed":
        await transition_merchant(rt, row["merchant_id"], "closed", reason=row["reason"], by=service.BY)


TIMERS = {END: end_timer, START: start_timer}
