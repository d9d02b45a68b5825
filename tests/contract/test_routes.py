"""Every route declares who may call it, has an operation id and a description."""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler

from bazaar.core.auth.guard import AUTH_LEVELS
from bazaar.core.kernel.config import load_settings
from bazaar.core.kernel.plugins import discover
from bazaar.core.root import create_app

KERNEL_ROUTES = {"/health", "/ready"}


def all_plugins_app():
    # every installed plugin that does not conflict with an earlier one
    enabled: list[str] = []
    plugins = discover()
    for pid in sorted(plugins):
        if any(pid in plugins[other].conflicts or other in plugins[pid].conflicts for other in enabled):
            continue
        enabled.append(pid)
    enabled = [p for p in enabled if all(r in enabled for r in plugins[p].requires)]
    settings = load_settings(environ={}, overrides={"plugins": {"enabled": enabled}})
    return create_app(settings), enabled


def test_every_route_declares_auth_and_operation_id():
    app, _ = all_plugins_app()
    missing = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler) or route.path in KERNEL_ROUTES or route.path.startswith("/schema"):
                continue
            if "OPTIONS" in handler.http_methods and len(handler.http_methods) == 1:
                continue
            level = handler.opt.get("auth")
            ok_level = level in AUTH_LEVELS or (isinstance(level, str) and level.startswith("service:"))
            if not ok_level or not handler.operation_id or not (handler.fn.__doc__ or "").strip():
                missing.append(f"{sorted(handler.http_methods)} {route.path}: auth={level!r}")
    assert not missing, "routes without auth, operation_id or docstring:\n" + "\n".join(missing)


def test_operation_ids_are_unique():
    app, _ = all_plugins_app()
    ids = [
        op.operation_id
        for path in app.openapi_schema.paths.values()
        for op in (path.get, path.post, path.put, path.patch, path.delete)
        if op is not None
    ]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
