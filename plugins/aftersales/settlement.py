"""Money for cases: what each part of an order was paid, the explained refund, and its execution
through the order's payment provider.

Every order part (each line, and ``shipping``) has a cap row: what was paid for it, and how much
of it is claimed (units in open cases), reserved (by a ruling not yet executed) and refunded
across all cases. Refunds and reservations change it only by a **conditional update**
(``... WHERE refunded + reserved + amount <= paid``), so two refunds of one line at once can never
both pass: on PostgreSQL the second waits for the first's row lock, re-reads and is refused.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from bazaar.plugins.aftersales import breakdown as calc
from bazaar.plugins.aftersales import ports
from bazaar.plugins.aftersales.cases import dump, jsonish, rules
from bazaar.plugins.aftersales.eligibility import QUALITY, UNDELIVERED
from bazaar.plugins.aftersales.events import RefundIssued
from bazaar.sdk.api import new_id
from bazaar.sdk.errors import Conflict, FieldProblem
from bazaar.sdk.money import Money, allocate
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.types import OrderSnapshot

SHIPPING = "shipping"


def cap_id(order_id: str, part: str) -> str:
    return f"{order_id}:{part}"


def promotions(snap: OrderSnapshot) -> tuple[calc.Promotion, ...]:
    """The order's recorded discounts as the calculator takes them (SKUs mapped to line ids)."""
    line_of = {ln.sku_id: ln.id for ln in snap.lines}
    out = []
    for p in getattr(snap, "promotions", ()) or ():
        out.append(calc.Promotion(
            code=p.code, label=p.label, kind=p.kind, amount=p.amount.amount,
            line_ids=tuple(line_of[s] for s in p.sku_ids if s in line_of),
            min_quantity=p.min_quantity, gift_line_id=line_of.get(p.gift_sku_id or ""), threshold=p.threshold,
        ))
    return tuple(out)


def paid_per_line(snap: OrderSnapshot) -> dict[str, int]:
    """What the buyer paid for each line: its price less its shares of every promotion."""
    lines = tuple(calc.Line(id=ln.id, name=ln.name, unit_price=ln.unit_price.amount, quantity=ln.quantity)
                  for ln in snap.lines)
    paid = {ln.id: ln.unit_price * ln.quantity for ln in lines}
    for promo in promotions(snap):
        if promo.kind == "free_shipping":
            continue
        for line_id, units in calc.unit_shares(lines, promo).items():
            paid[line_id] -= sum(units)
    return paid


async def ensure_caps(rt: PluginRuntime, snap: OrderSnapshot) -> None:
    """Create the order's cap rows once (what was paid per line and for shipping)."""
    shipping = getattr(snap, "shipping", None)
    parts = [(ln.id, ln.quantity, paid) for ln, paid in zip(snap.lines, paid_per_line(snap).values(), strict=True)]
    parts.append((SHIPPING, 0, shipping.amount if shipping else 0))
    for part, quantity, paid in parts:
        await rt.db.execute(
            "INSERT INTO aftersales_line_cap (id, order_id, part, quantity, paid_minor, claimed_quantity, "
            "refunded_quantity, reserved_minor, refunded_minor) VALUES ({}, {}, {}, {}, {}, 0, 0, 0, 0) "
            "ON CONFLICT (id) DO NOTHING",
            cap_id(snap.id, part), snap.id, part, quantity, max(paid, 0),
        )


async def claim(rt: PluginRuntime, order_id: str, lines: list[tuple[str, int]]) -> None:
    """Claim units for a new case; ``409 aftersales.quantity_exceeds_available`` when another case
    has them or they were refunded already (a conditional update: no race lets two cases claim them)."""
    problems = []
    for i, (line_id, quantity) in enumerate(sorted(lines)):
        rows = await rt.db.execute(
            "UPDATE aftersales_line_cap SET claimed_quantity = claimed_quantity + {} WHERE id = {} "
            "AND claimed_quantity + refunded_quantity + {} <= quantity RETURNING id",
            quantity, cap_id(order_id, line_id), quantity,
        )
        if not rows:
            problems.append(FieldProblem(field=f"lines[{i}].quantity", reason="more than is left to return", value=quantity))
    if problems:
        raise Conflict("those units are in another case or were refunded already",
                       code="aftersales.quantity_exceeds_available", errors=problems)


