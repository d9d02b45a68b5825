"""The typed runtime a plugin receives (``PluginContext.runtime``, route handlers' ``rt``, timer handlers).

Plugins type it as :class:`PluginRuntime` and never reach past it: everything a plugin may
use of the kernel is here: the clock and the working-day calendar, one unit of work (a
transaction), parameterised SQL on its own tables, timers, event emission, its config,
provider objects by ``(kind, id)``, and the shared file store.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from bazaar.sdk.calendar import Calendar
    from bazaar.sdk.events import Event
    from bazaar.sdk.files import FileStore
    from bazaar.sdk.types import HookContext

C = TypeVar("C")


class ClockLike(Protocol):
    """The injectable clock: ``now()`` is UTC and timezone-aware (tests move a ManualClock)."""

    def now(self) -> datetime: ...


class Db(Protocol):
    """Parameterised SQL (``{}`` placeholders) on the plugin's own tables, in the current transaction."""

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """Rows as dicts (the same on every engine)."""
        ...

    async def fetchrow(self, sql: str, *args: Any) -> dict[str, Any] | None:
        """The first row, or ``None``."""
        ...

    async def execute(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """Run a statement; rows it returns (``RETURNING``) as dicts."""
        ...

    def in_transaction(self) -> bool:
        """Whether a unit of work is open in this task."""
        ...

    @property
    def engine_name(self) -> str:
        """``"sqlite"`` or ``"postgres"``."""
        ...


class TimerService(Protocol):
    """Durable deadlines keyed ``(kind, subject)``; the kind must start with the plugin id."""

    async def schedule(self, kind: str, subject: str, due_at: datetime, payload: dict[str, Any] | None = None) -> str:
        """Create or move the timer ``(kind, subject)`` to ``due_at`` (tz-aware); returns its id."""
        ...

    async def reschedule(self, kind: str, subject: str, due_at: datetime) -> bool:
        """Move a pending timer; ``False`` when there is none."""
        ...

    async def cancel(self, kind: str, subject: str) -> bool:
        """Cancel a pending timer; ``False`` when there is none."""
        ...

    async def get(self, kind: str, subject: str) -> dict[str, Any] | None:
        """The pending timer ``(kind, subject)`` (``id``, ``due_at``, ``attempts``, ``status``), if any."""
        ...


class PluginRuntime(Protocol):
    """What a plugin may use of the kernel. See the plugin guide for each member."""

    @property
    def clock(self) -> ClockLike: ...

    @property
    def calendar(self) -> Calendar: ...

    @property
    def db(self) -> Db: ...

    @property
    def timers(self) -> TimerService: ...

    @property
    def files(self) -> FileStore: ...

    def unit_of_work(self) -> AbstractAsyncContextManager[None]:
        """One transaction; nested calls join the open one; after-commit callbacks run on commit."""
        ...

    def after_commit(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` (sync or async) once the current transaction commits."""
        ...

    async def emit(self, event: Event) -> str:
        """Write a typed event to the outbox in the current transaction; return its id."""
        ...

    def context(self, actor_id: str | None = None, actor_roles: tuple[str, ...] = ()) -> HookContext:
        """The narrow context handed to hooks and providers."""
        ...

    def plugin_config(self, plugin_id: str) -> Any:
        """The decoded config Struct of an enabled plugin."""
        ...

    def provider(self, kind: str, provider_id: str) -> Any:
        """The provider object registered as ``(kind, provider_id)``; ``LookupError`` when none is."""
        ...

    def providers(self, kind: str) -> dict[str, Any]:
        """Every registered provider of ``kind``, by id."""
        ...

    def is_enabled(self, plugin_id: str) -> bool:
        """Whether a plugin is enabled in this deployment."""
        ...

    @property
    def currency(self) -> str:
        """The marketplace's currency (``checkout.currency``, e.g. ``"CNY"``)."""
        ...

    @property
    def public_url(self) -> str | None:
        """The public base URL of the API (``server.public_url``), when configured."""
        ...


@dataclass
class PluginContext(Generic[C]):
    """What a plugin's hooks object receives: its id, its decoded config and the runtime."""

    id: str
    config: C
    runtime: PluginRuntime


__all__ = ["ClockLike", "Db", "PluginContext", "PluginRuntime", "TimerService"]
