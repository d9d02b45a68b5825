"""Stock per SKU: atomic reservations for checkout, releases, commits on shipping, merchant counts.

Stock lives on the SKU row (``on_hand``, ``reserved``; available = on_hand - reserved).
Every change is **one conditional UPDATE** whose ``WHERE`` holds the rule (never read,
then write), so concurrent checkouts cannot oversell on SQLite or PostgreSQL. Every change
writes ``inventory_movement`` rows (who, why, delta) and keeps the product's ``in_stock``
flag right, in the caller's transaction.

Checkout and orders call :func:`reserve`, :func:`release` and :func:`commit`; ``lines`` are
``(sku_id, quantity)`` pairs (a SKU may repeat; quantities are summed).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bazaar.core.catalogue import cursors
from bazaar.core.kernel.ids import new_id
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.merchants.service import load as load_merchant
from bazaar.sdk.errors import Conflict, FieldProblem, NotFound, ValidationFailed

MAX_QUANTITY = 1_000_000


def _merge(lines: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Sum quantities per SKU, refuse non-positive or huge ones, sort by id (one lock order)."""
    total: dict[str, int] = {}
    problems: list[FieldProblem] = []
    for i, (sku_id, quantity) in enumerate(lines):
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            problems.append(FieldProblem(field=f"lines[{i}].quantity", reason=f"1 to {MAX_QUANTITY}", value=quantity))
            continue
        total[sku_id] = total.get(sku_id, 0) + quantity
    if problems:
        raise ValidationFailed("invalid stock quantities", code="invalid_quantity", errors=problems)
    return sorted(total.items())


def _placeholders(n: int) -> str:
    return ", ".join(["{}"] * n)


async def _record(
    rt: Runtime, rows: list[dict[str, Any]], *, kind: str, deltas: dict[str, tuple[int, int]], ref: str | None,
    actor_id: str | None, reason: str,
) -> None:
    """Write one movement per SKU row (``deltas``: sku id -> (on_hand delta, reserved delta))."""
    if not rows:
        return
    now = rt.clock.now()
    values: list[Any] = []
    for row in rows:
        on_hand_delta, reserved_delta = deltas[row["id"]]
        values += [new_id("mov"), row["id"], row["merchant_id"], kind, on_hand_delta, reserved_delta,
                   row["on_hand"], row["reserved"], reason[:200], ref, actor_id, now]
    tuples = ", ".join(["(" + _placeholders(12) + ")"] * len(rows))
    await rt.db.execute(
        "INSERT INTO inventory_movement (id, sku_id, merchant_id, kind, on_hand_delta, reserved_delta, on_hand_after, "
        f"reserved_after, reason, ref, actor_id, at) VALUES {tuples}",
        *values,
    )


async def refresh_in_stock(rt: Runtime, sku_ids: list[str]) -> None:
    """Recompute ``in_stock`` of the products of ``sku_ids`` (only rows whose flag flips are written)."""
    if not sku_ids:
        return
    has_stock = (
        "EXISTS (SELECT 1 FROM catalogue_sku s WHERE s.product_id = catalogue_product.id "
        "AND s.active = TRUE AND s.on_hand > s.reserved)"
    )
    await rt.db.execute(
        f"UPDATE catalogue_product SET in_stock = {has_stock} WHERE id IN "
        f"(SELECT product_id FROM catalogue_sku WHERE id IN ({_placeholders(len(sku_ids))})) "
        f"AND in_stock <> {has_stock}",
        *sku_ids,
    )


async def _shortfall(rt: Runtime, failed: list[tuple[str, int]]) -> list[FieldProblem]:
    rows = await rt.db.fetch(
        f"SELECT id, on_hand, reserved, active FROM catalogue_sku WHERE id IN ({_placeholders(len(failed))})",
        *[sku_id for sku_id, _ in failed],
    )
    by_id = {r["id"]: r for r in rows}
    problems = []
    for sku_id, quantity in failed:
        row = by_id.get(sku_id)
        if row is None:
            reason = "no such SKU"
        elif not row["active"]:
            reason = "this SKU is not on sale"
        else:
            reason = f"{quantity} requested, {max(row['on_hand'] - row['reserved'], 0)} available"
        problems.append(FieldProblem(field="sku_id", reason=reason, value=sku_id))
    return problems


