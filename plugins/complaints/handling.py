"""The complaint's way to closure: acknowledge, report, plan, answer, carry out, feedback, reopen.

Each step fires one event of :data:`states.COMPLAINT` inside one unit of work, fulfils the
clock it ends and starts the next one: ``ack`` (filing -> acknowledgement), ``investigate``
(acknowledgement or reopening -> report), ``plan`` (report or rejection -> plan),
``execute`` (acceptance -> remedies carried out).
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.complaints import (
    clockwork,
    conversation,
    escalations,
    policy,
    remedies,
    views,
)
from bazaar.plugins.complaints.conversation import ANSWER, cancel_windows, require, set_answer_due
from bazaar.plugins.complaints.errors import (
    ComplainantSatisfied,
    ComplaintInvalid,
    FeedbackDisabled,
    ReopenWindowClosed,
)
from bazaar.plugins.complaints.events import (
    ComplaintAcknowledged,
    ComplaintClosed,
    ComplaintReopened,
    ComplaintReported,
    ComplaintUpheld,
    PlanAnswered,
    PlanProposed,
)
from bazaar.plugins.complaints.records import complaint, move, note, set_complaint, values
from bazaar.plugins.complaints.schemas import (
    ComplaintOut,
    FeedbackIn,
    NoteIn,
    PlanIn,
    ReasonIn,
    ReportIn,
)
from bazaar.sdk.api import Actor
from bazaar.sdk.errors import FieldProblem
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due


def _fact(row: dict[str, Any]) -> dict[str, Any]:
    return {"complaint_id": row["id"], "merchant_id": row["merchant_id"], "category": row["category"]}


async def _fulfil(rt: PluginRuntime, complaint_id: str, name: str) -> bool:
    """Fulfil the live clock ``name``; ``True`` when it was late."""
    clock = await clockwork.open_clock(rt, complaint_id, name)
    if clock is None:
        return False
    view = await clockwork.fulfil(rt, clock)
    return view.breached_at is not None


async def acknowledge(rt: PluginRuntime, complaint_id: str, actor: Actor) -> ComplaintOut:
    """The platform confirms receipt: the ack clock is fulfilled, the investigation clock starts."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "operator")
        await move(rt, row, "acknowledge")
        late = await _fulfil(rt, complaint_id, "ack")
        await clockwork.start(rt, row, "investigate")
        await rt.emit(ComplaintAcknowledged(**_fact(row), late=late))
        return await views.out(rt, row, role)


async def report(rt: PluginRuntime, complaint_id: str, data: ReportIn, actor: Actor) -> ComplaintOut:
    """The investigation report; an upheld complaint emits ``complaints.upheld`` once."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "operator")
        if data.responsible_party == "merchant" and row["merchant_id"] is None:
            raise ComplaintInvalid("this complaint names no merchant", errors=[FieldProblem(
                field="responsible_party", reason="no merchant in this complaint", value="merchant")])
        await move(rt, row, "report", findings=data.findings, upheld=data.upheld,
                   responsible_party=data.responsible_party, reported_by=actor.user_id, reported_at=rt.clock.now())
        await _fulfil(rt, complaint_id, "investigate")
        await note(rt, complaint_id, "operator", actor.user_id, "report", data.findings, "all", data.evidence_ids)
        await clockwork.start(rt, row, "plan")
        await rt.emit(ComplaintReported(**_fact(row), upheld=data.upheld,
                                               responsible_party=data.responsible_party))
        if data.upheld and not row["upheld_emitted"]:
            await set_complaint(rt, complaint_id, upheld_emitted=True)
            merchant = row["merchant_id"] if data.responsible_party == "merchant" else None
            await rt.emit(ComplaintUpheld(complaint_id=complaint_id, merchant_id=merchant,
                                                 category=row["category"]))
        return await views.out(rt, row, role)


async def propose_plan(rt: PluginRuntime, complaint_id: str, data: PlanIn, actor: Actor) -> ComplaintOut:
    """Offer remedies; the complainant has ``complainant_reply_working_days`` to answer."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "operator")
        order = await remedies.check(rt, row, data.remedies)
        plan_round = int(row["plan_round"]) + 1
        await move(rt, row, "propose_plan", plan_round=plan_round, plan_note=data.note)
        await _fulfil(rt, complaint_id, "plan")
        await remedies.record(rt, row, plan_round, data.remedies, order)
        for open_one in await rt.db.fetch("SELECT id FROM complaints_escalation WHERE complaint_id = {} AND "
                                          "reason = 'plan_rejected' AND resolved_at IS NULL", complaint_id):
            await escalations.resolve(rt, open_one["id"], actor.user_id, "revised plan proposed")
        due = rt.calendar.add_working_days(rt.clock.now(), int(values(rt)["complainant_reply_working_days"]))
        await set_answer_due(rt, row, "plan_proposed", due)
        await note(rt, complaint_id, "operator", actor.user_id, "plan", data.note or "resolution plan", "all")
        await rt.emit(PlanProposed(**_fact(row), plan_round=plan_round, remedies=len(data.remedies)))
        return await views.out(rt, row, role)


async def _start_execution(rt: PluginRuntime, row: dict[str, Any], running: str | None = None) -> None:
    pending = await remedies.pending(rt, row["id"])
    if pending:
        await clockwork.start(rt, row, "execute")
    else:
        await complete_now(rt, row, running)


