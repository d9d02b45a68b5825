"""The runtime: settings, clock, database, plugin host, events, timers and worker, wired once.

``Runtime`` is what route handlers (through dependency injection), services, hooks
objects (``PluginContext.runtime``) and timer handlers receive. Plugins see it through
the :class:`bazaar.sdk.runtime.PluginRuntime` protocol, which it satisfies (checked by
mypy in ``tests/contract/test_runtime_protocol.py``). The kernel builds it from what it
is handed: the composition root (:mod:`bazaar.core.root`) passes the core's domains as
``builtins``; the kernel itself imports no domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from litestar.di import NamedDependency
from piccolo.conf.apps import AppConfig
from piccolo.table import Table

from bazaar.core.kernel import events as _events
from bazaar.core.kernel.clock import Clock, SystemClock
from bazaar.core.kernel.config import Settings
from bazaar.core.kernel.db import Database
from bazaar.core.kernel.files import PURGE_TIMER, KernelFileStore, build_storage, purge_timer
from bazaar.core.kernel.logging import request_id_var
from bazaar.core.kernel.migrations import KERNEL_APP, load_app, migrate, pending, register_apps
from bazaar.core.kernel.plugins import PluginHost
from bazaar.core.kernel.timers import Timers, Worker
from bazaar.sdk.calendar import Calendar
from bazaar.sdk.errors import PluginError
from bazaar.sdk.events import Event
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.types import HookContext

KERNEL_TIMERS = {
    _events.DELIVER_TO_PLUGIN: _events.deliver_to_plugin,
    _events.DELIVER_TO_WEBHOOK: _events.deliver_to_webhook,
    PURGE_TIMER: purge_timer,
}


class Runtime:
    """Everything one Bazaar process needs, built from settings."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        builtins: Iterable[Plugin] = (),
        extra_plugins: Iterable[Plugin] = (),
        discover_installed: bool = True,
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.plugins = PluginHost.build(
            settings, builtins=builtins, extra=extra_plugins, discover_installed=discover_installed
        )
        #: the shared file store (``[files]``: a directory beside the SQLite file, or S3)
        self.files = KernelFileStore(self, build_storage(settings))
        self.db = Database(settings.database)
        self.events = _events.EventBus(self)
        self.timers = Timers(self)
        self.worker = Worker(self)
        self.timer_handlers: dict[str, Any] = {**KERNEL_TIMERS, **self.plugins.timers}
        self.apps = self._apps()
        self.db.bind(self.tables())
        self.plugins.bind_runtime(self)
        self.services: dict[str, Any] = {}
        self.calendar = Calendar.from_config(settings.calendar)

    def _apps(self) -> list[AppConfig]:
        """The kernel's Piccolo app, then each built-in's and enabled plugin's, in load order."""
        modules = [KERNEL_APP]
        for pid, loaded in self.plugins.loaded.items():
            module = loaded.plugin.piccolo_app
            if module:
                try:
                    load_app(module)
                except (ImportError, AttributeError) as exc:
                    raise PluginError(f"plugin {pid!r}: cannot load piccolo app {module!r}: {exc}") from None
                modules.append(module)
        return register_apps(modules)

    def tables(self) -> list[type[Table]]:
        return [table for app in self.apps for table in app.table_classes]

    # --- lifecycle ------------------------------------------------------------------

    async def start(self) -> None:
        self.db.bind(self.tables())
        await self.db.start()

    async def stop(self) -> None:
        await self.db.stop()

    async def migrate(self) -> list[str]:
        return await migrate(self.db, self.apps, files=self.files)

    async def pending_migrations(self) -> dict[str, list[str]]:
        return await pending(self.db, self.apps)

    # --- helpers for services and hooks ----------------------------------------------

    def unit_of_work(self) -> AbstractAsyncContextManager[None]:
        """One transaction for a state-changing service call; hooks it calls run inside it."""
        return self.db.transaction()

    async def emit(self, event: Event) -> str:
        """Write a typed event to the outbox in the current transaction; return its id."""
        return await self.events.emit(event)

    def context(self, actor_id: str | None = None, actor_roles: tuple[str, ...] = ()) -> HookContext:
        """The narrow context handed to hooks."""
        return HookContext(
            now=self.clock.now(),
            request_id=request_id_var.get(),
            actor_id=actor_id,
            actor_roles=actor_roles,
        )

    def after_commit(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` (sync or async) once the current transaction commits."""
        self.db.after_commit(callback)

    def plugin_config(self, plugin_id: str) -> Any:
        """The decoded config Struct of an enabled plugin."""
        return self.plugins.plugin_config(plugin_id)

    def provider(self, kind: str, provider_id: str) -> Any:
        """A registered provider object; ``LookupError`` when none is registered under that id."""
        found = self.plugins.providers.get((kind, provider_id))
        if found is None:
            raise LookupError(f"no {kind} provider {provider_id!r} is registered")
        return found

    def providers(self, kind: str) -> dict[str, Any]:
        """Every registered provider of ``kind``, by id."""
        return {pid: p for (k, pid), p in self.plugins.providers.items() if k == kind}

    def is_enabled(self, plugin_id: str) -> bool:
        """Whether a plugin is enabled in this deployment."""
        return plugin_id in self.plugins.loaded

    @property
    def currency(self) -> str:
        """The marketplace's currency (``checkout.currency``)."""
        return self.settings.checkout.currency

    @property
    def public_url(self) -> str | None:
        """The public base URL of the API (``server.public_url``), if configured."""
        return self.settings.server.public_url
    def findings(self, production: bool = False) -> list[Any]:
        """Deployment checks of the kernel and every enabled plugin (``bazaar config check``)."""
        from bazaar.core.kernel.checks import all_findings

        loaded = {pid: (lp.plugin, lp.config) for pid, lp in self.plugins.loaded.items()}
        return all_findings(self.settings, loaded, production)


#: annotate a handler parameter ``rt: RuntimeDep`` to receive the runtime
RuntimeDep = NamedDependency[Runtime]

if TYPE_CHECKING:

    def _satisfies_the_plugin_runtime(rt: Runtime) -> PluginRuntime:
        """mypy checks here that the kernel's runtime is everything plugins are promised."""
        return rt
