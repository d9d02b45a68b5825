"""Cases: loading them for a caller (someone else's case is a 404), moving them through the machine
(history, clock, events, closing), and how they read (``allowed_actions`` and ``deadlines``)."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

import msgspec

from bazaar.plugins.aftersales import policy, ports
from bazaar.plugins.aftersales.breakdown import Breakdown
from bazaar.plugins.aftersales.events import CaseClosed, CaseMoved
from bazaar.plugins.aftersales.schemas import (
    CaseLineOut,
    CaseOut,
    CaseSummary,
    Deadline,
    HistoryOut,
    RulingOut,
)
from bazaar.plugins.aftersales.states import CASE, CLOCKS, CaseEvent, CaseState, allowed_actions
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import Conflict, NotFound, PermissionDenied
from bazaar.sdk.money import Money
from bazaar.sdk.runtime import PluginRuntime

CLOCK_TIMER = "aftersales.clock"
#: the clock timer being run (its own transition must not cancel it: the worker finishes it)
RUNNING: ContextVar[str | None] = ContextVar("aftersales_running_clock", default=None)
_RULES: dict[int, tuple[Any, dict[str, Any]]] = {}


def rules(rt: PluginRuntime) -> dict[str, Any]:
    """The policy values in force (cached per config object)."""
    config = rt.plugin_config(ports.PLUGIN)
    hit = _RULES.get(id(config))
    if hit is None or hit[0] is not config:
        hit = (config, policy.values(config))
        _RULES[id(config)] = hit
    return hit[1]


def jsonish(value: Any, default: Any) -> Any:
    """A JSON column as Python (SQLite answers text; PostgreSQL may too)."""
    if isinstance(value, str | bytes):
        return msgspec.json.decode(value) if value else default
    return default if value is None else value


def clock_key(case_id: str, state: str) -> str:
    """The timer subject of one state's clock of a case (one timer per case and state)."""
    return f"{case_id}|{state}"


