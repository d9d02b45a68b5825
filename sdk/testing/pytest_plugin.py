"""pytest plugin ``bazaar``: engines, fresh migrated databases, and app kits (see the package doc)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest

ENGINES_ENV = "BAZAAR_TEST_ENGINES"
PG_URL_ENV = "BAZAAR_TEST_PG_URL"
REQUIRE_PG_ENV = "BAZAAR_REQUIRE_PG"
#: one database per test session (several sessions may share a server)
TEST_DB_NAME = f"bazaar_test_{os.getpid()}"


def _engines() -> list[str]:
    raw = os.environ.get(ENGINES_ENV, "sqlite,postgres")
    return [e.strip() for e in raw.split(",") if e.strip()]


def _require_pg() -> bool:
    return os.environ.get(REQUIRE_PG_ENV, "") in ("1", "true", "yes")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bazaar_engines(*names): run only on these engines")
    config._bazaar_pg_ran = 0  # type: ignore[attr-defined]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "bazaar_engine" in metafunc.fixturenames:
        engines = _engines()
        marker = metafunc.definition.get_closest_marker("bazaar_engines")
        if marker:
            engines = [e for e in engines if e in marker.args]
        metafunc.parametrize("bazaar_engine", engines, indirect=True, scope="function")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed and _PG_ID.search(report.nodeid):
        report_config = _CONFIG.get("config")
        if report_config is not None:
            report_config._bazaar_pg_ran += 1


_CONFIG: dict[str, Any] = {}
_PG_ID = re.compile(r"[\[-]postgres[\]-]")


def pytest_sessionstart(session: pytest.Session) -> None:
    _CONFIG["config"] = session.config


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _require_pg() and "postgres" in _engines() and session.testscollected:
        ran = session.config._bazaar_pg_ran  # type: ignore[attr-defined]
        if ran == 0:
            print(f"\n{REQUIRE_PG_ENV}=1 but no PostgreSQL test passed: failing the run")
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    ran = terminalreporter.config._bazaar_pg_ran
    terminalreporter.write_line(f"bazaar: {ran} PostgreSQL test(s) passed")


# --- databases ------------------------------------------------------------------------


def _pg_url(name: str) -> str:
    base = urlparse(os.environ[PG_URL_ENV])
    return urlunparse(base._replace(path=f"/{name}"))


async def _pg_recreate(name: str, *, create: bool = True) -> None:
    import asyncpg

    conn = await asyncpg.connect(os.environ[PG_URL_ENV])
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _migrate_all(url: str) -> None:
    from bazaar.core.kernel.config import DatabaseConfig
    from bazaar.core.kernel.db import Database
    from bazaar.core.kernel.migrations import migrate, register_apps
    from bazaar.core.root import installed_app_modules

    db = Database(DatabaseConfig(url=url))
    apps = register_apps(installed_app_modules())
    db.bind([t for app in apps for t in app.table_classes])
    await migrate(db, apps)


async def _pg_truncate(url: str) -> None:
    """Empty every table but Piccolo's migration log: DELETE in one transaction (TRUNCATE of
    dozens of tables costs about a second), triggers off (ledgers forbid deletes)."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        names = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migration'"
        )
        if names:
            statements = "".join(f'DELETE FROM "{r["tablename"]}";' for r in names)
            await conn.execute(
                f"BEGIN; SET LOCAL session_replication_role = replica; {statements} COMMIT;"
            )
    finally:
        await conn.close()


def _pg_available() -> str | None:
    """``None`` when PostgreSQL can be used, else why not."""
    if PG_URL_ENV not in os.environ:
        return f"{PG_URL_ENV} is not set"
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(os.environ[PG_URL_ENV], timeout=5)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # unreachable for any reason
        return f"PostgreSQL unreachable: {type(exc).__name__}: {exc}"
    return None


