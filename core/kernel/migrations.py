"""Apply Piccolo migrations: the kernel's, then the core's domains, then each enabled plugin.

The order is the runtime's load order (:meth:`Runtime._apps`): the kernel's app, the
built-ins in their dependency order, the enabled plugins in theirs.

Idempotent: what has run is recorded in Piccolo's ``migration`` table. Disabling a plugin
keeps its tables and data; enabling it again applies only what it has not run yet.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
from collections.abc import Awaitable, Callable

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import AppConfig

from bazaar.core.kernel.db import Database
from bazaar.sdk.files import FileStore, bind_migration_files

log = logging.getLogger("bazaar.migrations")


#: the kernel's own Piccolo app (outbox, timers, idempotency, ...): always migrated first
KERNEL_APP = "bazaar.core.kernel.piccolo_app"


def load_app(module: str) -> AppConfig:
    """The ``APP_CONFIG`` of a ``piccolo_app`` module."""
    return importlib.import_module(module).APP_CONFIG


def register_apps(modules: list[str]) -> list[AppConfig]:
    """The apps of ``modules`` (in that order), made Piccolo's app registry too.

    Piccolo looks an app up by name while it runs some migrations (``PICCOLO_CONF``'s
    ``APP_REGISTRY``); the registry is whatever the last built runtime migrates.
    """
    from piccolo.conf.apps import AppRegistry

    from bazaar.core.kernel import piccolo_conf

    piccolo_conf.APP_REGISTRY = AppRegistry(apps=list(modules))
    return [load_app(module) for module in modules]


def migration_ids(app: AppConfig) -> list[str]:
    modules = BaseMigrationManager().get_migration_modules(app.resolved_migrations_folder_path)
    return sorted(modules)


async def pending(db: Database, apps: list[AppConfig]) -> dict[str, list[str]]:
    """Migration ids not yet applied, per app."""
    if not await Migration.table_exists():
        return {app.app_name: migration_ids(app) for app in apps if migration_ids(app)}
    out: dict[str, list[str]] = {}
    for app in apps:
        ran = set(await Migration.get_migrations_which_ran(app_name=app.app_name))
        todo = [m for m in migration_ids(app) if m not in ran]
        if todo:
            out[app.app_name] = todo
    return out


async def migrate(db: Database, apps: list[AppConfig], files: FileStore | None = None) -> list[str]:
    """Apply every pending migration of ``apps`` in the order given; return what ran.

    ``files`` is the store a data migration moves bytes into (``bazaar.sdk.files.migration_files``).
    """
    with bind_migration_files(files):
        return await _migrate(db, apps)


async def _migrate(db: Database, apps: list[AppConfig]) -> list[str]:
    applied: list[str] = []
    async with db.transaction():
        if not db.is_sqlite:
            await db.execute("SELECT pg_advisory_xact_lock(4242)")
        await Migration.create_table(if_not_exists=True)
    for app in apps:
        modules = BaseMigrationManager().get_migration_modules(app.resolved_migrations_folder_path)
        for migration_id in sorted(modules):
            async with db.transaction():
                if not db.is_sqlite:
                    await db.execute("SELECT pg_advisory_xact_lock(4242)")
                ran = await Migration.get_migrations_which_ran(app_name=app.app_name)
                if migration_id in ran:
                    continue
                manager = await modules[migration_id].forwards()
                with contextlib.redirect_stdout(io.StringIO()):
                    await manager.run()
                await Migration.insert(Migration(name=migration_id, app_name=app.app_name)).run()
            log.info("applied migration %s:%s", app.app_name, migration_id)
            applied.append(f"{app.app_name}:{migration_id}")
    return applied


def sql_migration(
    app_name: str,
    migration_id: str,
    description: str,
    common: list[str] | None = None,
    *,
    sqlite: list[str] | None = None,
    postgres: list[str] | None = None,
) -> Callable[[], Awaitable[MigrationManager]]:
    """A hand-written migration of raw SQL (indexes, full-text tables), per engine.

    Use it in a migration module as ``forwards = sql_migration(...)`` next to ``ID``.
    """

    async def forwards() -> MigrationManager:
        manager = MigrationManager(migration_id=migration_id, app_name=app_name, description=description)

        async def run() -> None:
            from piccolo.engine import engine_finder

            engine = engine_finder()
            assert engine is not None
            specific = sqlite if engine.engine_type == "sqlite" else postgres
            for statement in [*(common or []), *(specific or [])]:
                await engine.run_ddl(statement)

        manager.add_raw(run)
        return manager

    return forwards
