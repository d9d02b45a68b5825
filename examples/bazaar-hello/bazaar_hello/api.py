"""HTTP routes, mounted by the kernel under ``/api/v1`` and tagged ``hello`` in OpenAPI."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import msgspec
from bazaar.sdk import NotFound, services
from bazaar.sdk.api import ActorDep, RuntimeDep, check_id, problems
from bazaar.sdk.errors import ValidationFailed
from litestar import get, post
from litestar.params import PathParameter

from bazaar_hello import events
from bazaar_hello.timers import REMIND

Name = Annotated[str, PathParameter(min_length=1, max_length=100)]


class Greeting(msgspec.Struct, frozen=True, kw_only=True):
    message: str


class ReminderScheduled(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    due_at: Annotated[datetime, msgspec.Meta(tz=True)]


#: every route declares who may call it (``opt={"auth": ...}``): public, user, operator,
#: merchant, merchant_owner or service:<scope>; a route without one answers 403
PUBLIC = {"auth": "public"}
USER = {"auth": "user"}


@get("/hello/{name:str}", operation_id="hello_greet", summary="Greet someone", opt=PUBLIC)
async def greet(name: Name, rt: RuntimeDep) -> Greeting:
    """Answer with the configured greeting."""
    return Greeting(message=f"{rt.plugin_config('hello').greeting}, {name}")


@post(
    "/hello/{name:str}/reminders",
    operation_id="hello_remind",
    summary="Schedule a reminder",
    status_code=202,
    opt=PUBLIC,
)
async def schedule_reminder(name: Name, rt: RuntimeDep) -> ReminderScheduled:
    """Schedule (or move) the ``hello.remind`` timer for ``name`` and emit an event."""
    due_at = rt.clock.now() + timedelta(minutes=rt.plugin_config("hello").remind_after_minutes)
    async with rt.unit_of_work():
        await rt.timers.schedule(REMIND, name, due_at, {"name": name})
        await rt.emit(events.ReminderScheduled(name=name, due_at=due_at))
    return ReminderScheduled(subject=name, due_at=due_at)


@get(
    "/hello/orders/{order_id:str}",
    operation_id="hello_thank",
    summary="Thank the buyer of an order",
    opt=USER,
    responses=problems(NotFound, ValidationFailed),
)
async def thank(order_id: str, rt: RuntimeDep, actor: ActorDep) -> Greeting:
    """Thank the signed-in buyer for one of their orders (someone else's order is a 404).

    Reads the core through the facades: ``order_snapshot`` and ``user_snapshot`` answer
    frozen snapshots, never rows.
    """
    order = await services.order_snapshot(rt, check_id(order_id, "ord", "order_id"))
    if order.customer_id != actor.user_id:
        raise NotFound("no such order", code="hello.order_not_found")
    buyer = await services.user_snapshot(rt, order.customer_id)
    items = sum(line.quantity for line in order.lines)
    greeting = rt.plugin_config("hello").greeting
    return Greeting(message=f"{greeting}, {buyer.name}: thank you for your order of {items} item(s)")


ROUTES = (greet, schedule_reminder, thank)
