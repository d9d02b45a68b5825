"""``bazaar serve --demo``: the hello plugin's demo data (a reminder for the demo customer)."""

from __future__ import annotations

from datetime import timedelta

from bazaar.sdk import services
from bazaar.sdk.demo import DemoContext
from bazaar.sdk.runtime import PluginRuntime

from bazaar_hello.timers import REMIND


async def demo(rt: PluginRuntime, shop: DemoContext) -> None:
    """Schedule a reminder for the first demo customer; idempotent (one timer per subject)."""
    customer = await services.user_snapshot(rt, shop.customer_ids["customer"])
    due = rt.clock.now() + timedelta(minutes=rt.plugin_config("hello").remind_after_minutes)
    async with rt.unit_of_work():
        await rt.timers.schedule(REMIND, customer.name, due, {"name": customer.name})
