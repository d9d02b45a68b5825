"""The Litestar app of a Bazaar: the kernel's app factory, fed the core's domains and auth."""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide

from bazaar.core.auth.guard import auth_guard, provide_actor
from bazaar.core.kernel.app import build_app
from bazaar.core.kernel.clock import Clock
from bazaar.core.kernel.config import Settings, load_settings
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.root.builtins import build_runtime


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    clock: Clock | None = None,
    embedded_worker: bool | None = None,
) -> Litestar:
    """Build the app: the core's routes, the enabled plugins' routes, problem+json, OpenAPI.

    ``runtime`` (from :func:`build_runtime`) is used as given; otherwise one is built from
    ``settings`` (default: the config file and the environment) and ``clock``.
    """
    rt = runtime if runtime is not None else build_runtime(settings or load_settings(), clock=clock)
    return build_app(
        rt,
        guards=[auth_guard],
        dependencies={"actor": Provide(provide_actor, sync_to_thread=False)},
        embedded_worker=embedded_worker,
    )


def app_factory() -> Litestar:
    """Entry for ``uvicorn --factory``: settings from ``BAZAAR_CONFIG`` and the environment."""
    from bazaar.core.kernel.logging import configure

    settings = load_settings()
    configure(settings.log.level, settings.log.json)
    return create_app(settings)
