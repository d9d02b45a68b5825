"""Reading complaints: who the caller is to a complaint, whose move it is, and what each party sees.

Someone else's complaint answers ``404`` like a missing one. The merchant never sees the
complainant's identity or contact while ``reporter_confidential`` holds, nor messages
and questions meant for the complainant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from bazaar.plugins.complaints import policy, ports
from bazaar.plugins.complaints.errors import ComplaintNotFound
from bazaar.plugins.complaints.records import complaint, load, values
from bazaar.plugins.complaints.schemas import (
    ClockOut,
    ComplaintOut,
    ComplaintSummary,
    Deadline,
    InfoRequestOut,
    MessageOut,
    Move,
    RemedyOut,
    SubjectOut,
)
from bazaar.plugins.complaints.states import COMPLAINT, OPEN_STATES
from bazaar.sdk.api import Actor, Page, check_id
from bazaar.sdk.money import Money
from bazaar.sdk.runtime import PluginRuntime

Role = Literal["complainant", "merchant", "operator"]
ROLES: dict[str, tuple[str, ...]] = {"complainant": ("customer",), "merchant": ("merchant",), "operator": ("operator",)}
SEES = {"complainant": ("all", "complainant"), "merchant": ("all", "merchant"),
        "operator": ("all", "complainant", "merchant", "platform")}

#: state -> (party, action, which due time)
MOVES: dict[str, tuple[str, str | None, str | None]] = {
    "received": ("platform", "acknowledge", "clock:ack"),
    "investigating": ("platform", "report", "clock:investigate"),
    "awaiting_complainant": ("complainant", "answer", "answer"),
    "suspended": ("none", None, None),
    "reported": ("platform", "propose_plan", "clock:plan"),
    "plan_proposed": ("complainant", "accept_plan", "answer"),
    "escalated": ("platform", "propose_plan", "clock:plan"),
    "executing": ("platform", "execute_remedies", "clock:execute"),
    "resolved": ("complainant", "feedback", "answer"),
    "closed": ("none", None, None),
    "withdrawn": ("none", None, None),
}


def role_of(row: dict[str, Any], actor: Actor, *, merchant_id: str | None = None) -> Role:
    """The caller's part in a complaint; ``404`` for anyone else (as for a missing complaint)."""
    if merchant_id is not None:
        if row["merchant_id"] == merchant_id and (merchant_id in actor.merchants or actor.is_operator):
            return "merchant"
        raise ComplaintNotFound("no such complaint")
    if actor.user_id is not None and actor.user_id == row["complainant_id"]:
        return "complainant"
    if actor.is_operator:
        return "operator"
    raise ComplaintNotFound("no such complaint")


async def load_for(rt: PluginRuntime, complaint_id: str, actor: Actor, *, merchant_id: str | None = None,
                   lock: bool = False) -> tuple[dict[str, Any], Role]:
    """The complaint row and the caller's role in it."""
    row = await complaint(rt, complaint_id, lock=lock)
    return row, role_of(row, actor, merchant_id=merchant_id)


def whose_move(row: dict[str, Any], clocks: list[dict[str, Any]], requests: list[dict[str, Any]]) -> Move:
    """Who must act next and by when, from the state, the live clocks and open merchant questions."""
    party, action, due_key = MOVES[row["state"]]
    if row["state"] == "investigating":
        asked = [r for r in requests if r["party"] == "merchant" and r["status"] == "open"]
        if asked:
            first = min(asked, key=lambda r: r["due_at"])
            return Move(party="merchant", action="answer_info_request", due_at=first["due_at"])
    due: datetime | None = None
    if due_key == "answer":
        due = row["answer_due_at"]
    elif due_key and due_key.startswith("clock:"):
        live = [c for c in clocks if c["name"] == due_key[6:] and c["state"] in ("running", "paused")]
        due = live[-1]["due_at"] if live else None
    return Move(party=party, action=action, due_at=due)  # type: ignore[arg-type]


