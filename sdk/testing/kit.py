"""A running Bazaar for tests: the real app, an HTTP client, a manual clock, the runtime."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from cryptography.fernet import Fernet
from litestar import Litestar

from bazaar.core.kernel.clock import ManualClock
from bazaar.core.kernel.config import load_settings
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.root import build_runtime, create_app
from bazaar.sdk.events import Event
from bazaar.sdk.plugin import Plugin

_counter = itertools.count(1)


@dataclass
class Session:
    """A signed-in user in a test: its id, email, password and ``headers`` for the client."""

    id: str
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Kit:
    """One app under test. ``client`` talks HTTP to it; due timers run after each request."""

    def __init__(self, runtime: Runtime, app: Litestar, clock: ManualClock) -> None:
        self.runtime = runtime
        self.app = app
        self.clock = clock
        # the app runs in the test's own event loop (one loop for the pool, app and test)
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),  # type: ignore[arg-type]
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

    async def emit(self, *events: Event) -> list[str]:
        """Emit typed events in one unit of work (as a service would), then run what fell due."""
        async with self.runtime.unit_of_work():
            ids = [await self.runtime.emit(event) for event in events]
        await self.run_due()
        return ids

    async def emit_untyped(self, type: str, data: dict[str, Any], *, subject: str | None = None) -> str:
        """Write an outbox row as a plugin that is not installed here (or an older writer) would.

        Test a handler of another plugin's event without importing its class: the subscriber
        receives an ``UnknownEvent`` (or, for a core type, the upgraded typed Struct).
        Runs what fell due.
        """
        async with self.runtime.unit_of_work():
            event_id = await self.runtime.events.emit_untyped(type, data, subject=subject)
        await self.run_due()
        return event_id

    async def user(self, email: str | None = None, *, name: str = "Test User", password: str = "Correct-Horse-42") -> Session:
        """Register a customer through the API and sign in."""
        email = email or f"user{next(_counter)}@example.com"
        r = await self.client.post("/api/v1/auth/register", json={"email": email, "password": password, "name": name})
        assert r.status_code == 201, r.text
        return await self.login(email, password)

    async def login(self, email: str, password: str) -> Session:
        r = await self.client.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        me = await self.client.get("/api/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
        return Session(id=me.json()["id"], email=email, password=password, token=r.json()["access_token"])

    async def operator(self, email: str | None = None, *, rights: list[str] | None = None) -> Session:
        """Create an operator account (as ``bazaar users create-operator`` does) and sign in."""
        from bazaar.core.users.service import create_user

        email = email or f"operator{next(_counter)}@example.com"
        password = "Operator-Pass-42"
        await create_user(self.runtime, email=email, password=password, name="Operator", operator_rights=rights or ["*"])
        return await self.login(email, password)

    async def merchant(self, owner: Session | None = None, *, name: str = "Test Shop", activate: bool = True) -> tuple[str, Session]:
        """A merchant applied for by ``owner`` (a new user if none), activated unless told not to."""
        from bazaar.core.merchants.service import transition

        owner = owner or await self.user()
        r = await self.client.post("/api/v1/merchants", json={"name": name}, headers=owner.headers)
        assert r.status_code == 201, r.text
        merchant_id = r.json()["id"]
        if activate:
            await transition(self.runtime, merchant_id, "active", reason="test setup", plugin="test-kit")
        return merchant_id, owner

    async def __aenter__(self) -> Kit:
        from bazaar.core.kernel.checks import enforce

        enforce(self.runtime.findings())  # as a server start does: configuration errors refuse
        await self.runtime.start()
        await self.runtime.migrate()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.client.aclose()
        await self.runtime.stop()


#: a test market may use the payment sandbox (production refuses it without ``allow_sandbox``)
SANDBOX_DEFAULTS: dict[str, dict[str, Any]] = {
    pid: {"allow_sandbox": True, "sandbox": {"secret": "kit-sandbox-notification-secret-0123456789"}}
    for pid in ("payments.escrow", "payments.instant")
}


def _merged(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


async def build_kit(
    db_url: str,
    *,
    plugins: Iterable[str] = (),
    config: dict[str, Any] | None = None,
    extra: Iterable[Plugin] = (),
    clock: ManualClock | None = None,
    settings: dict[str, Any] | None = None,
    files_dir: str | None = None,
) -> Kit:
    """Build and start a kit on ``db_url`` with ``plugins`` enabled and their ``config``.

    Stored files go beside a SQLite file, or to ``files_dir`` (a new temporary directory
    for PostgreSQL when not given).
    """
    overrides: dict[str, Any] = {"database": {"url": db_url}, "server": {"embedded_worker": False}}
    if files_dir is not None or not db_url.startswith("sqlite:"):
        overrides["files"] = {"dir": files_dir or tempfile.mkdtemp(prefix="bazaar-files-")}
    overrides["log"] = {"json": False}
    overrides["security"] = {
        "encryption_keys": {"k1": Fernet.generate_key().decode()},
        "active_key_id": "k1",
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
    }
    plugin_table: dict[str, Any] = {"enabled": list(plugins)}
    config = {**{pid: {} for pid in plugins if pid in SANDBOX_DEFAULTS}, **(config or {})}
    for pid, table in config.items():
        if pid in SANDBOX_DEFAULTS:
            table = _merged(SANDBOX_DEFAULTS[pid], table)
        node = plugin_table
        parts = pid.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = table
    overrides["plugins"] = plugin_table
    for key, value in (settings or {}).items():
        overrides[key] = {**overrides.get(key, {}), **value} if isinstance(value, dict) else value
    clock = clock or ManualClock()
    runtime = build_runtime(load_settings(environ={}, overrides=overrides), clock=clock, extra_plugins=extra)
    app = create_app(runtime=runtime, embedded_worker=False)
    kit = Kit(runtime, app, clock)
    await kit.__aenter__()
    return kit
