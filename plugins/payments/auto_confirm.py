"""The receipt clock: auto-confirm after shipment, one extension, pause on after-sales.

With escrow, release waits on it; with instant capture it only completes the order.

* ``order.shipped`` starts ``<plugin>.auto_confirm`` for the order, due at the end
  of ``auto_confirm.express_days`` (``postal_days`` / ``virtual_days`` when the event's
  ``shipping_method`` says so) after the shipment day (``rt.calendar.add_days``).
* The customer may extend once (``extend.max_times``) by ``extend.days`` when at most
  ``extend.when_remaining_days_le`` days remain.
* ``order.aftersales_opened`` pauses the clock (the remaining time is kept) and holds any
  release; ``order.aftersales_closed`` resumes it with the time that was left, and releases
  if the order was confirmed meanwhile (``pause_on_aftersales``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bazaar.plugins.payments import orders_port, policy, service
from bazaar.plugins.payments.states import CONFIRMING
from bazaar.sdk.errors import Conflict, NotFound
from bazaar.sdk.events import OrderShipped
from bazaar.sdk.plugin import TimerHandler
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due


def kind(pid: str) -> str:
    return f"{pid}.auto_confirm"


async def _order(rt: PluginRuntime, order_id: str) -> dict[str, Any] | None:
    lock = "" if rt.db.engine_name == "sqlite" else " FOR UPDATE"
    return await rt.db.fetchrow(f"SELECT * FROM payments_order WHERE order_id = {{}}{lock}", order_id)


async def on_shipped(rt: PluginRuntime, pid: str, event: OrderShipped) -> None:
    """Start the receipt clock from the shipment (``shipping_method`` picks the days; default express)."""
    order_id = event.order_id
    op = await _order(rt, order_id)
    if op is None or op["state"] not in CONFIRMING or op["confirm_due_at"] is not None:
        return
    method = event.shipping_method or "express"
    days = service.rules(rt, pid).get(f"auto_confirm.{method}_days", service.rules(rt, pid)["auto_confirm.express_days"])
    now = rt.clock.now()
    if days is None:
        await rt.db.execute("UPDATE payments_order SET shipped_at = {}, updated_at = {} WHERE order_id = {}",
                            now, now, order_id)
        return
    due = rt.calendar.add_days(now, days)
    paused = op["open_cases"] > 0 and service.rules(rt, pid)["pause_on_aftersales"]
    await rt.db.execute(
        "UPDATE payments_order SET shipped_at = {}, confirm_due_at = {}, paused_remaining_seconds = {}, "
        "updated_at = {} WHERE order_id = {}",
        now, due, int((due - now).total_seconds()) if paused else None, now, order_id,
    )
    if not paused:
        await rt.timers.schedule(kind(pid), order_id, due, {})


def fire_timer(pid: str) -> TimerHandler:
    async def fire(rt: PluginRuntime, due: Due) -> None:
        """Timer: the receipt window ended; confirm on the customer's behalf, then release."""
        op = await _order(rt, due.subject)
        if op is None or op["state"] not in CONFIRMING or op["paused_remaining_seconds"] is not None:
            return
        await orders_port.auto_confirm(rt, due.subject, pid)
        await service.request_release(rt, pid, due.subject, "auto-confirmed", from_timer=True)

    return fire


async def extend(rt: PluginRuntime, pid: str, order_id: str, customer_id: str | None) -> dict[str, Any]:
    """The customer extends the receipt window once, near its end."""
    async with rt.unit_of_work():
        op = await _order(rt, order_id)
        if op is None or op["customer_id"] != customer_id:  # someone else's order looks like no order
            raise NotFound("no payment for this order", code="payments.unknown_order")
        r = service.rules(rt, pid)
        why = policy.may_extend(
            now=rt.clock.now(), due_at=op["confirm_due_at"] if op["state"] in CONFIRMING else None, used=op["extensions"],
            max_times=r["extend.max_times"], when_remaining_days_le=r["extend.when_remaining_days_le"],
            paused=op["paused_remaining_seconds"] is not None,
        )
        if why:
            raise Conflict(why, code="payments.extension_refused")
        due = op["confirm_due_at"] + timedelta(days=r["extend.days"])
        await rt.db.execute(
            "UPDATE payments_order SET confirm_due_at = {}, extensions = extensions + 1, updated_at = {} "
            "WHERE order_id = {}",
            due, rt.clock.now(), order_id,
        )
        await rt.timers.reschedule(kind(pid), order_id, due)
        row = await rt.db.fetchrow("SELECT * FROM payments_order WHERE order_id = {}", order_id)
    assert row is not None
    return row


async def case_opened(rt: PluginRuntime, pid: str, order_id: str) -> None:
    if not service.rules(rt, pid)["pause_on_aftersales"]:
        return
    op = await _order(rt, order_id)
    if op is None:
        return
    now = rt.clock.now()
    remaining = op["paused_remaining_seconds"]
    if remaining is None and op["confirm_due_at"] is not None and op["state"] in CONFIRMING:
        remaining = max(0, int((op["confirm_due_at"] - now).total_seconds()))
        await rt.timers.cancel(kind(pid), order_id)
    await rt.db.execute(
        "UPDATE payments_order SET open_cases = open_cases + 1, paused_remaining_seconds = {}, updated_at = {} "
        "WHERE order_id = {}",
        remaining, now, order_id,
    )


async def case_closed(rt: PluginRuntime, pid: str, order_id: str) -> None:
    if not service.rules(rt, pid)["pause_on_aftersales"]:
        return
    op = await _order(rt, order_id)
    if op is None or op["open_cases"] <= 0:
        return
    now = rt.clock.now()
    if op["open_cases"] > 1:
        await rt.db.execute("UPDATE payments_order SET open_cases = open_cases - 1, updated_at = {} WHERE order_id = {}",
                            now, order_id)
        return
    due = op["confirm_due_at"]
    if op["paused_remaining_seconds"] is not None and op["state"] in CONFIRMING:
        due = now + timedelta(seconds=op["paused_remaining_seconds"])
        await rt.timers.schedule(kind(pid), order_id, due, {})
    await rt.db.execute(
        "UPDATE payments_order SET open_cases = 0, paused_remaining_seconds = NULL, confirm_due_at = {}, "
        "updated_at = {} WHERE order_id = {}",
        due, now, order_id,
    )
    if op["release_wanted"]:
        await service.request_release(rt, pid, order_id, "confirmed; after-sales case closed")