def dump(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def lock(rt: PluginRuntime) -> str:
    return " FOR UPDATE" if rt.db.engine_name == "postgres" else ""


async def load(rt: PluginRuntime, case_id: str, *, for_update: bool = False) -> dict[str, Any]:
    row = await rt.db.fetchrow(f"SELECT * FROM aftersales_case WHERE id = {{}}{lock(rt) if for_update else ''}", case_id)
    if row is None:
        raise NotFound("no such case", code="aftersales.case_not_found")
    return row


def roles_of(row: dict[str, Any], actor: Actor) -> set[str]:
    """The caller's roles in this case: the buyer, the merchant's staff, platform staff."""
    roles = set()
    if actor.user_id and actor.user_id == row["customer_id"]:
        roles.add("customer")
    if row["merchant_id"] in actor.merchants:
        roles.add("merchant")
    if actor.is_operator:
        roles.add("operator")
    return roles


async def for_actor(rt: PluginRuntime, case_id: str, actor: Actor, *, for_update: bool = False) -> tuple[dict[str, Any], set[str]]:
    """The case and the caller's roles in it; a case the caller is no party to is a 404."""
    row = await load(rt, case_id, for_update=for_update)
    roles = roles_of(row, actor)
    if not roles:
        raise NotFound("no such case", code="aftersales.case_not_found")
    return row, roles


# --- clocks -----------------------------------------------------------------------------------


def due_for(rt: PluginRuntime, state: str, row: dict[str, Any], now: datetime) -> datetime | None:
    """When the clock of ``state`` runs out for this case (``None``: no clock, e.g. eu repairs)."""
    clock = CLOCKS.get(CaseState(state))
    if clock is None:
        return None
    r, cal = rules(rt), rt.calendar
    value = r[clock.key]
    if value is None:
        return None
    if clock.key.endswith("_hours"):
        return now + timedelta(hours=value)
    if clock.key == "ruling_working_days":
        return cal.add_working_days(now, value)
    if clock.key == "refund.deadline_days":
        received = row.get("received_at") or now
        anchor = row["requested_at"] if r["refund.anchor"] == "withdrawal_notice" else received
        return max(cal.add_days(anchor, value), cal.end_of_day(cal.local_date(received)))
    return cal.add_days(now, value)


def deadline_passed(row: dict[str, Any], now: datetime) -> Conflict | None:
    """``409 aftersales.deadline_passed`` naming the clock, when the current one has run out."""
    due = row["due_at"]
    if due is not None and due <= now and row["clock"] and not row["overdue"]:
        return Conflict(f"the {row['clock']} deadline passed at {due.isoformat()}", code="aftersales.deadline_passed",
                        extra={"deadline": {"name": row["clock"], "due_at": due.isoformat(), "actor": row["clock_actor"]}})
    return None


async def require(rt: PluginRuntime, row: dict[str, Any], event: CaseEvent, roles: set[str]) -> None:
    """Refuse an action the caller may not take now: the wrong party (403), a clock that ran out
    (409 naming the deadline, also when its automatic outcome already moved the case), or a state
    that does not take it (409 ``invalid_transition``)."""
    allowed = CASE.actors.get(event, frozenset())
    if not roles & allowed:
        raise PermissionDenied(f"{event} is not for you to do on this case", code="aftersales.not_your_action")
    late = deadline_passed(row, rt.clock.now())
    if late is not None:
        raise late
    if not CASE.can(row["state"], event):
        missed = [m for m in jsonish(row["missed_deadlines"], []) if m.get("actor") in roles]
        if missed:
            last = missed[-1]
            raise Conflict(f"too late: the {last['name']} deadline passed at {last['due_at']} ({last['outcome']})",
                           code="aftersales.deadline_passed", extra={"deadline": last, "state": row["state"]})
        CASE.transition(row["state"], event)  # raises 409 invalid_transition with what is allowed


async def move(rt: PluginRuntime, row: dict[str, Any], event: CaseEvent, *, actor: str, actor_id: str | None = None,
               note: str | None = None, changes: dict[str, Any] | None = None, outcome: str | None = None) -> dict[str, Any]:
    """Apply ``event``: write the new state, its clock and the history line, emit ``aftersales.case_moved``;
    entering ``closed`` records the outcome, releases unrefunded claims and lowers the order's flag."""
    target = CASE.transition(row["state"], event)
    now = rt.clock.now()
    sets: dict[str, Any] = {"state": str(target), "updated_at": now, **(changes or {})}
    merged = {**row, **sets}
    clock = CLOCKS.get(target)
    due = due_for(rt, str(target), merged, now) if target != row["state"] or event == CaseEvent.mark_overdue else row["due_at"]
    if target != row["state"]:
        sets.update(clock=clock.name if clock and due else None, clock_actor=clock.actor if clock and due else None,
                    due_at=due, overdue=False, calendar_version=rt.calendar.version)
        old = clock_key(row["id"], row["state"])
        if old != RUNNING.get():
            await rt.timers.cancel(CLOCK_TIMER, old)
        if due is not None:
            await rt.timers.schedule(CLOCK_TIMER, clock_key(row["id"], str(target)), due, {"state": str(target)})
    if target == CaseState.closed:
        sets.update(outcome=outcome or "cancelled", closed_at=now,
                    archive_until=now + timedelta(days=rules(rt)["retention.aftersales_days"]))
    columns = ", ".join(f"{c} = {{}}" for c in sets)
    await rt.db.execute(f"UPDATE aftersales_case SET {columns} WHERE id = {{}}", *sets.values(), row["id"])
    await rt.db.execute(
        "INSERT INTO aftersales_history (id, case_id, from_state, to_state, event, actor, actor_id, note, at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})",
        new_id("ash"), row["id"], row["state"], str(target), str(event), actor, actor_id, note, now,
    )
    after = await load(rt, row["id"])
    await rt.emit(CaseMoved(case_id=row["id"], order_id=row["order_id"], merchant_id=row["merchant_id"],
                            customer_id=row["customer_id"], from_state=row["state"], to_state=str(target),
                            event=str(event), actor=actor))
    if target == CaseState.closed:
        await _closed(rt, after)
    return after


async def _closed(rt: PluginRuntime, row: dict[str, Any]) -> None:
    await rt.timers.schedule("aftersales.archive", row["id"], row["archive_until"], {})
    lines = await rt.db.fetch("SELECT * FROM aftersales_case_line WHERE case_id = {}", row["id"])
    for line in lines:
        await rt.db.execute(
            "UPDATE aftersales_line_cap SET claimed_quantity = claimed_quantity - {} WHERE id = {}",
            line["quantity"], f"{row['order_id']}:{line['order_line_id']}",
        )
    rows = await rt.db.execute(
        "UPDATE aftersales_order SET open_cases = open_cases - 1, updated_at = {} WHERE order_id = {} "
        "RETURNING open_cases", rt.clock.now(), row["order_id"])
    if rows and int(rows[0]["open_cases"]) <= 0:
        await ports.set_open(rt, row["order_id"], False, row["id"])
    for e in await rt.db.fetch("SELECT file_id FROM aftersales_evidence WHERE case_id = {}", row["id"]):
        await rt.files.set_legal_hold(e["file_id"], False)  # kept from now on for its retention date
    refunded = Money(amount=int(row["refunded_minor"]), currency=row["currency"]) if row["refunded_minor"] else None
    await rt.emit(CaseClosed(
        case_id=row["id"], order_id=row["order_id"], merchant_id=row["merchant_id"], outcome=row["outcome"],
        refunded=refunded, auto_accepted=bool(row["auto_accepted"]),
        ruled_against_merchant=bool(row["ruled_against_merchant"]), case_type=row["type"],
        customer_id=row["customer_id"],
    ))


# --- reading -----------------------------------------------------------------------------------


def penalty_exposure(rt: PluginRuntime, row: dict[str, Any], now: datetime) -> bool:
    """Goods received more than ``refund.penalty_line_days`` ago and still no refund (7DR 31)."""
    days = rules(rt)["refund.penalty_line_days"]
    if days is None or row["received_at"] is None or row["refunded_minor"] or row["state"] == "closed":
        return False
    return now > rt.calendar.add_days(row["received_at"], days)


def deadlines(rt: PluginRuntime, row: dict[str, Any]) -> list[Deadline]:
    if row["due_at"] is None or row["state"] == "closed":
        return []
    clock = CLOCKS[CaseState(row["state"])]
    return [Deadline(name=row["clock"] or clock.name, due_at=row["due_at"], actor=row["clock_actor"] or clock.actor,
                     on_expiry=str(clock.on_expiry), calendar_version=row["calendar_version"] or "")]


def _money(row: dict[str, Any], column: str) -> Money | None:
    return Money(amount=int(row[column]), currency=row["currency"]) if row[column] else None


async def read(rt: PluginRuntime, row: dict[str, Any], roles: set[str]) -> CaseOut:
    """A case as a party sees it: ``allowed_actions`` for the caller's roles, ``deadlines``, rulings."""
    now = rt.clock.now()
    lines = await rt.db.fetch("SELECT * FROM aftersales_case_line WHERE case_id = {} ORDER BY id", row["id"])
    rulings = await rt.db.fetch("SELECT * FROM aftersales_ruling WHERE case_id = {} ORDER BY at, id", row["id"])
    history = await rt.db.fetch("SELECT * FROM aftersales_history WHERE case_id = {} ORDER BY at, id", row["id"])
    cur = row["currency"]
    breakdown = jsonish(row["breakdown"], {})
    address = jsonish(ports.unseal(rt, row["return_address"]), None) if row["return_address"] else None
    actions = allowed_actions(row["state"], roles, escalation=rules(rt)["platform_intervention"])
    if "customer" in roles and row["state"] == "ruled" and "customer" in jsonish(row["accepted_by"], []):
        actions = [a for a in actions if a != "accept_ruling"]
    return CaseOut(
        id=row["id"], order_id=row["order_id"], merchant_id=row["merchant_id"], customer_id=row["customer_id"],
        type=row["type"], ground=row["ground"], state=row["state"], outcome=row["outcome"],
        description=row["description"],
        lines=[CaseLineOut(id=ln["id"], order_line_id=ln["order_line_id"], sku_id=ln["sku_id"], quantity=ln["quantity"],
                           received_quantity=ln["received_quantity"], disposition=ln["disposition"],
                           findings=jsonish(ln["findings"], []),
                           refund=Money(amount=int(ln["refund_minor"]), currency=cur) if ln["refund_minor"] else None)
               for ln in lines],
        allowed_actions=actions, deadlines=deadlines(rt, row), overdue=bool(row["overdue"]),
        info_request=row["info_request"], info_reply=row["info_reply"], reject_reason=row["reject_reason"],
        return_address=address,
        return_parcel={"carrier": row["return_carrier"], "waybill": row["return_waybill"],
                       "parcel_id": row["return_parcel_id"], "status": row["return_parcel_status"]}
        if row["return_waybill"] or row["return_parcel_id"] else None,
        replacement={"shipment_id": row["replacement_shipment_id"], "carrier": row["replacement_carrier"],
                     "waybill": row["replacement_waybill"]}
        if row["replacement_shipment_id"] or row["replacement_waybill"] else None,
        repair_failures=int(row["repair_failures"]),
        escalation={"by": row["escalated_by"], "at": row["escalated_at"], "evidence_from": row["evidence_from"],
                    "evidence_note": row["evidence_note"], "appealed_by": row["appealed_by"]}
        if row["escalated_by"] else None,
        rulings=[RulingOut(id=r["id"], appeal=bool(r["appeal"]), outcome=r["outcome"],
                           refund=Money(amount=int(r["refund_minor"]), currency=cur),
                           return_shipping_payer=r["return_shipping_payer"],
                           return_shipping=Money(amount=int(r["return_shipping_minor"]), currency=cur),
                           reasoning=r["reasoning"], at=r["at"], executed_at=r["executed_at"]) for r in rulings],
        refunded=_money(row, "refunded_minor"), compensated=_money(row, "compensated_minor"),
        breakdown=msgspec.convert(breakdown, Breakdown) if breakdown else None,
        penalty_exposure=penalty_exposure(rt, row, now) if "operator" in roles else None,
        requested_at=row["requested_at"], received_at=row["received_at"], closed_at=row["closed_at"],
        history=[HistoryOut(from_state=h["from_state"], to_state=h["to_state"], event=h["event"], actor=h["actor"],
                            note=h["note"], at=h["at"]) for h in history],
    )


def summary(rt: PluginRuntime, row: dict[str, Any], now: datetime) -> CaseSummary:
    return CaseSummary(id=row["id"], order_id=row["order_id"], merchant_id=row["merchant_id"], type=row["type"],
                       state=row["state"], outcome=row["outcome"], due_at=row["due_at"], clock=row["clock"],
                       overdue=bool(row["overdue"]), penalty_exposure=penalty_exposure(rt, row, now),
                       requested_at=row["requested_at"])
