"""Opening cases: the facts eligibility needs, the explained eligibility of an order, and a buyer's
request (checked against it at the moment it arrives: a request sent within the window counts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bazaar.plugins.aftersales import eligibility as el
from bazaar.plugins.aftersales import ports, settlement
from bazaar.plugins.aftersales.cases import CLOCK_TIMER, clock_key, due_for, load, move, read, rules
from bazaar.plugins.aftersales.events import CaseOpened
from bazaar.plugins.aftersales.schemas import CaseCreate, CaseOut, OrderEligibility
from bazaar.plugins.aftersales.states import CLOCKS, CaseEvent, CaseState
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.types import OrderSnapshot

ACK_PREFIX = "aftersales.no_reason_waiver:"


async def own_order(rt: PluginRuntime, order_id: str, actor: Actor) -> OrderSnapshot:
    """The caller's order; someone else's or a missing one is the same 404."""
    try:
        snap = await ports.order(rt, order_id)
    except NotFound:
        snap = None
    if snap is None or snap.customer_id != actor.user_id:
        raise NotFound("no such order", code="aftersales.order_not_found")
    return snap


def paid(snap: OrderSnapshot) -> bool:
    """Paid online, or (cash on delivery) handed over."""
    return snap.paid_at is not None or snap.state in ("delivered", "completed")


async def facts(rt: PluginRuntime, snap: OrderSnapshot) -> el.OrderFacts:
    """What eligibility needs: the order, the merchant's product declarations, the buyer's
    acknowledgements at checkout, and the units already claimed or refunded."""
    products = sorted({ln.product_id for ln in snap.lines})
    marks = ", ".join("{}" for _ in products)
    declared = {r["product_id"]: r for r in await rt.db.fetch(
        f"SELECT * FROM aftersales_product WHERE product_id IN ({marks})", *products)} if products else {}
    acked = {sku for ack in getattr(snap, "acknowledgements", ()) or () if ack.id.startswith(ACK_PREFIX)
             for sku in ack.sku_ids}
    caps = {c["part"]: c for c in await rt.db.fetch("SELECT * FROM aftersales_line_cap WHERE order_id = {}", snap.id)}
    lines = []
    for ln in snap.lines:
        rule, cap = declared.get(ln.product_id), caps.get(ln.id)
        lines.append(el.LineFacts(
            id=ln.id, sku_id=ln.sku_id, product_id=ln.product_id, quantity=ln.quantity, flags=tuple(ln.category_flags),
            excluded_kind=rule["excluded_kind"] if rule else None,
            confirmable_kind=rule["confirmable_kind"] if rule else None, acknowledged=ln.sku_id in acked,
            claimed=int(cap["claimed_quantity"]) if cap else 0,
            refunded=max(int(cap["refunded_quantity"]) if cap else 0, ln.refunded_quantity),
        ))
    return el.OrderFacts(id=snap.id, state=snap.state, paid=paid(snap), shipped_at=snap.shipped_at,
                         delivered_at=snap.delivered_at, completed_at=snap.completed_at, lines=tuple(lines))


async def eligibility(rt: PluginRuntime, order_id: str, actor: Actor) -> OrderEligibility:
    """``GET /orders/{id}/eligibility``: every line, every type, the window and the reasons."""
    snap = await own_order(rt, order_id, actor)
    f = await facts(rt, snap)
    start, source = el.window_start(f)
    return OrderEligibility(order_id=snap.id, window_start=start, window_start_source=source,
                            calendar_version=rt.calendar.version,
                            lines=el.order_eligibility(f, rules(rt), rt.calendar, rt.clock.now()))


def _refuse(code: str, reasons: list[el.Reason], field: str, ends: datetime | None) -> Exception:
    extra: dict[str, Any] = {"reasons": [{"code": r.code, "detail": r.detail} for r in reasons]}
    if ends is not None:
        extra["window_ends_at"] = ends.isoformat()
        extra["deadline"] = {"name": "no_reason_window", "due_at": ends.isoformat()}
    text = "; ".join(r.detail for r in reasons)
    problem = [FieldProblem(field=field, reason=text)]
    if code == "window_closed":
        return Conflict(f"the window has closed: {text}", code="aftersales.window_closed", errors=problem, extra=extra)
    return ValidationFailed(f"not eligible: {text}", code="aftersales.not_eligible", errors=problem, extra=extra)


def check(snap: OrderSnapshot, f: el.OrderFacts, rt: PluginRuntime, data: CaseCreate | None, type_: str, ground: str,
          lines: list[tuple[str, int]]) -> None:
    """Refuse a request eligibility does not allow now, naming every reason."""
    now = rt.clock.now()
    found = {ln.order_line_id: ln for ln in el.order_eligibility(f, rules(rt), rt.calendar, now)}
    seen: set[str] = set()
    for i, (line_id, quantity) in enumerate(lines):
        if line_id not in found:
            raise ValidationFailed("no such line on this order", code="aftersales.unknown_line",
                                   errors=[FieldProblem(field=f"lines[{i}].order_line_id", reason="not on this order",
                                                        value=line_id)])
        if line_id in seen:
            raise ValidationFailed("one entry per line", code="aftersales.duplicate_line",
                                   errors=[FieldProblem(field=f"lines[{i}].order_line_id", reason="listed twice")])
        seen.add(line_id)
        refused = el.refusal(found[line_id], type_, ground, quantity)
        if refused is not None:
            ends = next((t.window_ends_at for t in found[line_id].types if t.type == type_), None)
            raise _refuse(refused[0], refused[1], f"lines[{i}]", ends)
    if type_ == "refund_only" and ground == "not_shipped":
        whole = {ln.id: ln.quantity for ln in snap.lines}
        if dict(lines) != whole:
            raise ValidationFailed("before shipment a refund covers the whole order (it is cancelled)",
                                   code="aftersales.whole_order_only",
                                   errors=[FieldProblem(field="lines", reason="every line, every unit")])
    if data is not None and snap.paid_at is None and paid(snap):
        problems = []
        if not data.refund_method:
            problems.append(FieldProblem(field="refund_method", reason="cash on delivery: say how the money comes back"))
        if not data.refund_consent:
            problems.append(FieldProblem(field="refund_consent", reason="cash on delivery: consent to that method"))
        if problems:
            raise ValidationFailed("a cash-on-delivery refund needs the buyer's chosen, consented method",
                                   code="aftersales.refund_method_required", errors=problems)


async def create_case(rt: PluginRuntime, snap: OrderSnapshot, customer_id: str, type_: str, ground: str,
                      lines: list[tuple[str, int]], *, description: str = "", refund_method: str | None = None,
                      key: str | None = None) -> dict[str, Any]:
    """Write a case (claims, order flag, clock, event) inside the caller's unit of work."""
    await settlement.ensure_caps(rt, snap)
    await settlement.claim(rt, snap.id, lines)
    now = rt.clock.now()
    case_id = new_id("asc")
    quality = settlement.merchant_fault(ground)
    payer_rule = rules(rt)["return_shipping_payer"]
    payer = "merchant" if payer_rule == "merchant" or quality else "consumer"
    row: dict[str, Any] = {"requested_at": now, "received_at": None, "state": "requested"}
    due = due_for(rt, "requested", row, now)
    clock = CLOCKS[CaseState.requested]
    await rt.db.execute(
        "INSERT INTO aftersales_case (id, order_id, merchant_id, customer_id, type, ground, quality_fault, description, "
        "state, currency, clock, clock_actor, due_at, overdue, missed_deadlines, calendar_version, return_shipping_minor, "
        "return_shipping_payer, repair_failures, refund_method, accepted_by, auto_accepted, ruled_against_merchant, "
        "refunded_minor, compensated_minor, breakdown, requested_at, updated_at, idempotency_key) VALUES "
        "({}, {}, {}, {}, {}, {}, {}, {}, 'requested', {}, {}, {}, {}, {}, '[]', {}, 0, {}, 0, {}, '[]', {}, {}, 0, 0, {}, "
        "{}, {}, {})",
        case_id, snap.id, snap.merchant_id, customer_id, type_, ground, quality, description, snap.total.currency,
        clock.name, clock.actor, due, False, rt.calendar.version, payer, refund_method, False, False, "{}", now,
        now, key,
    )
    sku = {ln.id: ln.sku_id for ln in snap.lines}
    for line_id, quantity in lines:
        await rt.db.execute(
            "INSERT INTO aftersales_case_line (id, case_id, order_line_id, sku_id, quantity, findings, diminished_minor, "
            "refund_minor) VALUES ({}, {}, {}, {}, {}, '[]', 0, 0)",
            new_id("acl"), case_id, line_id, sku[line_id], quantity,
        )
    await rt.db.execute(
        "INSERT INTO aftersales_history (id, case_id, from_state, to_state, event, actor, actor_id, note, at) "
        "VALUES ({}, {}, '', 'requested', 'open', 'customer', {}, {}, {})",
        new_id("ash"), case_id, customer_id, f"{type_} on ground {ground}", now,
    )
    book = await rt.db.execute(
        "INSERT INTO aftersales_order (order_id, merchant_id, open_cases, carried_minor, outbound_settled, updated_at) "
        "VALUES ({}, {}, 1, 0, {}, {}) ON CONFLICT (order_id) DO UPDATE SET open_cases = aftersales_order.open_cases + 1, "
        "updated_at = {} RETURNING open_cases",
        snap.id, snap.merchant_id, False, now, now,
    )
    if int(book[0]["open_cases"]) == 1:
        await ports.set_open(rt, snap.id, True, case_id)
    if due is not None:
        await rt.timers.schedule(CLOCK_TIMER, clock_key(case_id, "requested"), due, {"state": "requested"})
    await rt.emit(CaseOpened(case_id=case_id, order_id=snap.id, merchant_id=snap.merchant_id, customer_id=customer_id,
                             case_type=type_, ground=ground))  # type: ignore[arg-type]
    return await load(rt, case_id)


