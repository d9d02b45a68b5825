"""Full order snapshots for plugins: the order, its lines, destination and the time of each step.

Behind ``bazaar.sdk.services.order_snapshot``, ``orders_of_checkout`` and ``shipping_address``. The shipping
address is personal data: only its country and region leave the core.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec

from bazaar.core.kernel.runtime import Runtime
from bazaar.core.users.service import cipher
from bazaar.sdk.errors import NotFound
from bazaar.sdk.money import Money
from bazaar.sdk.types import (
    AcknowledgementRecord,
    OrderLineSnapshot,
    OrderPromotion,
    OrderSnapshot,
    ShippingAddress,
)

log = logging.getLogger("bazaar.privacy")


def _flags(value: Any) -> tuple[str, ...]:
    if isinstance(value, str | bytes):
        value = msgspec.json.decode(value) if value else []
    return tuple(value or ())


def _decoded(value: Any) -> list[Any]:
    """A JSON list column (text on SQLite, maybe on PostgreSQL too)."""
    if isinstance(value, str | bytes):
        return list(msgspec.json.decode(value)) if value else []
    return list(value or [])


def _destination(rt: Runtime, stored: str | None) -> tuple[str | None, str | None]:
    if not stored:
        return None, None
    data = msgspec.json.decode(cipher(rt).decrypt(stored) or "{}")
    return data.get("country"), data.get("region")


def _snapshot(rt: Runtime, row: dict[str, Any], lines: list[dict[str, Any]]) -> OrderSnapshot:
    currency = row["currency"]
    country, region = _destination(rt, row["shipping_address"])
    return OrderSnapshot(
        id=row["id"],
        checkout_id=row["checkout_id"],
        merchant_id=row["merchant_id"],
        customer_id=row["customer_id"],
        state=row["state"],
        total=Money(amount=int(row["total_minor"]), currency=currency),
        payment_method=row["payment_method"],
        payment_provider=row["payment_provider"],
        aftersales_open=bool(row["aftersales_open"]),
        lines=tuple(
            OrderLineSnapshot(
                id=r["id"], sku_id=r["sku_id"], product_id=r["product_id"], name=r["name"], sku_code=r["sku_code"],
                quantity=int(r["quantity"]), unit_price=Money(amount=int(r["unit_price_minor"]), currency=currency),
                refunded_quantity=int(r["refunded_quantity"]), category_flags=_flags(r["category_flags"]),
            )
            for r in lines
        ),
        country=country,
        region=region,
        refunded=Money(amount=int(row["refunded_minor"]), currency=currency),
        carrier=row["carrier"],
        tracking_number=row["tracking_number"],
        cancel_reason=row["cancel_reason"],
        created_at=row["created_at"],
        paid_at=row["paid_at"],
        shipped_at=row["shipped_at"],
        delivered_at=row["delivered_at"],
        completed_at=row["completed_at"],
        cancelled_at=row["cancelled_at"],
        subtotal=Money(amount=int(row["subtotal_minor"]), currency=currency),
        shipping=Money(amount=int(row["shipping_minor"]), currency=currency),
        discount=Money(amount=int(row["discount_minor"]), currency=currency),
        promotions=msgspec.convert(_decoded(row.get("promotions")), tuple[OrderPromotion, ...]),
        acknowledgements=msgspec.convert(_decoded(row.get("acknowledgements")), tuple[AcknowledgementRecord, ...]),
    )


async def order_snapshot(rt: Runtime, order_id: str) -> OrderSnapshot:
    """One order in full (``404 order_not_found``)."""
    row = await rt.db.fetchrow("SELECT * FROM orders_order WHERE id = {}", order_id)
    if row is None:
        raise NotFound("no such order", code="order_not_found")
    lines = await rt.db.fetch("SELECT * FROM orders_line WHERE order_id = {} ORDER BY id", order_id)
    return _snapshot(rt, row, lines)


async def orders_of_checkout(rt: Runtime, checkout_id: str) -> tuple[OrderSnapshot, ...]:
    """Every order of a checkout in full, by merchant then id (empty when there is no such checkout)."""
    rows = await rt.db.fetch(
        "SELECT * FROM orders_order WHERE checkout_id = {} ORDER BY merchant_id, id", checkout_id
    )
    if not rows:
        return ()
    marks = ", ".join(["{}"] * len(rows))
    lines = await rt.db.fetch(
        f"SELECT * FROM orders_line WHERE order_id IN ({marks}) ORDER BY id", *[r["id"] for r in rows]
    )
    by_order: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        by_order.setdefault(line["order_id"], []).append(line)
    return tuple(_snapshot(rt, row, by_order.get(row["id"], [])) for row in rows)


async def shipping_address(rt: Runtime, order_id: str, *, purpose: str, plugin: str) -> ShippingAddress:
    """The order's full shipping address, decrypted, for ``purpose``; every call is logged (personal data)."""
    row = await rt.db.fetchrow("SELECT shipping_address FROM orders_order WHERE id = {}", order_id)
    if row is None:
        raise NotFound("no such order", code="order_not_found")
    log.info("shipping address of %s read by %s: %s", order_id, plugin, purpose,
             extra={"order_id": order_id, "plugin": plugin, "purpose": purpose})
    data = msgspec.json.decode(cipher(rt).decrypt(row["shipping_address"]) or "{}")
    return msgspec.convert({k: v for k, v in data.items() if k in ShippingAddress.__struct_fields__}, ShippingAddress)
