"""Hook implementations: the event handler and a readiness check."""

from __future__ import annotations

from bazaar.sdk.events import AnyEvent
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.runtime import PluginContext
from bazaar.sdk.types import HookContext, ReadinessCheck

from bazaar_hello.config import HelloConfig
from bazaar_hello.tables import Reminder, SeenEvent


class HelloHooks:
    """Built once per app with the plugin's context (``id``, ``config``, ``runtime``)."""

    def __init__(self, context: PluginContext[HelloConfig]) -> None:
        self.context = context

    @hookimpl
    async def bazaar_handle_event(self, event: AnyEvent, ctx: HookContext) -> None:
        """Record each subscribed event once: delivery is at least once, so dedupe by id.

        ``event`` is the typed Struct (``ReminderScheduled``, ``OrderPaid`` ...); match on its
        class to read its fields. This example only records type and subject.
        """
        if await SeenEvent.exists().where(SeenEvent.event_id == event.id):
            return
        await SeenEvent.insert(
            SeenEvent(event_id=event.id, type=event.type, subject=event.subject, seen_at=ctx.now)
        ).run()

    @hookimpl
    async def bazaar_collect_readiness_checks(self) -> list[ReadinessCheck]:
        """Ready when the plugin's table answers."""
        try:
            await Reminder.count()
        except Exception as exc:  # report, do not fail /ready
            return [ReadinessCheck(name="tables", ok=False, detail=type(exc).__name__)]
        return [ReadinessCheck(name="tables", ok=True)]
