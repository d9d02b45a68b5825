"""Messages, information requests and answers, suspension: how the parties talk and wait.

A question to the complainant pauses the investigation clock (the only pause besides a
suspension for a court or police case) and gives the complainant
``complainant_reply_working_days``; a question to the merchant never pauses it and runs a
``merchant_reply`` clock of ``merchant_reply_hours``.
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.complaints import clockwork, evidence, views
from bazaar.plugins.complaints.errors import (
    AlreadyAnswered,
    ComplaintInvalid,
    InfoRequestNotFound,
    WrongParty,
)
from bazaar.plugins.complaints.records import for_update, move, note, set_complaint, values
from bazaar.plugins.complaints.schemas import (
    AnswerIn,
    ComplaintOut,
    InfoRequestIn,
    MessageIn,
    ReasonIn,
)
from bazaar.plugins.complaints.states import OPEN_STATES
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import FieldProblem, InvalidTransition
from bazaar.sdk.runtime import PluginRuntime

ANSWER = "complaints.answer_due"
#: the complainant's windows; each has its own timer ``(ANSWER, "<complaint id>:<state>")``
WINDOWS = ("awaiting_complainant", "plan_proposed", "resolved")
#: who may write with which visibility
VISIBILITY = {"complainant": ("all", "complainant"), "merchant": ("all", "merchant"),
              "operator": ("all", "complainant", "merchant", "platform")}


def require(role: str, *allowed: str) -> None:
    """``403 complaints.forbidden_role`` unless the caller's role is one of ``allowed``."""
    if role not in allowed:
        raise WrongParty(f"this action belongs to the {' or '.join(allowed)}")


async def post_message(rt: PluginRuntime, complaint_id: str, data: MessageIn, actor: Actor,
                       merchant_id: str | None = None) -> ComplaintOut:
    """Add a message; each party writes to everyone or to the platform only."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, merchant_id=merchant_id, lock=True)
        if data.visibility not in VISIBILITY[role]:
            raise ComplaintInvalid("visibility not allowed", errors=[FieldProblem(
                field="visibility", reason="one of: " + ", ".join(VISIBILITY[role]), value=data.visibility)])
        if row["state"] == "withdrawn":
            raise InvalidTransition("a withdrawn complaint takes no messages", extra={"from": row["state"]})
        await evidence.check(rt, data.evidence_ids, actor.user_id or "", actor, field="evidence_ids")
        await note(rt, complaint_id, role, actor.user_id, "message", data.body, data.visibility, data.evidence_ids)
        return await views.out(rt, row, role)


async def _pause_investigation(rt: PluginRuntime, complaint_id: str, reason: str) -> None:
    clock = await clockwork.open_clock(rt, complaint_id, "investigate")
    if clock is not None and clock["state"] == "running":
        await clockwork.pause(rt, clock, reason)


async def _resume_investigation(rt: PluginRuntime, complaint_id: str) -> None:
    clock = await clockwork.open_clock(rt, complaint_id, "investigate")
    if clock is not None and clock["state"] == "paused":
        await clockwork.resume(rt, clock)


async def request_info(rt: PluginRuntime, complaint_id: str, data: InfoRequestIn, actor: Actor) -> ComplaintOut:
    """Ask the complainant (the investigation clock pauses) or the merchant (its own clock runs)."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "operator")
        request_id = new_id("cir")
        now = rt.clock.now()
        if data.party == "complainant":
            due = rt.calendar.add_working_days(now, int(values(rt)["complainant_reply_working_days"]))
            await move(rt, row, "request_info")
            await set_answer_due(rt, row, "awaiting_complainant", due)
            await _pause_investigation(rt, complaint_id, "awaiting_complainant")
        else:
            if row["merchant_id"] is None:
                raise ComplaintInvalid("this complaint names no merchant",
                                       errors=[FieldProblem(field="party", reason="no merchant to ask")])
            if row["state"] not in OPEN_STATES or row["state"] == "suspended":
                raise InvalidTransition("the merchant is asked only while the complaint is handled",
                                        extra={"from": row["state"]})
            due = None
        await rt.db.execute(
            "INSERT INTO complaints_info_request (id, complaint_id, party, question, due_at, status, created_by, "
            "created_at) VALUES ({}, {}, {}, {}, {}, 'open', {}, {})",
            request_id, complaint_id, data.party, data.question, due or now, actor.user_id, now,
        )
        if data.party == "merchant":
            clock = await clockwork.start(rt, row, "merchant_reply", info_request_id=request_id)
            await rt.db.execute("UPDATE complaints_info_request SET due_at = {} WHERE id = {}", clock["due_at"],
                                request_id)
        await note(rt, complaint_id, "operator", actor.user_id, "question", data.question,
                   "complainant" if data.party == "complainant" else "merchant")
        return await views.out(rt, row, role)


