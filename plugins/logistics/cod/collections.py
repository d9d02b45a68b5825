"""Expected collections: what a carrier should collect for each COD order, and when it is overdue.

``order.placed`` records the expected amount; ``shipment.handed_over`` names the carrier and
waybill; ``shipment.delivered`` starts the remittance clock (``remittance_working_days`` on
the calendar, a ``logistics.cod.missing`` timer); ``shipment.refused`` makes the parcel a
return; ``shipment.lost`` and ``order.cancelled`` mean nothing is to be collected.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from bazaar.plugins.logistics import contract
from bazaar.plugins.logistics.events import CodCollected, CodException
from bazaar.plugins.logistics.policy import COD_RULES
from bazaar.sdk.api import new_id
from bazaar.sdk.money import Money
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due

PLUGIN = "logistics.cod"
MISSING_TIMER = "logistics.cod.missing"
OPEN = ("expected", "in_transit")


#: the effective policy values, per runtime
_VALUES: WeakKeyDictionary[PluginRuntime, dict[str, Any]] = WeakKeyDictionary()


def values(rt: PluginRuntime) -> dict[str, Any]:
    """The effective ``logistics.cod`` policy values (cached per runtime)."""
    found = _VALUES.get(rt)
    if found is None:
        found = _VALUES[rt] = COD_RULES.resolve(rt.plugin_config(PLUGIN))
    return found


async def expect(rt: PluginRuntime, order_id: str) -> None:
    """A COD order was placed: record what the carrier must collect (idempotent)."""
    order = await contract.order_snapshot(rt, order_id)
    if order.payment_method != "cod":
        return
    now = rt.clock.now()
    await rt.db.execute(
        "INSERT INTO logistics_cod_collection (id, order_id, merchant_id, customer_id, checkout_id, expected_minor, "
        "currency, state, created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, 'expected', {}, {}) "
        "ON CONFLICT (order_id) DO NOTHING",
        new_id("col"), order_id, order.merchant_id, order.customer_id, order.checkout_id, order.total.amount,
        order.total.currency, now, now,
    )


async def handed_over(rt: PluginRuntime, order_id: str, carrier: str | None, waybills: tuple[str, ...]) -> None:
    """The COD parcel left: the collection is expected from that carrier on that waybill."""
    if not carrier or not waybills:
        return
    await rt.db.execute(
        "UPDATE logistics_cod_collection SET carrier = {}, waybill = {}, state = 'in_transit', updated_at = {} "
        "WHERE order_id = {} AND state = 'expected'",
        carrier, waybills[0], rt.clock.now(), order_id,
    )


async def delivered(rt: PluginRuntime, order_id: str, delivered_at: datetime) -> None:
    """Delivered and paid at the door: the carrier owes the remittance within the working days."""
    rows = await rt.db.execute(
        "UPDATE logistics_cod_collection SET state = 'delivered', delivered_at = {}, updated_at = {} "
        "WHERE order_id = {} AND state IN ('expected', 'in_transit') RETURNING id, merchant_id, expected_minor, currency",
        delivered_at, rt.clock.now(), order_id,
    )
    if not rows:
        return
    row = rows[0]
    days = values(rt)["remittance_working_days"]
    if days is not None:
        due = rt.calendar.add_working_days(delivered_at, days)
        await rt.db.execute("UPDATE logistics_cod_collection SET remit_due_at = {} WHERE id = {}", due, row["id"])
        await rt.timers.schedule(MISSING_TIMER, row["id"], due, {})
    await rt.emit(CodCollected(order_id=order_id, merchant_id=row["merchant_id"], collection_id=row["id"],
                                         amount=Money(amount=int(row["expected_minor"]), currency=row["currency"]),
                                         collected_at=delivered_at))


async def nothing_to_collect(rt: PluginRuntime, order_id: str, state: str) -> None:
    """Lost, or cancelled before delivery: the carrier collects nothing."""
    await rt.db.execute(
        "UPDATE logistics_cod_collection SET state = {}, updated_at = {} WHERE order_id = {} AND state IN "
        "('expected', 'in_transit')",
        state, rt.clock.now(), order_id,
    )


async def missing(rt: PluginRuntime, due: Due) -> None:
    """Timer ``logistics.cod.missing``: delivered, but not remitted in time: an exception."""
    rows = await rt.db.execute(
        "UPDATE logistics_cod_collection SET state = 'missing', updated_at = {} WHERE id = {} AND state = 'delivered' "
        "RETURNING id, order_id, merchant_id, waybill, expected_minor, currency",
        rt.clock.now(), due.subject,
    )
    if rows:
        row = rows[0]
        exception_id = await open_exception(rt, "missing", waybill=row["waybill"] or "", collection_id=row["id"],
                                            order_id=row["order_id"], merchant_id=row["merchant_id"],
                                            expected=int(row["expected_minor"]), currency=row["currency"])
        await rt.emit(CodException(exception_id=exception_id, kind="missing", waybill=row["waybill"] or "",
                                             order_id=row["order_id"], merchant_id=row["merchant_id"]))


async def open_exception(rt: PluginRuntime, kind: str, *, waybill: str, currency: str, collection_id: str | None = None,
                         order_id: str | None = None, merchant_id: str | None = None, expected: int | None = None,
                         collected: int | None = None, fee: int | None = None, remittance_id: str | None = None,
                         line_id: str | None = None) -> str:
    exception_id = new_id("cxe")
    await rt.db.execute(
        "INSERT INTO logistics_cod_exception (id, kind, remittance_id, line_id, collection_id, order_id, merchant_id, "
        "waybill, expected_minor, collected_minor, fee_minor, currency, state, created_at) VALUES "
        "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 'open', {})",
        exception_id, kind, remittance_id, line_id, collection_id, order_id, merchant_id, waybill, expected,
        collected, fee, currency, rt.clock.now(),
    )
    return exception_id
