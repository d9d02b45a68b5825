"""Timer handlers per plugin id: dispatch, sandbox delivery, payout runs, auto-confirm."""

from __future__ import annotations

from datetime import timedelta

from bazaar.plugins.payments import auto_confirm, collections, service
from bazaar.plugins.payments.dispatch import dispatch_timer
from bazaar.plugins.payments.providers.sandbox.notices import deliver_timer
from bazaar.sdk.plugin import TimerHandler
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due


def payout_timer(pid: str) -> TimerHandler:
    async def payout(rt: PluginRuntime, due: Due) -> None:
        """Timer: batch merchant payables into payouts, then schedule the next run."""
        await service.run_payouts(rt, pid)
        hours = rt.plugin_config(pid).payout_interval_hours
        slot = int(due.subject.split(":", 1)[1]) + 1
        await rt.timers.schedule(f"{pid}.payout", f"slot:{slot}", due.due_at + timedelta(hours=hours), {})

    return payout


def timers_for(pid: str) -> dict[str, TimerHandler]:
    handlers = {
        f"{pid}.dispatch": dispatch_timer(pid),
        f"{pid}.sandbox_deliver": deliver_timer(pid),
        f"{pid}.payout": payout_timer(pid),
    }
    handlers[auto_confirm.kind(pid)] = auto_confirm.fire_timer(pid)
    handlers[collections.confirm_kind(pid)] = collections.confirm_timer(pid)
    return handlers
