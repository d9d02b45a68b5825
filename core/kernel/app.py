"""``build_app``: the Litestar app of a runtime: the kernel's routes and every loaded plugin's.

The kernel knows no domain: who the caller is (the guard and the ``actor`` dependency) is
handed in by the composition root (:func:`bazaar.core.root.create_app`), and the routes
come from the ``Plugin.routes`` of the built-ins and the enabled plugins.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import msgspec
from litestar import Litestar, Router, get
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.types import ASGIApp, Receive, Scope, Send

from bazaar.core import KERNEL_VERSION
from bazaar.core.kernel.bodies import StrictRequest, query_nul_fields
from bazaar.core.kernel.checks import enforce
from bazaar.core.kernel.edge import OfflineSwaggerUI, docs_assets_router, security_headers
from bazaar.core.kernel.ids import new_id
from bazaar.core.kernel.logging import request_id_var
from bazaar.core.kernel.problems import EXCEPTION_HANDLERS, problem_response
from bazaar.core.kernel.runtime import Runtime, RuntimeDep
from bazaar.sdk.types import ReadinessCheck

log = logging.getLogger("bazaar.app")


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Take ``X-Request-Id`` (or make one), expose it to logs and hooks, echo it back."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        rid = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                rid = value.decode("latin-1")[:64]
                break
        rid = rid or new_id("req")
        token = request_id_var.set(rid)
        if bad := query_nul_fields(scope.get("query_string", b"")):
            await _refuse(send, rid, bad)
            request_id_var.reset(token)
            return

        async def send_with_id(message: Any) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = security_headers([*message["headers"], (b"x-request-id", rid.encode())])
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)

    return middleware


async def _refuse(send: Send, rid: str, bad: list[Any]) -> None:
    """Answer ``422`` before routing (a NUL in the query string reaches no handler)."""
    body = {
        "type": "https://bazaar.dev/problems/validation_failed", "title": "Invalid input", "status": 422,
        "code": "validation_failed", "detail": "; ".join(f"{p.field}: {p.reason}" for p in bad),
        "errors": [{"field": p.field, "reason": p.reason, "source": "query"} for p in bad],
    }
    raw = msgspec.json.encode(body)
    start: Any = {"type": "http.response.start", "status": 422, "headers": [
        (b"content-type", b"application/problem+json"), (b"content-length", str(len(raw)).encode()),
        (b"x-request-id", rid.encode())]}
    await send(start)
    end: Any = {"type": "http.response.body", "body": raw}
    await send(end)


def _cors(origins: list[str]) -> CORSConfig | None:
    """CORS for the configured origins only (``server.cors_origins``); none by default."""
    if not origins:
        return None
    return CORSConfig(
        allow_origins=origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["authorization", "content-type", "idempotency-key", "x-api-key", "x-request-id"],
        expose_headers=["x-request-id", "retry-after", "location"],
        max_age=600,
    )


def provide_runtime(state: State) -> Runtime:
    return state.runtime


@get("/health", operation_id="health", tags=["kernel"], sync_to_thread=False)
def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok", "version": KERNEL_VERSION}


@get("/ready", operation_id="ready", tags=["kernel"])
async def ready(rt: RuntimeDep) -> Any:
    """The database answers, every migration is applied, and every plugin check passes."""
    checks: list[ReadinessCheck] = []
    try:
        await rt.db.fetch("SELECT 1 AS one")
        checks.append(ReadinessCheck(name="database", ok=True))
        todo = await rt.pending_migrations()
        checks.append(
            ReadinessCheck(
                name="migrations",
                ok=not todo,
                detail=", ".join(f"{app}: {len(ids)} pending" for app, ids in todo.items()) or None,
            )
        )
    except Exception as exc:  # the database is unreachable: not ready, but answer
        checks.append(ReadinessCheck(name="database", ok=False, detail=type(exc).__name__))
    for finding in rt.findings():
        if finding.level == "warning":
            checks.append(ReadinessCheck(name=f"config:{finding.key}", ok=True, detail=f"WARNING: {finding.message}"))
    for plugin, answer in await rt.plugins.collect("bazaar_collect_readiness_checks", ctx=rt.context()):
        checks += [ReadinessCheck(name=f"{plugin}:{c.name}", ok=c.ok, detail=c.detail) for c in answer]
    checks.sort(key=lambda c: c.name)
    ok = all(c.ok for c in checks)
    body = {"status": "ready" if ok else "not_ready", "checks": checks}
    if ok:
        return body
    return problem_response(
        {
            "type": "https://bazaar.dev/problems/not_ready",
            "title": "Not ready",
            "status": 503,
            "code": "not_ready",
            "detail": "; ".join(f"{c.name}: {c.detail or 'failed'}" for c in checks if not c.ok),
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in checks],
        }
    )


def build_app(
    rt: Runtime,
    *,
    guards: Sequence[Any] = (),
    dependencies: Mapping[str, Provide] | None = None,
    embedded_worker: bool | None = None,
) -> Litestar:
    """The app of ``rt``: ``/health``, ``/ready``, the API docs, and under ``/api/v1`` the
    routes of every built-in (in their order) and enabled plugin (tagged with its id), each
    behind ``guards``; ``dependencies`` join the ``rt`` one; problem+json, OpenAPI."""
    run_worker = rt.settings.server.embedded_worker if embedded_worker is None else embedded_worker

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        enforce(rt.findings())  # errors refuse to start; warnings are logged loudly
        await rt.start()
        stop = asyncio.Event()
        task = asyncio.create_task(rt.worker.run_forever(stop)) if run_worker else None
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                await task
            await rt.stop()

    routers = [
        Router(path="/api/v1", route_handlers=list(loaded.plugin.routes), guards=list(guards),
               tags=None if rt.plugins.is_builtin(pid) else [pid])
        for pid, loaded in rt.plugins.loaded.items()
        if loaded.plugin.routes
    ]
    app = Litestar(
        route_handlers=[health, ready, docs_assets_router(), *routers],
        dependencies={"rt": Provide(provide_runtime, sync_to_thread=False), **(dependencies or {})},
        cors_config=_cors(rt.settings.server.cors_origins),
        exception_handlers=EXCEPTION_HANDLERS,
        request_class=StrictRequest,
        lifespan=[lifespan],
        state=State({"runtime": rt}),
        openapi_config=OpenAPIConfig(
            title="Bazaar",
            version=KERNEL_VERSION,
            path="/schema",
            render_plugins=[OfflineSwaggerUI()],
        ),
        debug=False,
    )
    # outside Litestar's routing, so 404s and 405s carry the request id too (route
    # middleware only runs for matched routes)
    app.asgi_handler = request_id_middleware(app.asgi_handler)
    return app
