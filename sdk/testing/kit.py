"""A running Bazaar for tests: the real app, an HTTP client, a manual clock, the runtime."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import httpx
from litestar import Litestar

from bazaar.core.kernel.app import create_app
from bazaar.core.kernel.clock import ManualClock
from bazaar.core.kernel.config import load_settings
from bazaar.core.kernel.runtime import Runtime
from bazaar.sdk.plugin import Plugin


class Kit:
    """One app under test. ``client`` talks HTTP to it; due timers run after each request."""

    def __init__(self, runtime: Runtime, app: Litestar, clock: ManualClock) -> None:
        self.runtime = runtime
        self.app = app
        self.clock = clock
        # the app runs in the test's own event loop (one loop for the pool, app and test)
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://testserver",
            event_hooks={"response": [self._after_response]},
        )
        self.auto_run_due = True

    async def _after_response(self, response: Any) -> None:
        if self.auto_run_due:
            await self.run_due()

    async def run_due(self) -> int:
        """Run every timer (and event delivery) due at the clock's current time."""
        return await self.runtime.worker.run_due()

    async def advance(self, delta: timedelta) -> int:
        """Move the clock forward and run what fell due; returns how many timers ran."""
        self.clock.advance(delta)
        return await self.run_due()

    async def __aenter__(self) -> Kit:
        await self.runtime.start()
        await self.runtime.migrate()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.client.aclose()
        await self.runtime.stop()


async def build_kit(
    db_url: str,
    *,
    plugins: Iterable[str] = (),
    config: dict[str, Any] | None = None,
    extra: Iterable[Plugin] = (),
    clock: ManualClock | None = None,
    settings: dict[str, Any] | None = None,
) -> Kit:
    """Build and start a kit on ``db_url`` with ``plugins`` enabled and their ``config``."""
    overrides: dict[str, Any] = {"database": {"url": db_url}, "server": {"embedded_worker": False}}
    overrides["log"] = {"json": False}
    plugin_table: dict[str, Any] = {"enabled": list(plugins)}
    for pid, table in (config or {}).items():
        node = plugin_table
        parts = pid.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = table
    overrides["plugins"] = plugin_table
    for key, value in (settings or {}).items():
        overrides[key] = {**overrides.get(key, {}), **value} if isinstance(value, dict) else value
    clock = clock or ManualClock()
    runtime = Runtime(load_settings(environ={}, overrides=overrides), clock=clock, extra_plugins=extra)
    app = create_app(runtime=runtime, embedded_worker=False)
    kit = Kit(runtime, app, clock)
    await kit.__aenter__()
    return kit
