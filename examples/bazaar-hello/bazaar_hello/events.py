"""The events the hello plugin emits (listed on its ``Plugin(events=...)``).

One frozen, tagged Struct per fact; the tag is the event type. Evolution rule: only add
fields with a default, never rename, remove or retype one (rows already in the outbox
must still decode).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from bazaar.sdk.events import Event
from msgspec import Meta


class ReminderScheduled(Event, frozen=True, kw_only=True, tag="hello.reminder_scheduled"):
    """A reminder for ``name`` was scheduled (or moved) to ``due_at``."""

    name: Annotated[str, Meta(description="who is reminded")]
    due_at: Annotated[datetime, Meta(tz=True)] | None = None
    subject_field = "name"


EVENTS: tuple[type[Event], ...] = (ReminderScheduled,)