def reopen_until(rt: PluginRuntime, row: dict[str, Any]) -> datetime | None:
    """The end of the reopen window of a closed complaint."""
    if row["state"] != "closed" or row["closed_at"] is None:
        return None
    return policy.reopen_deadline(rt.calendar, row["closed_at"], int(values(rt)["reopen_days"]))


def allowed(rt: PluginRuntime, row: dict[str, Any], role: Role) -> list[str]:
    """The machine's actions for the caller's role, less those the window or the policy forbid now."""
    actions = COMPLAINT.allowed_actions(row["state"], ROLES[role])
    if "reopen" in actions:
        until = reopen_until(rt, row)
        if until is None or rt.clock.now() > until or not policy.unsatisfied(row["satisfaction"]):
            actions.remove("reopen")
    if "feedback" in actions and not values(rt)["satisfaction_survey"]:
        actions.remove("feedback")
    return actions


def _clock_out(c: dict[str, Any]) -> ClockOut:
    return ClockOut(id=c["id"], name=c["name"], round=c["round"], unit=c["unit"], amount=c["amount"],
                    actor=c["actor"], state=c["state"], started_at=c["started_at"], due_at=c["due_at"],
                    paused=c["state"] == "paused", warned_at=c["warned_at"], breached_at=c["breached_at"],
                    fulfilled_at=c["fulfilled_at"], calendar_version=c["calendar_version"])


def _remedy_out(r: dict[str, Any]) -> RemedyOut:
    amount = Money(amount=r["amount_minor"], currency=r["currency"]) if r["amount_minor"] is not None else None
    return RemedyOut(id=r["id"], plan_round=r["plan_round"], kind=r["kind"], amount=amount, payer=r["payer"],
                     measure=r["measure"], note=r["note"], status=r["status"], reference=r["reference"],
                     executed_at=r["executed_at"])


def deadlines(row: dict[str, Any], clocks: list[dict[str, Any]], requests: list[dict[str, Any]],
              until: datetime | None) -> list[Deadline]:
    """Every due time now in force: live clocks, open questions, the complainant's answer, the reopen window."""
    out = [Deadline(name=c["name"], due_at=c["due_at"], actor=c["actor"], calendar_version=c["calendar_version"])
           for c in clocks if c["state"] == "running" and c["due_at"] is not None and c["name"] != "merchant_reply"]
    out += [Deadline(name=f"info_request:{r['party']}", due_at=r["due_at"], actor=r["party"])
            for r in requests if r["status"] == "open"]
    answer = {"awaiting_complainant": "answer", "plan_proposed": "plan_answer", "resolved": "feedback"}
    if row["state"] in answer and row["answer_due_at"] is not None:
        out.append(Deadline(name=answer[row["state"]], due_at=row["answer_due_at"], actor="complainant"))
    if until is not None:
        out.append(Deadline(name="reopen", due_at=until, actor="complainant"))
    return sorted(out, key=lambda d: (d.due_at, d.name))


