"""What a plugin's Litestar route handlers use, re-exported from the kernel.

``rt: RuntimeDep`` (typed :class:`~bazaar.sdk.runtime.PluginRuntime`) and ``actor: ActorDep``
parameters receive the runtime and the caller;
``opt={"auth": ...}`` on every handler says who may call it (see ``bazaar.core.auth``);
``responses=problems(NotFound, ...)`` documents the errors; ``check_id`` refuses malformed
ids; lists answer ``Page(items=..., next_cursor=...)`` and take ``limit: Limit`` and
``cursor: Cursor``.
"""

from typing import TYPE_CHECKING, Any

from litestar.di import NamedDependency
from litestar.params import JSONBody

from bazaar.core.auth.actor import Actor
from bazaar.core.auth.guard import ActorDep
from bazaar.core.kernel.http import (
    Cursor,
    Limit,
    Page,
    Problem,
    check_id,
    idempotency_key,
    problems,
)
from bazaar.core.kernel.ids import new_id
from bazaar.sdk.runtime import PluginRuntime

if TYPE_CHECKING:
    #: annotate a handler parameter ``rt: RuntimeDep`` to receive the runtime, typed for plugins
    RuntimeDep = NamedDependency[PluginRuntime]
else:
    # Litestar validates injected values with ``isinstance``, which a Protocol does not support;
    # the kernel injects its runtime, which satisfies the protocol (checked by mypy)
    RuntimeDep = NamedDependency[Any]

__all__ = [
    "Actor",
    "ActorDep",
    "Cursor",
    "JSONBody",
    "Limit",
    "Page",
    "Problem",
    "RuntimeDep",
    "check_id",
    "idempotency_key",
    "new_id",
    "problems",
]
