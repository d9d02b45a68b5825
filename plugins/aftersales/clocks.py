"""The ``aftersales.clock`` timer: when the clock of a waiting state runs out, its automatic outcome.

One timer per case and state (subject ``<case id>|<state>``), set when the case enters a state
with a clock and cancelled when it leaves it; a timer whose case has moved on does nothing. Each expiry is recorded on the case
(``missed_deadlines``: a later action by that party is refused naming it) and emitted as
``aftersales.deadline_missed``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bazaar.plugins.aftersales import handling, intervention, returns
from bazaar.plugins.aftersales.cases import RUNNING, dump, jsonish, load, move
from bazaar.plugins.aftersales.events import DeadlineMissed
from bazaar.plugins.aftersales.states import CLOCKS, CaseEvent, CaseState
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due

S, E = CaseState, CaseEvent


def _aware(value: Any) -> datetime:
    from datetime import UTC

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def fire(rt: PluginRuntime, due: Due) -> None:
    """Timer ``aftersales.clock``: apply the automatic outcome of the case's current clock."""
    row = await load(rt, due.subject.split("|", 1)[0], for_update=True)
    if row["state"] != due.payload.get("state") or row["due_at"] is None or _aware(row["due_at"]) > rt.clock.now():
        return
    token = RUNNING.set(due.subject)
    try:
        await _expire(rt, row)
    finally:
        RUNNING.reset(token)


async def _expire(rt: PluginRuntime, row: dict[str, Any]) -> None:
    state = CaseState(row["state"])
    clock = CLOCKS[state]
    due_at = _aware(row["due_at"])
    note = f"deadline {clock.name} passed at {due_at.isoformat()}"
    missed = [*jsonish(row["missed_deadlines"], []),
              {"name": clock.name, "due_at": due_at.isoformat(), "actor": clock.actor, "outcome": str(clock.on_expiry)}]
    await rt.db.execute("UPDATE aftersales_case SET missed_deadlines = {} WHERE id = {}", dump(missed), row["id"])
    row = {**row, "missed_deadlines": dump(missed)}
    await rt.emit(DeadlineMissed(case_id=row["id"], order_id=row["order_id"], merchant_id=row["merchant_id"],
                                 clock=clock.name, actor=clock.actor, due_at=due_at, outcome=str(clock.on_expiry)))
    await outcome(rt, state, row, note)


async def outcome(rt: PluginRuntime, state: CaseState, row: dict[str, Any], note: str) -> dict[str, Any]:
    """What silence means in each waiting state (see the table in docs/aftersales.md)."""
    sys: dict[str, Any] = {"actor": "system", "note": note}
    if state in (S.requested, S.reviewing):
        return await handling.accepted(rt, row, actor="system", actor_id=None, note=note, auto=True)
    if state in (S.info_requested, S.awaiting_buyer_shipment):
        return await move(rt, row, E.lapse, outcome="lapsed", **sys)
    if state == S.intercepting:
        return await move(rt, row, E.intercept_failed, **sys)
    if state == S.awaiting_return_address:
        return await move(rt, row, E.address_missed, changes={"escalated_by": "system", "escalated_at": rt.clock.now()},
                          **sys)
    if state in (S.return_in_transit, S.return_delivered):
        return await returns.deemed_received(rt, row, note)
    if state in (S.non_compliant, S.rejected):
        return await handling.concede(rt, row, actor="system", actor_id=None, note=note)
    if state in (S.escalated, S.appealed):
        return await move(rt, row, E.mark_overdue, changes={"overdue": True}, **sys)
    if state == S.awaiting_evidence:
        return await move(rt, row, E.evidence_window_closed, **sys)
    if state == S.ruled:
        return await intervention.execute(rt, row, actor="system", actor_id=None, note=note)
    if state == S.awaiting_replacement:
        received: dict[str, int] = {}
        for ln in await rt.db.fetch("SELECT * FROM aftersales_case_line WHERE case_id = {}", row["id"]):
            received[ln["order_line_id"]] = received.get(ln["order_line_id"], 0) + int(ln["received_quantity"] or 0)
        return await handling.outcome_refund(rt, row, units=received, event=E.replacement_missed, actor="system",
                                             actor_id=None, note=note)
    if state == S.replacement_shipped:
        return await move(rt, row, E.confirm_replacement, outcome="exchanged", **sys)
    if state == S.repairing:
        return await move(rt, row, E.repair_overdue, changes={"repair_failures": int(row["repair_failures"]) + 1}, **sys)
    if state == S.repair_returned:
        return await move(rt, row, E.confirm_repair, outcome="repaired", **sys)
    if state == S.repair_failed:
        return await returns.choose(rt, None, row["id"], True, row=row)  # type: ignore[no-any-return]
    raise AssertionError(f"no automatic outcome for {state}")
