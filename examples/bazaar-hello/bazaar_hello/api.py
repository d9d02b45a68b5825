"""HTTP routes, mounted by the kernel under ``/api/v1`` and tagged ``hello`` in OpenAPI."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import msgspec
from bazaar.sdk.api import RuntimeDep
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


ROUTES = (greet, schedule_reminder)