async def reserve(rt: Runtime, lines: list[tuple[str, int]], *, ref: str, actor_id: str | None) -> None:
    """Reserve stock for every line, all or nothing.

    Each SKU is one ``UPDATE ... SET reserved = reserved + q WHERE id = ? AND active AND
    on_hand - reserved >= q``. If any line cannot be reserved, what this call reserved is
    put back and ``409 insufficient_stock`` names every short SKU (``errors[].value``).
    """
    merged = _merge(lines)
    now = rt.clock.now()
    async with rt.unit_of_work():
        done: list[dict[str, Any]] = []
        failed: list[tuple[str, int]] = []
        for sku_id, quantity in merged:
            rows = await rt.db.execute(
                "UPDATE catalogue_sku SET reserved = reserved + {}, updated_at = {} WHERE id = {} AND active = TRUE "
                "AND on_hand - reserved >= {} RETURNING id, merchant_id, on_hand, reserved",
                quantity, now, sku_id, quantity,
            )
            if rows:
                done.append(rows[0])
            else:
                failed.append((sku_id, quantity))
        quantities = dict(merged)
        if failed:
            for row in done:
                await rt.db.execute(
                    "UPDATE catalogue_sku SET reserved = reserved - {} WHERE id = {}", quantities[row["id"]], row["id"]
                )
            raise Conflict(
                "not enough stock for " + ", ".join(s for s, _ in failed),
                code="insufficient_stock",
                errors=await _shortfall(rt, failed),
            )
        await _record(rt, done, kind="reserve", deltas={s: (0, q) for s, q in merged}, ref=ref,
                      actor_id=actor_id, reason="reserved")
        await refresh_in_stock(rt, [s for s, _ in merged])


async def release(rt: Runtime, lines: list[tuple[str, int]], *, ref: str, actor_id: str | None, reason: str) -> None:
    """Give reserved stock back (a cancel or a payment timeout); ``reason`` is recorded.

    Releasing more than is reserved is ``409 not_reserved`` and changes nothing.
    """
    await _apply(rt, lines, kind="release", on_hand_sign=0, ref=ref, actor_id=actor_id, reason=reason)


async def commit(rt: Runtime, lines: list[tuple[str, int]], *, ref: str, actor_id: str | None) -> None:
    """Turn reservations into shipped goods: ``on_hand -= q`` and ``reserved -= q`` per line.

    Committing more than is reserved is ``409 not_reserved`` and changes nothing.
    """
    await _apply(rt, lines, kind="commit", on_hand_sign=-1, ref=ref, actor_id=actor_id, reason="shipped")


async def _apply(
    rt: Runtime, lines: list[tuple[str, int]], *, kind: str, on_hand_sign: int, ref: str, actor_id: str | None,
    reason: str,
) -> None:
    merged = _merge(lines)
    now = rt.clock.now()
    async with rt.unit_of_work():
        done: list[dict[str, Any]] = []
        failed: list[str] = []
        for sku_id, quantity in merged:
            rows = await rt.db.execute(
                "UPDATE catalogue_sku SET on_hand = on_hand + {}, reserved = reserved - {}, updated_at = {} "
                "WHERE id = {} AND reserved >= {} AND on_hand + {} >= 0 RETURNING id, merchant_id, on_hand, reserved",
                on_hand_sign * quantity, quantity, now, sku_id, quantity, on_hand_sign * quantity,
            )
            if rows:
                done.append(rows[0])
            else:
                failed.append(sku_id)
        if failed:
            quantities = dict(merged)
            for row in done:
                await rt.db.execute(
                    "UPDATE catalogue_sku SET on_hand = on_hand - {}, reserved = reserved + {} WHERE id = {}",
                    on_hand_sign * quantities[row["id"]], quantities[row["id"]], row["id"],
                )
            raise Conflict(
                f"cannot {kind} more than is reserved",
                code="not_reserved",
                errors=[FieldProblem(field="sku_id", reason="less reserved than asked", value=s) for s in failed],
            )
        await _record(rt, done, kind=kind, deltas={s: (on_hand_sign * q, -q) for s, q in merged}, ref=ref,
                      actor_id=actor_id, reason=reason)
        await refresh_in_stock(rt, [s for s, _ in merged])


