"""Hook implementations (thin: each calls a service module)."""

from __future__ import annotations

from bazaar.plugins.reviews import facts
from bazaar.plugins.reviews.config import ReviewsConfig
from bazaar.sdk.events import Event, UnknownEvent
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.runtime import PluginContext
from bazaar.sdk.types import HookContext


class ReviewsHooks:
    """Built once per app with the plugin's context (``id``, ``config``, ``runtime``)."""

    def __init__(self, context: PluginContext[ReviewsConfig]) -> None:
        self.context = context

    @hookimpl
    async def bazaar_handle_event(self, event: Event | UnknownEvent, ctx: HookContext) -> None:
        """Eligibility facts from order and cash-on-delivery events; refund signals from refunds."""
        await facts.handle(self.context.runtime, event)
