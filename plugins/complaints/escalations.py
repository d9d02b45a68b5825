"""The supervisor queue: breached clocks (``escalate_on_breach``) and rejected plans."""

from __future__ import annotations

from typing import Any

from bazaar.plugins.complaints.errors import EscalationNotFound
from bazaar.plugins.complaints.events import ComplaintEscalated
from bazaar.plugins.complaints.records import complaint, for_update, set_complaint
from bazaar.sdk.api import new_id
from bazaar.sdk.runtime import PluginRuntime


async def escalate(rt: PluginRuntime, complaint_id: str, reason: str, *, clock_id: str | None = None) -> str:
    """Put a complaint in the supervisor queue (one entry per breached clock or rejected plan)."""
    row = await complaint(rt, complaint_id)
    escalation_id = new_id("esc")
    await rt.db.execute(
        "INSERT INTO complaints_escalation (id, complaint_id, clock_id, reason, created_at) VALUES ({}, {}, {}, {}, {})",
        escalation_id, complaint_id, clock_id, reason, rt.clock.now(),
    )
    await set_complaint(rt, complaint_id, escalated=True)
    await rt.emit(ComplaintEscalated(complaint_id=complaint_id, merchant_id=row["merchant_id"],
                                      category=row["category"], escalation_id=escalation_id, reason=reason,  # type: ignore[arg-type]
                                      clock_id=clock_id))
    return escalation_id


async def queue(rt: PluginRuntime, *, open_only: bool, limit: int) -> list[dict[str, Any]]:
    """Escalations oldest first (open ones only unless told otherwise)."""
    where = "WHERE e.resolved_at IS NULL " if open_only else ""
    return await rt.db.fetch(
        "SELECT e.*, c.state AS complaint_state, c.category, c.merchant_id FROM complaints_escalation e "
        f"JOIN complaints_complaint c ON c.id = e.complaint_id {where}ORDER BY e.created_at, e.id LIMIT {{}}",
        limit,
    )


async def resolve(rt: PluginRuntime, escalation_id: str, actor_id: str | None, note: str) -> dict[str, Any]:
    """A supervisor took the escalation in hand (with a note)."""
    async with rt.unit_of_work():
        row = await rt.db.fetchrow(
            f"SELECT * FROM complaints_escalation WHERE id = {{}}{for_update(rt)}", escalation_id
        )
        if row is None:
            raise EscalationNotFound("no such escalation")
        if row["resolved_at"] is None:
            now = rt.clock.now()
            await rt.db.execute(
                "UPDATE complaints_escalation SET resolved_at = {}, resolved_by = {}, note = {} WHERE id = {}",
                now, actor_id, note, escalation_id,
            )
            row = {**row, "resolved_at": now, "resolved_by": actor_id, "note": note}
        left = await rt.db.fetchrow(
            "SELECT COUNT(*) AS n FROM complaints_escalation WHERE complaint_id = {} AND resolved_at IS NULL",
            row["complaint_id"],
        )
        if left and int(left["n"]) == 0:
            await set_complaint(rt, row["complaint_id"], escalated=False)
        return row
