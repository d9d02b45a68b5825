"""bazaar-hello: the example third-party plugin (id ``hello``).

What it does: greets people over HTTP, schedules a reminder per person as a durable
timer, and records the events it subscribes to. It regulates nothing; it shows every
part a real plugin has, in the smallest form.

Config (``[plugins.hello]``): ``greeting`` (default ``"Hello"``, 1-40 chars),
``remind_after_minutes`` (default 60, 1..10080).

Routes: ``GET /api/v1/hello/{name}``, ``POST /api/v1/hello/{name}/reminders``,
``GET /api/v1/hello/orders/{order_id}`` (thanks the buyer; reads the core through the
``bazaar.sdk.services`` facades). Timers: ``hello.remind`` (subject: the name). Events
(``events.py``): emits ``hello.reminder_scheduled``
(:class:`~bazaar_hello.events.ReminderScheduled`); subscribes to ``hello.*`` and ``order.*``.
Hooks: ``bazaar_handle_event``, ``bazaar_collect_readiness_checks``.
Tables: ``hello_reminder``, ``hello_seen_event`` (Piccolo app ``hello``).
CLI: ``bazaar hello greet NAME``. Demo data (``serve --demo``): a reminder for the demo customer.
"""

from __future__ import annotations

from bazaar.sdk.plugin import Plugin

from bazaar_hello import cli
from bazaar_hello.api import ROUTES
from bazaar_hello.config import HelloConfig
from bazaar_hello.demo import demo
from bazaar_hello.events import EVENTS
from bazaar_hello.hooks import HelloHooks
from bazaar_hello.timers import REMIND, remind

__version__ = "1.0.0"

plugin = Plugin(
    id="hello",
    version=__version__,
    summary="Greets people, reminds them later, and records events (example plugin)",
    config=HelloConfig,
    kernel=">=0.1,<1.0",
    hooks=HelloHooks,
    piccolo_app="bazaar_hello.piccolo_app",
    routes=ROUTES,
    timers={REMIND: remind},
    subscribes=("hello.*", "order.*"),
    events=EVENTS,
    commands=(cli.COMMAND,),
    demo=demo,
)