async def calculate(rt: PluginRuntime, case: dict[str, Any], snap: OrderSnapshot,
                    units: dict[str, int] | None = None, deductions: dict[str, int] | None = None) -> calc.Breakdown:
    """The breakdown for this case (``units``: what comes back per order line; none: what was claimed)."""
    r = rules(rt)
    if units is None:
        units = {}
        for ln in await rt.db.fetch("SELECT * FROM aftersales_case_line WHERE case_id = {}", case["id"]):
            units[ln["order_line_id"]] = units.get(ln["order_line_id"], 0) + int(ln["quantity"])
    wanted = units
    caps = {c["part"]: c for c in await rt.db.fetch("SELECT * FROM aftersales_line_cap WHERE order_id = {}", snap.id)}
    book = await rt.db.fetchrow("SELECT * FROM aftersales_order WHERE order_id = {}", snap.id)
    lines = tuple(calc.Line(id=ln.id, name=ln.name, unit_price=ln.unit_price.amount, quantity=ln.quantity,
                            returned_before=int(caps[ln.id]["refunded_quantity"]) if ln.id in caps else 0,
                            returning=wanted.get(ln.id, 0))
                  for ln in snap.lines)
    shipping = caps.get(SHIPPING)
    payer: Literal["merchant", "consumer"] = "merchant" if case["return_shipping_payer"] == "merchant" else "consumer"
    quality = bool(case["quality_fault"])
    return calc.calculate(calc.Input(
        currency=snap.total.currency, lines=lines, promotions=promotions(snap),
        shipping_paid=int(shipping["paid_minor"]) - int(shipping["refunded_minor"]) if shipping else 0,
        tenders=(calc.Tender(method=snap.payment_method, amount=snap.total.amount),),
        quality_fault=quality, reprice_on_lost_promo=bool(r["reprice_on_lost_promo"]) and not quality,
        gift_missing_policy=r["gift_missing_policy"],
        deduct_outbound_if_free_shipping_lost=bool(r["deduct_outbound_if_free_shipping_lost"]) and not quality,
        outbound_on_full_return=r["refund.outbound_on_full_return"],
        outbound_settled_before=bool(book["outbound_settled"]) if book else False,
        deductions=tuple(calc.Deduction(line_id=k, amount=v, label="diminished value found at inspection")
                         for k, v in (deductions or {}).items()),
        return_shipping=int(case["return_shipping_minor"]), return_shipping_payer=payer,
        carried_deduction=int(book["carried_minor"]) if book else 0,
    ))


def merchant_fault(ground: str) -> bool:
    """A fault of the goods or of the delivery: the merchant bears return and outbound shipping."""
    return ground in QUALITY or ground in UNDELIVERED


async def _take(rt: PluginRuntime, order_id: str, part: str, amount: int, quantity: int, *, from_reserved: int = 0) -> None:
    rows = await rt.db.execute(
        "UPDATE aftersales_line_cap SET refunded_minor = refunded_minor + {}, reserved_minor = reserved_minor - {}, "
        "refunded_quantity = refunded_quantity + {} "
        "WHERE id = {} AND refunded_minor + reserved_minor - {} + {} <= paid_minor "
        "AND refunded_quantity + {} <= quantity RETURNING id",
        amount, from_reserved, quantity, cap_id(order_id, part), from_reserved, amount, quantity,
    )
    if not rows:
        cap = await rt.db.fetchrow("SELECT * FROM aftersales_line_cap WHERE id = {}", cap_id(order_id, part))
        left = int(cap["paid_minor"]) - int(cap["refunded_minor"]) - int(cap["reserved_minor"]) if cap else 0
        raise Conflict(f"a refund of {amount} on {part} exceeds what is left of what was paid ({left})",
                       code="aftersales.refund_exceeds_paid", extra={"part": part, "refundable": left})