async def answer_plan(rt: PluginRuntime, complaint_id: str, accept: bool, data: ReasonIn | None,
                      actor: Actor) -> ComplaintOut:
    """Accept (carry out) or reject (escalate to a supervisor, who owes a revised plan) the plan."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "complainant")
        await cancel_windows(rt, complaint_id)
        if accept:
            await move(rt, row, "accept_plan", answer_due_at=None)
            await rt.emit(PlanAnswered(**_fact(row), accepted=True))
            await _start_execution(rt, row)
        else:
            await move(rt, row, "reject_plan", answer_due_at=None)
            await note(rt, complaint_id, "complainant", actor.user_id, "plan_rejected",
                       data.reason if data else "plan rejected", "complainant")
            await rt.emit(PlanAnswered(**_fact(row), accepted=False))
            await escalations.escalate(rt, complaint_id, "plan_rejected")
            await clockwork.start(rt, row, "plan")
        return await views.out(rt, row, role)


async def complete_now(rt: PluginRuntime, row: dict[str, Any], running: str | None = None) -> None:
    """Every remedy is carried out: resolved; the feedback window opens (or the complaint closes)."""
    await move(rt, row, "complete")
    await _fulfil(rt, row["id"], "execute")
    vals = values(rt)
    if vals["satisfaction_survey"]:
        await set_answer_due(rt, row, "resolved", rt.calendar.add_days(rt.clock.now(), int(vals["feedback_days"])))
    else:
        await _close(rt, row, "feedback_lapsed", "resolved", running=running)


async def complete(rt: PluginRuntime, complaint_id: str, data: NoteIn, actor: Actor) -> ComplaintOut:
    """An operator records that the plan was carried out (remedies done outside money calls)."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "operator")
        await remedies.mark_all_done(rt, row, actor, data.note)
        await complete_now(rt, row)
        return await views.out(rt, row, role)


async def _close(rt: PluginRuntime, row: dict[str, Any], event: str, outcome: str, *, running: str | None = None,
                 **sets: Any) -> None:
    now = rt.clock.now()
    await move(rt, row, event, outcome=outcome, closed_at=now, answer_due_at=None, **sets)
    await clockwork.stop_all(rt, row["id"], outcome)
    await cancel_windows(rt, row["id"], running=running)
    await rt.emit(ComplaintClosed(**_fact(row), outcome=outcome, upheld=row["upheld"],
                                         satisfaction=row.get("satisfaction")))


async def feedback(rt: PluginRuntime, complaint_id: str, data: FeedbackIn, actor: Actor) -> ComplaintOut:
    """Satisfaction 1-5 after the plan was carried out; the complaint closes."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "complainant")
        if not values(rt)["satisfaction_survey"]:
            raise FeedbackDisabled("this marketplace asks no satisfaction score")
        await _close(rt, row, "feedback", "resolved", satisfaction=data.score, feedback_comment=data.comment)
        return await views.out(rt, row, role)


async def close(rt: PluginRuntime, complaint_id: str, data: ReasonIn, actor: Actor) -> ComplaintOut:
    """A supervisor closes an escalated complaint without an accepted plan (outcome ``unresolved``)."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "operator")
        await _close(rt, row, "close", "unresolved")
        await note(rt, complaint_id, "operator", actor.user_id, "decision", data.reason, "all")
        return await views.out(rt, row, role)


async def reopen(rt: PluginRuntime, complaint_id: str, data: ReasonIn, actor: Actor) -> ComplaintOut:
    """An unsatisfied complainant reopens within ``reopen_days`` of closure: a new investigation round."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "complainant")
        until = views.reopen_until(rt, row)
        if row["state"] == "closed":
            if until is None or rt.clock.now() > until:
                raise ReopenWindowClosed(f"a complaint may be reopened until {until.isoformat() if until else '-'}",
                                         extra={"deadline": until.isoformat() if until else None})
            if not policy.unsatisfied(row["satisfaction"]):
                raise ComplainantSatisfied("you rated the outcome as satisfying")
        new_round = int(row["round"]) + 1
        await move(rt, row, "reopen", round=new_round, outcome=None, closed_at=None)
        await note(rt, complaint_id, "complainant", actor.user_id, "reopened", data.reason, "all")
        await clockwork.start(rt, row, "investigate")
        await rt.emit(ComplaintReopened(**_fact(row), round=new_round))
        return await views.out(rt, row, role)


async def withdraw(rt: PluginRuntime, complaint_id: str, actor: Actor) -> ComplaintOut:
    """The complainant withdraws: every clock stops."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "complainant")
        await _close(rt, row, "withdraw", "withdrawn")
        return await views.out(rt, row, role)


async def on_answer_due(rt: PluginRuntime, due: Due) -> None:
    """Timer ``complaints.answer_due``: the complainant stayed silent (question, plan or feedback)."""
    complaint_id, _, state = due.subject.partition(":")
    row = await complaint(rt, complaint_id, lock=True)
    if row["state"] != state or row["answer_due_at"] is None or rt.clock.now() < row["answer_due_at"]:
        return
    if state == "awaiting_complainant":
        await conversation.reply_lapsed(rt, row)
    elif state == "plan_proposed":
        await move(rt, row, "plan_lapsed", answer_due_at=None)
        await rt.emit(PlanAnswered(**_fact(row), accepted=True, lapsed=True))
        await _start_execution(rt, row, running=state)
    elif state == "resolved":
        await _close(rt, row, "feedback_lapsed", "resolved", running=state)


TIMERS = {ANSWER: on_answer_due}


async def execute_remedy(rt: PluginRuntime, complaint_id: str, remedy_id: str, data: NoteIn,
                         actor: Actor) -> ComplaintOut:
    """Carry out one remedy (money through the payment provider); the last one resolves the complaint."""
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor, lock=True)
        require(role, "operator")
        was_executing = row["state"] == "executing"
        if await remedies.execute(rt, row, remedy_id, actor, data.note) and was_executing:
            await complete_now(rt, row)
        return await views.out(rt, row, role)
