"""Migrations from an empty database on each engine: order, idempotency, disabled plugins keep data."""

from __future__ import annotations

import os
import tempfile
from urllib.parse import urlparse, urlunparse

import pytest

from bazaar.core.kernel.config import load_settings
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.root import BUILTINS, build_runtime

PLUGINS = ["hello", "payments.escrow", "qualification"]


@pytest.fixture
async def empty_db_url(bazaar_engine, tmp_path):
    """A database with nothing in it (not the kit's migrated template)."""
    if bazaar_engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    import asyncpg

    if "BAZAAR_TEST_PG_URL" not in os.environ:
        pytest.skip("BAZAAR_TEST_PG_URL is not set")
    name = f"bazaar_empty_{os.getpid()}"
    admin = await asyncpg.connect(os.environ["BAZAAR_TEST_PG_URL"])
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(urlparse(os.environ["BAZAAR_TEST_PG_URL"])._replace(path=f"/{name}"))
    finally:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.close()


def runtime(url: str, plugins: list[str]) -> Runtime:
    files = {"dir": f"{url}.files"} if url.startswith("sqlite") else {"dir": tempfile.mkdtemp(prefix="bazaar-files-")}
    return build_runtime(load_settings(environ={}, overrides={
        "database": {"url": url}, "files": files, "plugins": {"enabled": plugins},
    }))


async def test_core_first_then_plugins_in_dependency_order_and_idempotent(empty_db_url):
    rt = runtime(empty_db_url, PLUGINS)
    await rt.start()
    try:
        assert set(await rt.pending_migrations()) >= {"kernel", "users", "orders", "hello", "qualification"}
        applied = await rt.migrate()
        apps = list(dict.fromkeys(m.split(":")[0] for m in applied))
        # the kernel, then the core's domains in their dependency order (unchanged since v1)
        core = ["kernel", "users", "merchants", "catalogue", "inventory", "checkout", "orders"]
        assert core == ["kernel", *(p.piccolo_app.rsplit(".", 2)[-2] for p in BUILTINS if p.piccolo_app)]
        assert apps[: len(core)] == core
        plugin_apps = apps[len(core):]
        assert sorted(plugin_apps) == ["hello", "payments", "qualification"]
        assert plugin_apps == [a.app_name for a in rt.apps[len(core):]]
        # the apps follow the plugin dependency order the host computed
        assert [p for p in rt.plugins.order] == sorted(PLUGINS)
        assert await rt.migrate() == []
        assert await rt.pending_migrations() == {}
    finally:
        await rt.stop()


async def test_disabling_a_plugin_keeps_its_tables_and_data(empty_db_url):
    rt = runtime(empty_db_url, ["hello"])
    await rt.start()
    await rt.migrate()
    async with rt.unit_of_work():
        await rt.db.execute(
            "INSERT INTO hello_reminder (id, subject, message, sent_at) VALUES ({}, {}, {}, {})",
            "rem_1", "ada", "Hello, ada", rt.clock.now(),
        )
    await rt.stop()

    without = runtime(empty_db_url, [])
    await without.start()
    try:
        assert await without.migrate() == []
        rows = await without.db.fetch("SELECT subject FROM hello_reminder")
        assert [r["subject"] for r in rows] == ["ada"]
        assert "hello" not in {a.app_name for a in without.apps}
    finally:
        await without.stop()

    again = runtime(empty_db_url, ["hello"])
    await again.start()
    try:
        assert await again.migrate() == []
        assert (await again.db.fetchrow("SELECT COUNT(*) AS n FROM hello_reminder"))["n"] == 1
    finally:
        await again.stop()
