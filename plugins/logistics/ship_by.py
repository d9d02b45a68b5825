"""Ship-by deadlines: frozen per order at payment (COD: at placing), breached by a timer.

``ship_within_hours`` counts working hours on the calendar (``policy.add_working_hours``)
from ``order.paid`` (``paid_at``) or ``order.placed``; the deadline and the calendar's
version are stored on ``logistics_order`` and never recomputed. The deadline is met by the
order's first hand-over (``shipments.py`` decides when that was). At the deadline an
order not handed over becomes ``late``: ``shipment.late`` is emitted, optional
compensation is paid through the payment provider, the buyer may cancel for a full
refund, and shipping needs the buyer's consent where ``late_ship.consent_to_ship_late``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from bazaar.plugins.logistics import contract, policy
from bazaar.plugins.logistics.events import ShipmentLate
from bazaar.sdk.api import new_id
from bazaar.sdk.errors import Conflict, NotFound
from bazaar.sdk.events import By
from bazaar.sdk.money import Money
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due
from bazaar.sdk.types import CompensationRequest

log = logging.getLogger("bazaar.logistics")

BREACH_TIMER = "logistics.ship_by"
PLUGIN = "logistics"


#: the effective policy values, per runtime
_VALUES: WeakKeyDictionary[PluginRuntime, dict[str, Any]] = WeakKeyDictionary()


def values(rt: PluginRuntime) -> dict[str, Any]:
    """The effective policy values of ``logistics`` (preset plus overrides), cached per runtime."""
    found = _VALUES.get(rt)
    if found is None:
        found = _VALUES[rt] = policy.RULES.resolve(rt.plugin_config(PLUGIN))
    return found


async def freeze(rt: PluginRuntime, order_id: str, *, started_at: datetime, payment_kind: str) -> dict[str, Any] | None:
    """Record the order's ship-by (idempotent: the first call wins) and start the breach timer."""
    order = await contract.order_snapshot(rt, order_id)
    hours = values(rt)["ship_within_hours"]
    ship_by = policy.add_working_hours(rt.calendar, started_at, hours) if hours else None
    now = rt.clock.now()
    rows = await rt.db.execute(
        "INSERT INTO logistics_order (order_id, merchant_id, customer_id, payment_kind, payment_provider, total_minor, "
        "currency, started_at, ship_by, calendar_version, state, updated_at) VALUES "
        "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 'open', {}) ON CONFLICT (order_id) DO NOTHING RETURNING order_id",
        order_id, order.merchant_id, order.customer_id, payment_kind, order.payment_provider, order.total.amount,
        order.total.currency, started_at, ship_by, rt.calendar.version, now,
    )
    if rows and ship_by is not None:
        await rt.timers.schedule(BREACH_TIMER, order_id, ship_by, {})
    return await facts(rt, order_id)


async def facts(rt: PluginRuntime, order_id: str, *, lock: bool = False) -> dict[str, Any] | None:
    return await rt.db.fetchrow(
        f"SELECT * FROM logistics_order WHERE order_id = {{}}{contract.for_update(rt) if lock else ''}", order_id
    )


async def breach(rt: PluginRuntime, due: Due) -> None:
    """Timer ``logistics.ship_by``: the order was not handed over in time."""
    row = await facts(rt, due.subject, lock=True)
    if row is None or row["state"] != "open":
        return
    now = rt.clock.now()
    await rt.db.execute(
        "UPDATE logistics_order SET state = 'late', breached_at = {}, updated_at = {} WHERE order_id = {}",
        now, now, due.subject,
    )
    await rt.emit(ShipmentLate(order_id=due.subject, merchant_id=row["merchant_id"],
                                         ship_by=row["ship_by"], breached_at=now))
    amount = policy.compensation(int(row["total_minor"]), values(rt)["late_ship.compensation"])
    if amount and row["payment_kind"] == "online" and row["payment_provider"]:
        await _compensate(rt, row, amount)


async def _compensate(rt: PluginRuntime, row: dict[str, Any], amount: int) -> None:
    """Late-shipment compensation to the buyer, charged to the merchant, through the provider."""
    try:
        provider = contract.provider(rt, "payment", row["payment_provider"])
        order = await contract.order_snapshot(rt, row["order_id"])
        await provider.compensate(rt.context(), CompensationRequest(
            order=order, amount=Money(amount=amount, currency=row["currency"]), payer="merchant",
            reason="late shipment", idempotency_key=f"logistics:late:{row['order_id']}",
        ))
    except (LookupError, AttributeError, NotImplementedError):
        log.warning("logistics: provider %s cannot pay late-shipment compensation", row["payment_provider"])


