"""Appeals against decisions on a merchant or its listing (``appeal_window_days``; DSA 20).

A merchant appeals an upheld complaint against it or an IP takedown of its listing within
the window (from the decision); a person other than the one who decided reviews it
(``409 complaints.same_reviewer`` otherwise). An overturned takedown lifts the measure;
every decision emits ``complaints.appeal_decided``. With no window (``cn``: null) appeals
are not offered here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bazaar.plugins.complaints import ip
from bazaar.plugins.complaints.errors import (
    AppealNotFound,
    AppealsNotOffered,
    AppealWindowClosed,
    SameReviewer,
)
from bazaar.plugins.complaints.events import AppealDecided
from bazaar.plugins.complaints.records import for_update, values
from bazaar.plugins.complaints.schemas_ip import AppealCreate, AppealOut
from bazaar.plugins.complaints.states import APPEAL
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import FieldProblem, ValidationFailed
from bazaar.sdk.runtime import PluginRuntime


def _out(r: dict[str, Any], roles: tuple[str, ...]) -> AppealOut:
    return AppealOut(id=r["id"], merchant_id=r["merchant_id"], decision_kind=r["decision_kind"],
                     decision_id=r["decision_id"], grounds=r["grounds"], state=r["state"], created_at=r["created_at"],
                     reviewer_id=r["reviewer_id"], reason=r["reason"], decided_at=r["decided_at"],
                     allowed_actions=APPEAL.allowed_actions(r["state"], roles))


async def _decision(rt: PluginRuntime, merchant_id: str, data: AppealCreate) -> tuple[datetime, str | None]:
    """When the appealed decision was taken and by whom (``422`` when it is not against this merchant)."""
    missing = ValidationFailed("no such decision against this merchant", code="complaints.invalid",
                               errors=[FieldProblem(field="decision_id", reason="no decision against you")])
    if data.decision_kind == "complaint":
        row = await rt.db.fetchrow("SELECT merchant_id, upheld, responsible_party, reported_at, reported_by "
                                   "FROM complaints_complaint WHERE id = {}", data.decision_id)
        if row is None or row["merchant_id"] != merchant_id or not row["upheld"] or row["responsible_party"] != "merchant":
            raise missing
        return row["reported_at"], row["reported_by"]
    row = await rt.db.fetchrow("SELECT merchant_id, forwarded_at, decided_by FROM complaints_ip_notice WHERE id = {}",
                               data.decision_id)
    if row is None or row["merchant_id"] != merchant_id or row["forwarded_at"] is None:
        raise missing
    return row["forwarded_at"], row["decided_by"]


async def file(rt: PluginRuntime, merchant_id: str, data: AppealCreate, actor: Actor) -> AppealOut:
    """File an appeal within the window."""
    window = values(rt)["appeal_window_days"]
    if window is None:
        raise AppealsNotOffered("this marketplace's policy offers no appeal here")
    async with rt.unit_of_work():
        decided_at, decided_by = await _decision(rt, merchant_id, data)
        until = decided_at + timedelta(days=int(window))
        if rt.clock.now() > until:
            raise AppealWindowClosed(f"appeals close {window} days after the decision",
                                     extra={"deadline": until.isoformat()})
        appeal_id = new_id("apl")
        await rt.db.execute(
            "INSERT INTO complaints_appeal (id, merchant_id, decision_kind, decision_id, decided_by_first, grounds, "
            "state, filed_by, created_at) VALUES ({}, {}, {}, {}, {}, {}, 'filed', {}, {})",
            appeal_id, merchant_id, data.decision_kind, data.decision_id, decided_by, data.grounds, actor.user_id,
            rt.clock.now(),
        )
        row = await rt.db.fetchrow("SELECT * FROM complaints_appeal WHERE id = {}", appeal_id)
        return _out(row, ("merchant",))  # type: ignore[arg-type]


async def decide(rt: PluginRuntime, appeal_id: str, overturn: bool, reason: str, actor: Actor) -> AppealOut:
    """A second person upholds or overturns the decision; an overturned takedown reinstates the listing."""
    async with rt.unit_of_work():
        row = await rt.db.fetchrow(f"SELECT * FROM complaints_appeal WHERE id = {{}}{for_update(rt)}", appeal_id)
        if row is None:
            raise AppealNotFound("no such appeal")
        outcome = str(APPEAL.transition(row["state"], "overturn" if overturn else "uphold"))
        if actor.user_id is not None and actor.user_id == row["decided_by_first"]:
            raise SameReviewer("the person who took the decision cannot review the appeal")
        now = rt.clock.now()
        await rt.db.execute("UPDATE complaints_appeal SET state = {}, reviewer_id = {}, reason = {}, decided_at = {} "
                            "WHERE id = {}", outcome, actor.user_id, reason, now, appeal_id)
        if overturn and row["decision_kind"] == "ip_notice":
            notice = await rt.db.fetchrow(
                f"SELECT * FROM complaints_ip_notice WHERE id = {{}}{for_update(rt)}", row["decision_id"])
            if notice is not None and notice["state"] in ("removed", "declared"):
                await ip.decide(rt, notice["id"], True, f"appeal {appeal_id} overturned the takedown: {reason}", actor)
        await rt.emit(AppealDecided(appeal_id=appeal_id, merchant_id=row["merchant_id"],
                                           decision_kind=row["decision_kind"], decision_id=row["decision_id"],
                                           outcome=outcome))  # type: ignore[arg-type]
        row = await rt.db.fetchrow("SELECT * FROM complaints_appeal WHERE id = {}", appeal_id)
        return _out(row, ("operator",))  # type: ignore[arg-type]


async def listing(rt: PluginRuntime, *, merchant_id: str | None, limit: int, roles: tuple[str, ...]) -> list[AppealOut]:
    """Appeals newest first (of one merchant, or all)."""
    where, args = ("WHERE merchant_id = {} ", [merchant_id]) if merchant_id else ("", [])
    rows = await rt.db.fetch(f"SELECT * FROM complaints_appeal {where}ORDER BY created_at DESC, id DESC LIMIT {{}}",
                             *args, limit)
    return [_out(r, roles) for r in rows]