async def restock(
    rt: Runtime, lines: list[tuple[str, int]], *, ref: str, actor_id: str | None, reason: str
) -> dict[str, int]:
    """Put goods that came back (a return, a refused or intercepted parcel) on hand again:
    ``on_hand += q`` per line, with a ``restock`` movement tied to ``ref``; answers each SKU's new
    on-hand count. ``404 sku_not_found`` (and no change) for an unknown SKU."""
    merged = _merge(lines)
    now = rt.clock.now()
    async with rt.unit_of_work():
        done: list[dict[str, Any]] = []
        for sku_id, quantity in merged:
            rows = await rt.db.execute(
                "UPDATE catalogue_sku SET on_hand = on_hand + {}, updated_at = {} WHERE id = {} "
                "RETURNING id, merchant_id, on_hand, reserved",
                quantity, now, sku_id,
            )
            if not rows:
                raise NotFound("no such SKU", code="sku_not_found",
                               errors=[FieldProblem(field="sku_id", reason="no such SKU", value=sku_id)])
            done += rows
        await _record(rt, done, kind="restock", deltas={s: (q, 0) for s, q in merged}, ref=ref,
                      actor_id=actor_id, reason=reason)
        await refresh_in_stock(rt, [s for s, _ in merged])
    return {row["id"]: int(row["on_hand"]) for row in done}


async def record_initial(rt: Runtime, rows: list[dict[str, Any]], *, actor_id: str | None) -> None:
    """Log the opening stock of newly created SKUs (in the caller's transaction)."""
    rows = [r for r in rows if r["on_hand"]]
    await _record(rt, rows, kind="initial", deltas={r["id"]: (r["on_hand"], 0) for r in rows}, ref=None,
                  actor_id=actor_id, reason="opening stock")


async def _merchant_sku(rt: Runtime, merchant_id: str, sku_id: str, *, for_update: bool = False) -> dict[str, Any]:
    lock = " FOR UPDATE" if for_update and not rt.db.is_sqlite else ""
    row = await rt.db.fetchrow(
        f"SELECT * FROM catalogue_sku WHERE id = {{}} AND merchant_id = {{}}{lock}", sku_id, merchant_id
    )
    if row is None:
        raise NotFound("no such SKU", code="sku_not_found")
    return row


async def set_on_hand(
    rt: Runtime, merchant_id: str, sku_id: str, on_hand: int, *, reason: str, actor_id: str | None
) -> dict[str, Any]:
    """Set a SKU's on-hand count (a stocktake); refused below what is reserved (``409 below_reserved``).

    Returns the SKU row after the change.
    """
    async with rt.unit_of_work():
        merchant = await load_merchant(rt, merchant_id)
        if merchant["status"] == "closed":
            raise Conflict("a closed merchant cannot change stock", code="merchant_closed")
        before = await _merchant_sku(rt, merchant_id, sku_id, for_update=True)
        rows = await rt.db.execute(
            "UPDATE catalogue_sku SET on_hand = {}, updated_at = {} WHERE id = {} AND reserved <= {} "
            "RETURNING id, merchant_id, on_hand, reserved",
            on_hand, rt.clock.now(), sku_id, on_hand,
        )
        if not rows:
            raise Conflict(
                f"{before['reserved']} units are reserved; on hand cannot go below that",
                code="below_reserved",
                errors=[FieldProblem(field="on_hand", reason=f"at least {before['reserved']}", value=on_hand)],
            )
        await _record(rt, rows, kind="adjust", deltas={sku_id: (on_hand - before["on_hand"], 0)}, ref=None,
                      actor_id=actor_id, reason=reason)
        await refresh_in_stock(rt, [sku_id])
        return await _merchant_sku(rt, merchant_id, sku_id)


async def movements(
    rt: Runtime, merchant_id: str, sku_id: str, *, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """A SKU's movements, newest first, keyset-paginated by (at, id)."""
    await _merchant_sku(rt, merchant_id, sku_id)
    where, args = "sku_id = {}", [sku_id]
    if cursor:
        at, last_id = cursors.decode(cursor, "movements", (datetime, str))
        where += " AND (at < {} OR (at = {} AND id < {}))"
        args += [at, at, last_id]
    rows = await rt.db.fetch(
        f"SELECT * FROM inventory_movement WHERE {where} ORDER BY at DESC, id DESC LIMIT {{}}", *args, limit + 1
    )
    page = rows[:limit]
    nxt = cursors.encode("movements", page[-1]["at"], page[-1]["id"]) if len(rows) > limit else None
    return page, nxt