async def open_case(rt: PluginRuntime, actor: Actor, data: CaseCreate, key: str | None) -> tuple[CaseOut, bool]:
    """A buyer's request: checked, written, and (a refund on an order in transit) interception asked."""
    scoped = f"{actor.user_id}:{key}" if key else None
    async with rt.unit_of_work():
        if scoped:
            existing = await rt.db.fetchrow("SELECT * FROM aftersales_case WHERE idempotency_key = {}", scoped)
            if existing is not None:
                if existing["order_id"] != data.order_id or existing["type"] != data.type:
                    raise ValidationFailed("this Idempotency-Key was used for another request",
                                           code="aftersales.idempotency_key_reused",
                                           errors=[FieldProblem(field="Idempotency-Key", reason="used for another case")])
                return await read(rt, existing, {"customer"}), True
        snap = await own_order(rt, data.order_id, actor)
        lines = [(ln.order_line_id, ln.quantity) for ln in data.lines]
        check(snap, await facts(rt, snap), rt, data, data.type, data.ground, lines)
        row = await create_case(rt, snap, actor.user_id or "", data.type, data.ground, lines,
                                description=data.description, refund_method=data.refund_method, key=scoped)
        if data.type == "refund_only" and snap.state == "shipped":
            row = await intercept(rt, row)
        return await read(rt, row, {"customer"}), False


async def intercept(rt: PluginRuntime, row: dict[str, Any]) -> dict[str, Any]:
    """Ask logistics to stop the parcel in transit (no logistics, or nothing in transit: the merchant decides)."""
    provider = ports.fulfilment(rt)
    if provider is None:
        return row
    try:
        interception = await provider.intercept(rt.context(), row["order_id"], reason="buyer asked for a refund",
                                                case_id=row["id"])
    except NotFound:
        return row
    return await move(rt, row, CaseEvent.intercept, actor="system", note="interception asked",
                      changes={"interception_id": interception})
