"""Outbox rows written before typed events (v1), brought to today's types and shapes.

Before v1 the core emitted ``emit("order.shipped", {dict})`` with ``from`` / ``to`` keys,
one type per target status (``merchant.active``, ``product.live``, ``checkout.paid``) and
no timestamps of its own. Rows of that shape may still wait in an outbox for delivery;
:func:`upgrade` maps each to the v1 event (the time of the change is the row's
``occurred_at``). Rows already in the v1 shape pass through unchanged.

This is the only place old shapes are known. After v1 the evolution rule (only add optional
fields) keeps every row decodable without an entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

Data = dict[str, Any]

ORDER_TIMESTAMP = {
    "paid": "paid_at",
    "placed": "placed_at",
    "shipped": "shipped_at",
    "delivered": "delivered_at",
    "completed": "completed_at",
    "cancelled": "cancelled_at",
}
MERCHANT_STATUSES = ("pending", "active", "restricted", "suspended", "closed")
CHECKOUT_OUTCOMES = ("paid", "placed", "expired", "cancelled")
LISTING_TARGETS = {"submitted": "in_review", "live": "live", "rejected": "rejected", "delisted": "delisted"}


def _by(data: Data, person: str | None = None) -> Data:
    if data.get("plugin"):
        return {"kind": "plugin", "plugin": data["plugin"], "id": data.get("actor_id")}
    if person and data.get("actor_id"):
        return {"kind": person, "id": data["actor_id"]}
    return {"kind": "system"}


def _order(state: str, data: Data, at: datetime | None) -> Data:
    event = data.get("event")
    out: Data = {k: data[k] for k in ("order_id", "checkout_id", "merchant_id", "customer_id") if k in data}
    out.update(from_state=data["from"], by=_by(data), reason=data.get("reason"))
    out[ORDER_TIMESTAMP[state]] = at
    if state == "cancelled":
        out["cancel_reason"] = "unpaid_timeout" if event == "expire" else "other"
    elif state == "completed":
        out["auto"] = event == "auto_confirm"
    return out


def _merchant(data: Data) -> Data:
    return {"merchant_id": data["merchant_id"], "from_status": data["from"], "to_status": data["to"],
            "reason": data.get("reason"), "by": _by(data, "operator")}


def _listing(kind: str, data: Data) -> Data:
    frm = data["from"]
    event = {"submitted": "revise" if frm == "live" else "submit", "live": "approve", "rejected": "reject",
             "delisted": "take_down" if data.get("plugin") else "delist"}[kind]
    person = "merchant" if event in ("submit", "revise", "delist") else "operator"
    reasons = [
        {"field": r.get("field", "listing"), "reason": r.get("reason", ""), "outcome": r.get("outcome", event),
         "plugin": r.get("plugin")}
        for r in data.get("reasons") or () if isinstance(r, dict)
    ]
    return {"product_id": data["product_id"], "merchant_id": data["merchant_id"], "from_status": frm,
            "to_status": data.get("to", LISTING_TARGETS[kind]), "event": event, "reasons": reasons,
            "by": _by(data, person)}


def _legacy(type: str, data: Data, at: datetime | None) -> tuple[str, Callable[[], Data]] | None:
    noun, _, verb = type.partition(".")
    if noun == "order" and verb in ORDER_TIMESTAMP and "from" in data and "from_state" not in data:
        return type, lambda: _order(verb, data, at)
    if noun == "merchant" and verb in MERCHANT_STATUSES:
        return "merchant.status_changed", lambda: _merchant(data)
    if noun == "product" and verb in LISTING_TARGETS:
        return "product.status_changed", lambda: _listing(verb, data)
    if noun == "checkout" and verb in CHECKOUT_OUTCOMES:
        return "checkout.settled", lambda: {**data, "outcome": verb}
    if type == "checkout.created" and "orders" in data and "order_ids" not in data:
        return type, lambda: {"checkout_id": data["checkout_id"], "customer_id": data["customer_id"],
                              "order_ids": data["orders"]}
    if type == "sku.price_changed" and "from" in data and "from_minor" not in data:
        return type, lambda: {"sku_id": data["sku_id"], "product_id": data["product_id"], "from_minor": data["from"],
                              "to_minor": data["to"], "by": _by(data, "merchant")}
    return None


def upgrade(type: str, data: Data, occurred_at: datetime | None) -> tuple[str, Data]:
    """``(type, data)`` of an outbox row in the v1 shape (unchanged when it already is)."""
    found = _legacy(type, data, occurred_at)
    if found is None:
        return type, data
    new_type, convert = found
    return new_type, convert()