async def reserve(rt: PluginRuntime, order_id: str, parts: dict[str, int]) -> None:
    """Reserve a ruling's refund per part until it is executed (conditional, like a refund)."""
    for part, amount in sorted(parts.items()):
        rows = await rt.db.execute(
            "UPDATE aftersales_line_cap SET reserved_minor = reserved_minor + {} WHERE id = {} "
            "AND refunded_minor + reserved_minor + {} <= paid_minor RETURNING id",
            amount, cap_id(order_id, part), amount,
        )
        if not rows:
            cap = await rt.db.fetchrow("SELECT * FROM aftersales_line_cap WHERE id = {}", cap_id(order_id, part))
            left = int(cap["paid_minor"]) - int(cap["refunded_minor"]) - int(cap["reserved_minor"]) if cap else 0
            raise Conflict(f"a refund of {amount} on {part} exceeds what is left of what was paid ({left})",
                           code="aftersales.refund_exceeds_paid", extra={"part": part, "refundable": left})


async def left_per_part(rt: PluginRuntime, order_id: str, parts: list[str]) -> dict[str, int]:
    caps = await rt.db.fetch("SELECT * FROM aftersales_line_cap WHERE order_id = {}", order_id)
    return {c["part"]: int(c["paid_minor"]) - int(c["refunded_minor"]) - int(c["reserved_minor"])
            for c in caps if c["part"] in parts}


async def pay(rt: PluginRuntime, case: dict[str, Any], snap: OrderSnapshot, amount: int, per_part: dict[str, int],
              quantities: dict[str, int], *, reason: str, actor_id: str | None, breakdown: calc.Breakdown | None = None,
              compensation: int = 0, payer: str = "merchant", reserved: dict[str, int] | None = None) -> None:
    """Execute a refund: take it from the caps (refused above what was paid), instruct the provider,
    record it on the case and emit ``aftersales.refund_issued``; then any compensation."""
    for part in sorted(set(per_part) | set(quantities)):
        await _take(rt, snap.id, part, per_part.get(part, 0), quantities.get(part, 0),
                    from_reserved=(reserved or {}).get(part, 0))
    n = len(await rt.db.fetch("SELECT id FROM aftersales_payment WHERE case_id = {}", case["id"]))
    cur = snap.total.currency
    refund_id = None
    if amount > 0:
        lines = tuple((ln.sku_id, quantities[ln.id]) for ln in snap.lines if quantities.get(ln.id))
        result = await ports.refund(rt, snap, Money(amount=amount, currency=cur), reason=reason,
                                    key=f"aftersales:{case['id']}:{n + 1}", lines=lines, actor_id=actor_id)
        refund_id = result.refund_id
        await _record(rt, case, "refund", amount, cur, snap, result.refund_id, result.status, f"{case['id']}:{n + 1}")
    comp = None
    if compensation > 0:
        result = await ports.compensate(rt, snap, Money(amount=compensation, currency=cur), payer=payer,
                                        reason=f"return shipping: {reason}", key=f"aftersales:{case['id']}:c{n + 1}",
                                        actor_id=actor_id)
        await _record(rt, case, "compensation", compensation, cur, snap, result.refund_id, result.status,
                      f"{case['id']}:c{n + 1}")
        comp = Money(amount=compensation, currency=cur)
    sets = ["refunded_minor = refunded_minor + {}", "compensated_minor = compensated_minor + {}"]
    args: list[Any] = [amount, compensation]
    if breakdown is not None:
        sets.append("breakdown = {}")
        args.append(dump(breakdown))
        await rt.db.execute(
            "UPDATE aftersales_order SET carried_minor = {}, outbound_settled = {} WHERE order_id = {}",
            breakdown.uncollected, bool(breakdown.outbound_settled) or await _settled(rt, snap.id), snap.id)
    await rt.db.execute(f"UPDATE aftersales_case SET {', '.join(sets)} WHERE id = {{}}", *args, case["id"])
    for ln in await rt.db.fetch("SELECT * FROM aftersales_case_line WHERE case_id = {}", case["id"]):
        share = per_part.get(ln["order_line_id"], 0)
        if share:
            await rt.db.execute("UPDATE aftersales_case_line SET refund_minor = refund_minor + {} WHERE id = {}",
                                share, ln["id"])
    if amount > 0 or comp is not None:
        await rt.emit(RefundIssued(case_id=case["id"], order_id=case["order_id"], merchant_id=case["merchant_id"],
                                   amount=Money(amount=amount, currency=cur), refund_id=refund_id, compensation=comp))


