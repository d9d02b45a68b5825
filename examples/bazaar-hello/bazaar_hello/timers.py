"""Timer handlers: ``hello.remind`` records the reminder it sends."""

from __future__ import annotations

import uuid

from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due

from bazaar_hello.tables import Reminder

REMIND = "hello.remind"


async def remind(rt: PluginRuntime, due: Due) -> None:
    """Runs inside the transaction that marks the timer done: the row and "done" commit together."""
    name = due.payload.get("name", due.subject)
    await Reminder.insert(
        Reminder(
            id=f"rem_{uuid.uuid4().hex}",
            subject=due.subject,
            message=f"{rt.plugin_config('hello').greeting} again, {name}",
            sent_at=rt.clock.now(),
        )
    ).run()