async def out(rt: PluginRuntime, row: dict[str, Any], role: Role) -> ComplaintOut:
    """The complaint as ``role`` may see it (read again: the caller's copy may be stale)."""
    row = await complaint(rt, row["id"])
    cid = row["id"]
    clocks = await rt.db.fetch("SELECT * FROM complaints_clock WHERE complaint_id = {} ORDER BY started_at, id", cid)
    requests = await rt.db.fetch(
        "SELECT * FROM complaints_info_request WHERE complaint_id = {} ORDER BY created_at, id", cid)
    remedies = await rt.db.fetch("SELECT * FROM complaints_remedy WHERE complaint_id = {} ORDER BY created_at, id",
                                 cid)
    messages = await rt.db.fetch("SELECT * FROM complaints_message WHERE complaint_id = {} ORDER BY created_at, id",
                                 cid)
    hidden = role == "merchant" and values(rt)["reporter_confidential"]
    party_ok = {"complainant": ("complainant",), "merchant": ("merchant",), "operator": ("complainant", "merchant")}
    until = reopen_until(rt, row)
    contact = ports.cipher(rt).decrypt(row["contact"]) if row["contact"] and not hidden else None  # type: ignore[arg-type]
    return ComplaintOut(
        id=cid, state=row["state"], category=row["category"], channel=row["channel"],
        subject=SubjectOut(type=row["subject_type"], id=row["subject_id"]), order_id=row["order_id"],
        merchant_id=row["merchant_id"], product_id=row["product_id"], description=row["description"],
        desired_outcome=row["desired_outcome"], complainant_id=None if hidden else row["complainant_id"],
        contact=contact, evidence_ids=load(row["evidence_ids"], []), round=row["round"],
        duplicate_of=row["duplicate_of"], duplicates=row["duplicates"], upheld=row["upheld"],
        responsible_party=row["responsible_party"], findings=row["findings"], outcome=row["outcome"],
        satisfaction=row["satisfaction"], escalated=bool(row["escalated"]), created_at=row["created_at"],
        closed_at=row["closed_at"], reopen_until=until, whose_move=whose_move(row, clocks, requests),
        clocks=[_clock_out(c) for c in clocks if role == "operator" or c["name"] != "merchant_reply"
                or role == "merchant"],
        deadlines=deadlines(row, clocks, [r for r in requests if r["party"] in party_ok[role]], until),
        allowed_actions=allowed(rt, row, role),
        remedies=[_remedy_out(r) for r in remedies],
        info_requests=[InfoRequestOut(id=r["id"], party=r["party"], question=r["question"], due_at=r["due_at"],
                                      status=r["status"], answered_at=r["answered_at"])
                       for r in requests if r["party"] in party_ok[role]],
        messages=[MessageOut(id=m["id"], author_role=m["author_role"], kind=m["kind"], body=m["body"],
                             visibility=m["visibility"], evidence_ids=load(m["evidence_ids"], []),
                             created_at=m["created_at"])
                  for m in messages if m["visibility"] in SEES[role]],
    )


async def summaries(rt: PluginRuntime, rows: list[dict[str, Any]]) -> list[ComplaintSummary]:
    """List items with whose move it is."""
    items = []
    for row in rows:
        clocks = await rt.db.fetch(
            "SELECT name, state, due_at FROM complaints_clock WHERE complaint_id = {} ORDER BY started_at, id",
            row["id"])
        requests = await rt.db.fetch(
            "SELECT party, status, due_at FROM complaints_info_request WHERE complaint_id = {} AND status = 'open'",
            row["id"])
        items.append(ComplaintSummary(id=row["id"], state=row["state"], category=row["category"],
                                      merchant_id=row["merchant_id"], created_at=row["created_at"],
                                      escalated=bool(row["escalated"]), whose_move=whose_move(row, clocks, requests)))
    return items


async def page(rt: PluginRuntime, where: str, args: list[Any], limit: int, cursor: str | None) -> Page[ComplaintSummary]:
    """Complaints matching ``where`` newest first, ``limit`` at a time after ``cursor`` (an id)."""
    if cursor:
        where += " AND id < {}"
        args = [*args, check_id(cursor, "cmp", "cursor")]
    rows = await rt.db.fetch(f"SELECT * FROM complaints_complaint WHERE {where} ORDER BY id DESC LIMIT {{}}",
                             *args, limit + 1)
    items = await summaries(rt, rows[:limit])
    return Page(items=items, next_cursor=rows[limit - 1]["id"] if len(rows) > limit else None)


async def queue(rt: PluginRuntime, state: str | None, limit: int, cursor: str | None) -> Page[ComplaintSummary]:
    """The operators' queue: complaints in ``state``, or every open one."""
    states = [state] if state else sorted(str(s) for s in OPEN_STATES)
    marks = ", ".join("{}" for _ in states)
    return await page(rt, f"state IN ({marks})", states, limit, cursor)