async def cancelled_in_full(rt: PluginRuntime, case: dict[str, Any], snap: OrderSnapshot, refunded: int) -> None:
    """The core cancelled the unshipped order and refunded it in full: every part is refunded."""
    await rt.db.execute("UPDATE aftersales_line_cap SET refunded_quantity = quantity, refunded_minor = paid_minor "
                        "WHERE order_id = {}", snap.id)
    await rt.db.execute("UPDATE aftersales_case SET refunded_minor = refunded_minor + {} WHERE id = {}",
                        refunded, case["id"])
    if refunded:
        await rt.emit(RefundIssued(case_id=case["id"], order_id=case["order_id"], merchant_id=case["merchant_id"],
                                   amount=Money(amount=refunded, currency=snap.total.currency)))


async def _settled(rt: PluginRuntime, order_id: str) -> bool:
    row = await rt.db.fetchrow("SELECT outbound_settled FROM aftersales_order WHERE order_id = {}", order_id)
    return bool(row and row["outbound_settled"])


async def _record(rt: PluginRuntime, case: dict[str, Any], kind: str, amount: int, cur: str, snap: OrderSnapshot,
                  ref: str | None, status: str, key: str) -> None:
    await rt.db.execute(
        "INSERT INTO aftersales_payment (id, case_id, order_id, merchant_id, kind, amount_minor, currency, provider, "
        "provider_ref, status, idempotency_key, at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        new_id("asp"), case["id"], case["order_id"], case["merchant_id"], kind, amount, cur,
        snap.payment_provider or "", ref, status, key, rt.clock.now(),
    )


async def refund_breakdown(rt: PluginRuntime, case: dict[str, Any], snap: OrderSnapshot, b: calc.Breakdown, *,
                           reason: str, actor_id: str | None) -> None:
    """Execute what the calculator gave: money tenders through the provider, compensation apart."""
    received: dict[str, int] = {}
    for item in b.items:
        if item.kind == "goods" and item.order_line_id:
            received[item.order_line_id] = received.get(item.order_line_id, 0) + (item.quantity or 0)
    money = sum(t.amount for t in b.tenders if not t.in_kind)
    per_part = dict(b.per_line)
    if b.shipping:
        per_part[SHIPPING] = b.shipping
    payer = "merchant" if case["return_shipping_payer"] == "merchant" else "platform"
    await pay(rt, case, snap, money, per_part, received, reason=reason, actor_id=actor_id, breakdown=b,
              compensation=b.compensation, payer=payer)


def split(amount: int, left: dict[str, int]) -> dict[str, int]:
    """Spread ``amount`` over parts in proportion to what is left of each (largest remainder)."""
    keys = sorted(left)
    parts = allocate(amount, [max(left[k], 0) for k in keys]) if keys else []
    return {k: p for k, p in zip(keys, parts, strict=True) if p}


def breakdown_of(case: dict[str, Any]) -> calc.Breakdown | None:
    data = jsonish(case["breakdown"], {})
    return msgspec.convert(data, calc.Breakdown) if data else None
