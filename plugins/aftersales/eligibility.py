"""Eligibility, explained: which case types each order line may open now, until when, and why not.

Pure: the service gathers the facts (:class:`OrderFacts`), this module decides. Windows are
counted the legal way with the kernel calendar (``calendar.add_days``): from the day after
the start (the delivery proof; without logistics, the buyer's receipt confirmation), ending
24:00 of the last day in the calendar's zone, rolled past a rest day (holidays out,
make-up working days in). A request *sent* within the window counts
(``no_reason.deadline_applies_to``): the check runs on the moment the request arrives.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from bazaar.sdk.calendar import Calendar

#: grounds a buyer may give, by kind
NO_REASON = "no_reason"
QUALITY = ("defective", "not_as_described", "damaged_in_transit", "wrong_item", "missing_parts")
UNDELIVERED = ("not_received", "not_shipped", "missing_item")
GROUNDS = (NO_REASON, *QUALITY, *UNDELIVERED)


class LineFacts(msgspec.Struct, frozen=True, kw_only=True):
    """One order line as eligibility sees it."""

    id: str
    sku_id: str
    product_id: str
    quantity: int
    #: the core's category flags (``no_reason_return_excluded``, ``licence:<kind>``)
    flags: tuple[str, ...] = ()
    #: the merchant's declaration for the product: an excluded kind, or a confirmable kind
    excluded_kind: str | None = None
    confirmable_kind: str | None = None
    #: the buyer ticked the confirmation for this line at checkout
    acknowledged: bool = False
    #: units in open cases, and units already refunded
    claimed: int = 0
    refunded: int = 0


class OrderFacts(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    state: str
    paid: bool
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    completed_at: datetime | None = None
    lines: tuple[LineFacts, ...] = ()


class Reason(msgspec.Struct, frozen=True, kw_only=True):
    """Why something is closed: a stable code and a sentence."""

    code: str
    detail: str


class TypeEligibility(msgspec.Struct, frozen=True, kw_only=True):
    type: str
    open: bool
    #: grounds the buyer may give now (``no_reason``, ``defective``, ...)
    grounds: list[str]
    window_ends_at: datetime | None = None
    reasons: list[Reason] = []


class LineEligibility(msgspec.Struct, frozen=True, kw_only=True):
    order_line_id: str
    sku_id: str
    quantity: int
    available_quantity: int
    #: the types open now (a shortcut over ``types``)
    open_types: list[str]
    #: the end of the no-reason window (``None`` before delivery)
    window_ends_at: datetime | None
    types: list[TypeEligibility]


def window_start(order: OrderFacts) -> tuple[datetime | None, str | None]:
    """The moment the windows start from, and what it is (``delivered`` or ``receipt_confirmed``)."""
    if order.delivered_at is not None:
        return order.delivered_at, "delivered"
    if order.completed_at is not None:
        return order.completed_at, "receipt_confirmed"
    return None, None


def windows(order: OrderFacts, rules: dict[str, Any], calendar: Calendar) -> dict[str, datetime | None]:
    """The end of each window (``no_reason``, ``quality_return``, ``quality_exchange``, ``quality_repair``)."""
    start, _ = window_start(order)
    keys = {"no_reason": "no_reason.window_days", "quality_return": "quality.return_days",
            "quality_exchange": "quality.exchange_days", "quality_repair": "quality.repair_days"}
    return {name: calendar.add_days(start, rules[key]) if start is not None and rules[key] is not None else None
            for name, key in keys.items()}


def no_reason_exclusions(line: LineFacts, rules: dict[str, Any]) -> list[Reason]:
    """Why ``line`` is excluded from the no-reason return, if it is."""
    out = []
    if "no_reason_return_excluded" in line.flags:
        out.append(Reason(code="excluded_category", detail="the product's category is excluded from no-reason returns"))
    if line.excluded_kind and line.excluded_kind in (rules["no_reason.excluded"] or []):
        out.append(Reason(code="excluded_goods", detail=f"excluded kind of goods: {line.excluded_kind}"))
    confirmable = rules["no_reason.confirmable"] or []
    if line.confirmable_kind and line.confirmable_kind in confirmable and line.acknowledged:
        out.append(Reason(code="acknowledged_at_checkout",
                          detail=f"the buyer confirmed at checkout that {line.confirmable_kind} goods are not "
                          "returned without reason"))
    return out


def _closed(reasons: list[Reason], code: str, detail: str) -> list[Reason]:
    return [*reasons, Reason(code=code, detail=detail)]


def _within(now: datetime, end: datetime | None) -> bool:
    return end is not None and now < end


def line_eligibility(order: OrderFacts, line: LineFacts, rules: dict[str, Any], calendar: Calendar,
                     now: datetime) -> LineEligibility:
    """Every case type for one line: open or not, the grounds, the window end, the reasons."""
    ends = windows(order, rules, calendar)
    available = max(0, line.quantity - line.claimed - line.refunded)
    common: list[Reason] = []
    if not order.paid and order.state in ("pending_payment", "cancelled"):
        common.append(Reason(code=f"order_{'cancelled' if order.state == 'cancelled' else 'not_paid'}",
                             detail=f"the order is {order.state}"))
    if available == 0 and not common:
        code = "quantity_already_returned" if line.refunded >= line.quantity else "quantity_in_open_case"
        common.append(Reason(code=code, detail=f"{line.refunded} refunded and {line.claimed} in open cases "
                             f"of {line.quantity}"))
    delivered = ends["no_reason"] is not None or window_start(order)[0] is not None
    shipped = order.shipped_at is not None or delivered
    exclusions = no_reason_exclusions(line, rules)
    types: list[TypeEligibility] = []

    def add(type_: str, grounds: list[str], end: datetime | None, reasons: list[Reason]) -> None:
        reasons = common + reasons
        ok = bool(grounds) and not common
        types.append(TypeEligibility(type=type_, open=ok, grounds=grounds if ok else [], window_ends_at=end,
                                     reasons=reasons))

    # refund only: before shipment (the order is cancelled and refunded), in transit, or a missing delivery
    if not order.paid:
        add("refund_only", [], None, [Reason(code="nothing_paid", detail="nothing was paid online; cancel the order")])
    elif not shipped:
        add("refund_only", ["not_shipped"], None, [])
    elif not delivered:
        add("refund_only", ["not_received"], None, [])
    elif _within(now, ends["quality_return"]):
        add("refund_only", ["missing_item", "not_received"], ends["quality_return"], [])
    else:
        add("refund_only", [], ends["quality_return"],
            [Reason(code="window_passed", detail="the window for claims without return has ended")])

    # return and refund: no reason within the no-reason window (unless excluded), quality within its window
    if not delivered:
        not_yet = [Reason(code="not_delivered", detail="the goods have not been delivered yet")]
        add("return_refund", [], None, not_yet)
        add("exchange", [], None, not_yet)
        add("repair", [], None, not_yet)
    else:
        grounds: list[str] = []
        reasons: list[Reason] = []
        if exclusions:
            reasons += exclusions
        elif _within(now, ends["no_reason"]):
            grounds.append(NO_REASON)
        else:
            reasons = _closed(reasons, "window_passed", "the no-reason window has ended")
        if _within(now, ends["quality_return"]):
            grounds += list(QUALITY)
        else:
            reasons = _closed(reasons, "quality_window_passed", "the window for returning faulty goods has ended")
        add("return_refund", grounds, ends["no_reason"] if NO_REASON in grounds or not grounds else ends["quality_return"],
            reasons)
        for type_, name in (("exchange", "quality_exchange"), ("repair", "quality_repair")):
            if _within(now, ends[name]):
                add(type_, list(QUALITY), ends[name], [])
            else:
                add(type_, [], ends[name], [Reason(code="window_passed", detail=f"the {type_} window has ended"
                                                   if ends[name] else f"no {type_} window applies")])

    if rules["withdrawal_function"]:
        end = ends["no_reason"]
        if exclusions:
            add("withdrawal", [], end, exclusions)
        elif end is None or now < end:
            add("withdrawal", [NO_REASON], end, [])
        else:
            add("withdrawal", [], end, [Reason(code="window_passed", detail="the withdrawal period has ended")])

    return LineEligibility(
        order_line_id=line.id, sku_id=line.sku_id, quantity=line.quantity, available_quantity=available,
        open_types=[t.type for t in types if t.open], window_ends_at=ends["no_reason"], types=types,
    )


def order_eligibility(order: OrderFacts, rules: dict[str, Any], calendar: Calendar,
                      now: datetime) -> list[LineEligibility]:
    """:func:`line_eligibility` for every line of the order."""
    return [line_eligibility(order, line, rules, calendar, now) for line in order.lines]


def refusal(line: LineEligibility, case_type: str, ground: str, quantity: int) -> tuple[str, list[Reason]] | None:
    """Why a request for ``quantity`` of ``line`` as ``case_type`` on ``ground`` is refused, or ``None``.

    The code is ``window_closed`` when the only obstacle is a window that ended, else ``not_eligible``.
    """
    entry = next((t for t in line.types if t.type == case_type), None)
    if entry is None:
        return "not_eligible", [Reason(code="unknown_type", detail=f"{case_type} is not offered")]
    if quantity > line.available_quantity:
        return "not_eligible", [Reason(code="quantity_exceeds_available",
                                       detail=f"at most {line.available_quantity} of this line")]
    if entry.open and ground in entry.grounds:
        return None
    reasons = list(entry.reasons)
    if entry.open:
        reasons.append(Reason(code="ground_not_allowed", detail=f"{ground!r} is not a ground now; allowed: "
                              + ", ".join(entry.grounds)))
    windowed = {r.code for r in reasons} <= {"window_passed", "quality_window_passed", "ground_not_allowed"}
    passed = any(r.code.endswith("window_passed") for r in reasons)
    return ("window_closed" if windowed and passed else "not_eligible"), reasons
