"""Build the ``Plugin`` declaration of either payments plugin (they differ only in id and config)."""

from __future__ import annotations

from typing import Any

from bazaar.plugins.payments import cli, policy
from bazaar.plugins.payments.api import ROUTES
from bazaar.plugins.payments.config import checks
from bazaar.plugins.payments.events import EVENTS
from bazaar.plugins.payments.hooks import SUBSCRIBES, PaymentsHooks
from bazaar.plugins.payments.providers.sandbox.api import ROUTES as SANDBOX_ROUTES
from bazaar.plugins.payments.timers import timers_for
from bazaar.sdk.plugin import Plugin

__version__ = "1.0.0"


def declare(pid: str, other: str, summary: str, config: Any, rules: Any) -> Plugin:
    return Plugin(
        id=pid,
        version=__version__,
        summary=summary,
        config=config,
        kernel=">=0.1,<1.0",
        conflicts=(other,),
        slots=("payments.capture",),
        hooks=PaymentsHooks,
        piccolo_app="bazaar.plugins.payments.piccolo_app",
        routes=(*ROUTES, *SANDBOX_ROUTES),
        timers=timers_for(pid),
        subscribes=SUBSCRIBES,
        events=EVENTS,
        policy=lambda cfg: policy.explain(rules, cfg),
        commands=(cli.COMMAND,),
        checks=checks,
    )
