"""The database: engine from config, table binding, raw queries and the unit of work.

SQLite is the embedded default (WAL, ``BEGIN IMMEDIATE`` for writes); PostgreSQL comes
from a ``postgresql://`` URL and runs with a connection pool.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString

from bazaar.core.kernel.config import DatabaseConfig
from bazaar.sdk.errors import ConfigError

os.environ.setdefault("PICCOLO_CONF", "bazaar.core.kernel.piccolo_conf")

_after_commit: contextvars.ContextVar[list[Callable[[], Any]] | None] = contextvars.ContextVar(
    "bazaar_after_commit", default=None
)
#: async after-commit callbacks started with no transaction open (kept until done)
_background: set[asyncio.Future[Any]] = set()


#: PostgreSQL channel on which commits that schedule timers wake the workers of other processes
WAKE_CHANNEL = "bazaar_timers"


def _notified() -> None:
    """Marks, among a transaction's after-commit callbacks, that it already notifies the workers."""


def make_engine(config: DatabaseConfig) -> Engine:
    """A Piccolo engine for ``database.url`` (``sqlite:///file`` or ``postgresql://...``)."""
    url = config.url
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else parsed.path
        if not path:
            raise ConfigError([f"database.url: no file in {url!r} (use sqlite:///bazaar.sqlite3)"])
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=path, timeout=config.sqlite_timeout_seconds)
    if parsed.scheme in ("postgres", "postgresql"):
        return PostgresEngine(config={"dsn": url})
    raise ConfigError(
        [f"database.url: unsupported scheme {parsed.scheme!r} (allowed: sqlite, postgresql)"]
    )


async def _release_connection(conn: Any) -> None:
    """Reset a pooled connection on release: roll back a transaction left open, nothing more.

    asyncpg's default reset sends ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL`` on every release: one extra statement and round trip per query, since
    Piccolo acquires a connection per statement (product detail: 6 statements instead of
    3, 8 ``sendto`` per request instead of 5). Bazaar keeps no session state (advisory
    locks are transaction-scoped; no LISTEN, held cursors or SET), so only a transaction
    left open needs undoing.
    """
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


class Database:
    """One engine, the tables bound to it, and transactions that carry after-commit work."""

    def __init__(self, config: DatabaseConfig) -> None:
        self.config = config
        self.engine = make_engine(config)
        self.is_sqlite = self.engine.engine_type == "sqlite"
        #: ``"sqlite"`` or ``"postgres"`` (what plugins branch on, e.g. for ``FOR UPDATE``)
        self.engine_name = "sqlite" if self.is_sqlite else "postgres"
        self._started = False

    def bind(self, tables: Iterable[Any]) -> None:
        """Point every given table (and Piccolo's own migration table) at this engine."""
        from piccolo.apps.migrations.tables import Migration

        from bazaar.core.kernel import piccolo_conf

        for table in [*tables, Migration]:
            table._meta.db = self.engine
        piccolo_conf.DB = self.engine  # type: ignore[assignment]

    async def start(self) -> None:
        if self._started:
            return
        if self.is_sqlite:
            await self.engine.run_ddl("PRAGMA journal_mode=WAL")
        else:
            await self.engine.start_connection_pool(  # type: ignore[call-arg]
                min_size=self.config.pool_min, max_size=self.config.pool_max,
                reset=_release_connection,
            )
        self._started = True

    async def stop(self) -> None:
        if self._started and not self.is_sqlite:
            await self.engine.close_connection_pool()
        self._started = False

    # --- queries --------------------------------------------------------------------

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """Run SQL with ``{}`` placeholders (portable across engines); rows as dicts."""
        rows = await self.engine.run_querystring(QueryString(sql, *args))
        # asyncpg answers Records, SQLite dicts: hand back the same type on every engine
        return [row if isinstance(row, dict) else dict(row) for row in rows or ()]

    async def fetchrow(self, sql: str, *args: Any) -> dict[str, Any] | None:
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None

    async def execute(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """Run a statement; rows it returns (``RETURNING``) as dicts."""
        return await self.fetch(sql, *args)

    def in_transaction(self) -> bool:
        return self.engine.current_transaction.get() is not None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite); nested calls join it.

        Callbacks registered with :meth:`after_commit` run once the outermost transaction
        commits, never when it rolls back.
        """
        if self.in_transaction():
            yield
            return
        callbacks: list[Callable[[], Any]] = []
        token = _after_commit.set(callbacks)
        try:
            if self.is_sqlite:
                async with self.engine.transaction(transaction_type=TransactionType.immediate):
                    yield
            else:
                async with self.engine.transaction():
                    yield
        finally:
            _after_commit.reset(token)
        for callback in callbacks:
            result = callback()
            if inspect.isawaitable(result):
                await result

    async def notify_workers(self) -> None:
        """Wake ``bazaar worker`` processes when this transaction commits (PostgreSQL ``NOTIFY``,
        once per transaction); workers in this process are woken by :meth:`after_commit`."""
        if self.is_sqlite:
            return
        pending = _after_commit.get()
        if pending is not None:
            if _notified in pending:
                return
            pending.append(_notified)
        await self.execute("SELECT pg_notify({}, '')", WAKE_CHANNEL)

    async def listen_for_wakeups(self, callback: Callable[[], Any]) -> Callable[[], Awaitable[None]]:
        """Call ``callback`` whenever another process notifies the workers; returns ``close``."""
        import asyncpg

        connection = await asyncpg.connect(self.config.url)
        await connection.add_listener(WAKE_CHANNEL, lambda *_: callback())

        async def close() -> None:
            await connection.close()

        return close

    @staticmethod
    def after_commit(callback: Callable[[], Any]) -> None:
        """Run ``callback`` (sync, or async: awaited) after the current transaction commits.

        With no transaction open it runs at once (an async one as a task of the running loop).
        """
        pending = _after_commit.get()
        if pending is not None:
            pending.append(callback)
            return
        result = callback()
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            _background.add(task)
            task.add_done_callback(_background.discard)