async def _open_request(rt: PluginRuntime, complaint_id: str, party: str, request_id: str | None) -> dict[str, Any]:
    if request_id is None:
        found = await rt.db.fetchrow(
            "SELECT * FROM complaints_info_request WHERE complaint_id = {} AND party = {} AND status = 'open' "
            f"ORDER BY created_at DESC LIMIT 1{for_update(rt)}", complaint_id, party)
    else:
        found = await rt.db.fetchrow(
            f"SELECT * FROM complaints_info_request WHERE id = {{}} AND complaint_id = {{}} AND party = {{}}{for_update(rt)}",
            request_id, complaint_id, party)
    if found is None:
        raise InfoRequestNotFound("no such question")
    if found["status"] != "open":
        raise AlreadyAnswered("this question was answered already")
    return found


async def answer(rt: PluginRuntime, complaint_id: str, data: AnswerIn, actor: Actor) -> ComplaintOut:
    """The complainant answers the open question: the investigation clock resumes."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "complainant")
        await evidence.check(rt, data.evidence_ids, row["complainant_id"], actor, field="evidence_ids")
        await move(rt, row, "answer", answer_due_at=None)
        request = await _open_request(rt, complaint_id, "complainant", None)
        await rt.db.execute("UPDATE complaints_info_request SET status = 'answered', answered_at = {} WHERE id = {}",
                            rt.clock.now(), request["id"])
        await note(rt, complaint_id, "complainant", actor.user_id, "answer", data.body, "complainant",
                   data.evidence_ids)
        await cancel_windows(rt, complaint_id)
        await _resume_investigation(rt, complaint_id)
        return await views.out(rt, row, role)


async def merchant_answer(rt: PluginRuntime, merchant_id: str, complaint_id: str, request_id: str, data: AnswerIn,
                          actor: Actor) -> ComplaintOut:
    """The merchant answers a question: its clock is fulfilled (late when breached)."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, merchant_id=merchant_id, lock=True)
        await evidence.check(rt, data.evidence_ids, actor.user_id or "", actor, field="evidence_ids")
        request = await _open_request(rt, complaint_id, "merchant", request_id)
        await rt.db.execute("UPDATE complaints_info_request SET status = 'answered', answered_at = {} WHERE id = {}",
                            rt.clock.now(), request["id"])
        clock = await clockwork.for_request(rt, request["id"])
        if clock is not None:
            await clockwork.fulfil(rt, clock)
        await note(rt, complaint_id, "merchant", actor.user_id, "answer", data.body, "merchant", data.evidence_ids)
        return await views.out(rt, row, role)


async def reply_lapsed(rt: PluginRuntime, row: dict[str, Any]) -> None:
    """The complainant did not answer in time: the question lapses and the investigation resumes."""
    await move(rt, row, "reply_lapsed", answer_due_at=None)
    await rt.db.execute("UPDATE complaints_info_request SET status = 'lapsed' WHERE complaint_id = {} AND "
                        "party = 'complainant' AND status = 'open'", row["id"])
    await _resume_investigation(rt, row["id"])


async def suspend(rt: PluginRuntime, complaint_id: str, data: ReasonIn, actor: Actor) -> ComplaintOut:
    """A court or police case is pending: the complaint and its investigation clock are suspended."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "operator")
        await move(rt, row, "suspend", suspended_reason=data.reason, answer_due_at=None)
        await rt.db.execute("UPDATE complaints_info_request SET status = 'withdrawn' WHERE complaint_id = {} AND "
                            "party = 'complainant' AND status = 'open'", complaint_id)
        await cancel_windows(rt, complaint_id)
        await _pause_investigation(rt, complaint_id, "suspended")
        await note(rt, complaint_id, "operator", actor.user_id, "decision", f"suspended: {data.reason}", "all")
        return await views.out(rt, row, role)


async def resume(rt: PluginRuntime, complaint_id: str, data: ReasonIn, actor: Actor) -> ComplaintOut:
    """The outside case ended: the investigation continues where its clock stopped."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "operator")
        await move(rt, row, "resume", suspended_reason=None)
        await _resume_investigation(rt, complaint_id)
        await note(rt, complaint_id, "operator", actor.user_id, "decision", f"resumed: {data.reason}", "all")
        return await views.out(rt, row, role)


async def set_answer_due(rt: PluginRuntime, row: dict[str, Any], state: str, due: Any) -> None:
    """The complainant's window in ``state`` ends at ``due`` (a timer acts on silence)."""
    await set_complaint(rt, row["id"], answer_due_at=due)
    row["answer_due_at"] = due
    await rt.timers.schedule(ANSWER, f"{row['id']}:{state}", due, {"state": state})


async def cancel_windows(rt: PluginRuntime, complaint_id: str, *, running: str | None = None) -> None:
    """Cancel the complainant's pending window timers (but the one whose handler is running)."""
    for state in WINDOWS:
        if state != running:
            await rt.timers.cancel(ANSWER, f"{complaint_id}:{state}")