@pytest.fixture(scope="session")
def _bazaar_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Migrated templates, made once per session: a SQLite file, a PostgreSQL database."""
    templates: dict[str, Any] = {"dir": tmp_path_factory.mktemp("bazaar-templates")}
    yield templates
    if "postgres" in templates:
        asyncio.run(_pg_recreate(TEST_DB_NAME, create=False))


def _sqlite_template(templates: dict[str, Any]) -> Path:
    if "sqlite" not in templates:
        path = templates["dir"] / "template.sqlite3"
        asyncio.run(_migrate_all(f"sqlite:///{path}"))
        templates["sqlite"] = path
    return templates["sqlite"]


def _pg_template(templates: dict[str, Any]) -> str:
    if "postgres" not in templates:
        why = _pg_available()
        if why:
            templates["postgres_missing"] = why
        else:
            asyncio.run(_pg_recreate(TEST_DB_NAME))
            url = _pg_url(TEST_DB_NAME)
            asyncio.run(_migrate_all(url))
            templates["postgres"] = url
    if "postgres" not in templates:
        why = templates["postgres_missing"]
        if _require_pg():
            pytest.fail(f"{REQUIRE_PG_ENV}=1 and {why}")
        pytest.skip(why)
    return templates["postgres"]


@pytest.fixture
def bazaar_engine(request: pytest.FixtureRequest) -> str:
    """The engine this test runs on: ``sqlite`` or ``postgres``."""
    return request.param


@pytest.fixture
def bazaar_db_url(bazaar_engine: str, _bazaar_templates: dict[str, Any], tmp_path: Path) -> Iterator[str]:
    """A fresh database with every installed app migrated, on this test's engine."""
    if bazaar_engine == "sqlite":
        path = tmp_path / "bazaar.sqlite3"
        shutil.copy(_sqlite_template(_bazaar_templates), path)
        yield f"sqlite:///{path}"
    elif bazaar_engine == "postgres":
        url = _pg_template(_bazaar_templates)
        asyncio.run(_pg_truncate(url))
        yield url
    else:
        raise pytest.UsageError(f"unknown engine {bazaar_engine!r}")


@pytest.fixture
def bazaar_empty_db_url(bazaar_engine: str, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, on this test's engine: for tests of migrations."""
    if bazaar_engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    if bazaar_engine != "postgres":
        raise pytest.UsageError(f"unknown engine {bazaar_engine!r}")
    why = _pg_available()
    if why:
        if _require_pg():
            pytest.fail(f"{REQUIRE_PG_ENV}=1 and {why}")
        pytest.skip(why)
    name = f"bazaar_empty_{os.getpid()}"
    asyncio.run(_pg_recreate(name))
    try:
        yield _pg_url(name)
    finally:
        asyncio.run(_pg_recreate(name, create=False))


@pytest.fixture
def bazaar_files_dir(bazaar_db_url: str, tmp_path: Path) -> str:
    """Where this test's stored files live: beside the SQLite file, or a directory of its own."""
    if bazaar_db_url.startswith("sqlite:///"):
        return bazaar_db_url[len("sqlite:///"):] + ".files"
    return str(tmp_path / "files")


@pytest.fixture
async def bazaar_factory(bazaar_db_url: str, bazaar_files_dir: str) -> AsyncIterator[Any]:
    """``await bazaar_factory(plugins=[...], config={...}, extra=[...])`` -> a started Kit."""
    from bazaar.sdk.testing.kit import build_kit

    kits: list[Any] = []

    async def factory(**kwargs: Any) -> Any:
        kwargs.setdefault("files_dir", bazaar_files_dir)
        kit = await build_kit(bazaar_db_url, **kwargs)
        kits.append(kit)
        return kit

    yield factory
    for kit in reversed(kits):
        await kit.__aexit__(None, None, None)


@pytest.fixture
async def bazaar(bazaar_factory: Any) -> Any:
    """A kit with no plugins enabled."""
    return await bazaar_factory()