async def handed_over(rt: PluginRuntime, order_id: str, at: datetime, *, by_scan: bool) -> tuple[datetime | None, bool | None]:
    """The order's first hand-over happened at ``at``: stop the clock; answers ``(ship_by, on_time)``."""
    row = await facts(rt, order_id, lock=True)
    if row is None:
        return None, None
    ship_by = row["ship_by"]
    if row["state"] == "shipped":
        if by_scan and row["shipped_at"] is not None and at < _aware(row["shipped_at"]):
            await rt.db.execute("UPDATE logistics_order SET shipped_at = {} WHERE order_id = {}", at, order_id)
        return ship_by, row["on_time"]
    on_time = None if ship_by is None else not policy.is_late(_aware(ship_by), at)
    await rt.db.execute(
        "UPDATE logistics_order SET state = 'shipped', shipped_at = {}, on_time = {}, updated_at = {} "
        "WHERE order_id = {}",
        at, on_time, rt.clock.now(), order_id,
    )
    await rt.timers.cancel(BREACH_TIMER, order_id)
    return ship_by, on_time


def _aware(value: Any) -> datetime:
    from bazaar.plugins.logistics.tracking import _utc

    return _utc(value)


async def needs_consent(rt: PluginRuntime, row: dict[str, Any] | None) -> bool:
    """Whether shipping now needs the buyer's consent (past the ship-by, none recorded yet)."""
    if row is None or row["ship_by"] is None or not values(rt)["late_ship.consent_to_ship_late"]:
        return False
    if rt.clock.now() <= _aware(row["ship_by"]) or row["state"] == "shipped":
        return False
    given = await rt.db.fetchrow(
        "SELECT id FROM logistics_consent WHERE order_id = {} AND kind = 'ship_late'", row["order_id"]
    )
    return given is None


async def check_may_ship(rt: PluginRuntime, order_id: str) -> None:
    """``409 logistics.ship_by_passed_consent_required`` when shipping needs the buyer's consent."""
    if await needs_consent(rt, await facts(rt, order_id)):
        raise Conflict("the ship-by deadline has passed: shipping now needs the buyer's consent",
                       code="logistics.ship_by_passed_consent_required")


async def give_consent(rt: PluginRuntime, order_id: str, customer_id: str, kind: str, note: str) -> dict[str, Any]:
    """The buyer consents (``ship_late`` or ``locker``); one consent per kind, kept with its time."""
    async with rt.unit_of_work():
        row = await facts(rt, order_id)
        if row is None or row["customer_id"] != customer_id:
            raise NotFound("no such order", code="logistics.order_not_found")
        existing = await rt.db.fetchrow(
            "SELECT * FROM logistics_consent WHERE order_id = {} AND kind = {}", order_id, kind
        )
        if existing is not None:
            return existing
        consent_id = new_id("lcn")
        await rt.db.execute(
            "INSERT INTO logistics_consent (id, order_id, customer_id, kind, note, given_at) "
            "VALUES ({}, {}, {}, {}, {}, {})",
            consent_id, order_id, customer_id, kind, note[:500], rt.clock.now(),
        )
        return await rt.db.fetchrow("SELECT * FROM logistics_consent WHERE id = {}", consent_id)  # type: ignore[return-value]


async def cancel_late(rt: PluginRuntime, order_id: str, customer_id: str) -> None:
    """The buyer cancels an order not handed over by its ship-by: full refund through the core."""
    async with rt.unit_of_work():
        row = await facts(rt, order_id, lock=True)
        if row is None or row["customer_id"] != customer_id:
            raise NotFound("no such order", code="logistics.order_not_found")
        if not values(rt)["late_ship.buyer_may_cancel"]:
            raise Conflict("this marketplace does not offer cancelling late orders",
                           code="logistics.late_cancel_not_offered")
        late = row["state"] == "late" or (
            row["state"] == "open" and row["ship_by"] is not None and rt.clock.now() > _aware(row["ship_by"])
        )
        if not late:
            raise Conflict("the order is not past its ship-by deadline unshipped", code="logistics.not_late",
                           extra={"ship_by": row["ship_by"], "state": row["state"]})
        await rt.db.execute(
            "UPDATE logistics_shipment SET state = 'cancelled', cancelled_at = {}, updated_at = {} "
            "WHERE order_id = {} AND state IN ('pending', 'packed')",
            rt.clock.now(), rt.clock.now(), order_id,
        )
        await contract.transition_order(rt, order_id, contract.CANCEL, by=By(kind="customer", id=customer_id),
                                        plugin=PLUGIN, reason="not shipped by the ship-by deadline",
                                        cancel_reason="late_shipment")
        await rt.db.execute(
            "UPDATE logistics_order SET state = 'cancelled', updated_at = {} WHERE order_id = {}",
            rt.clock.now(), order_id,
        )


async def order_cancelled(rt: PluginRuntime, order_id: str) -> None:
    """The order was cancelled (by anyone): stop its clock and its unshipped shipments."""
    await rt.db.execute(
        "UPDATE logistics_order SET state = 'cancelled', updated_at = {} WHERE order_id = {} AND state <> 'cancelled'",
        rt.clock.now(), order_id,
    )
    await rt.db.execute(
        "UPDATE logistics_shipment SET state = 'cancelled', cancelled_at = {}, updated_at = {} "
        "WHERE order_id = {} AND state IN ('pending', 'packed')",
        rt.clock.now(), rt.clock.now(), order_id,
    )
    await rt.timers.cancel(BREACH_TIMER, order_id)
