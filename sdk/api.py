"""What a plugin's Litestar route handlers use, re-exported from the kernel.

``rt: RuntimeDep`` and ``actor: ActorDep`` parameters receive the runtime and the caller;
``opt={"auth": ...}`` on every handler says who may call it (see ``bazaar.core.auth``);
``responses=problems(NotFound, ...)`` documents the errors; ``check_id`` refuses malformed
ids; lists answer ``Page(items=..., next_cursor=...)`` and take ``limit: Limit`` and
``cursor: Cursor``.
"""

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
from bazaar.core.kernel.runtime import Runtime, RuntimeDep

__all__ = [
    "Actor",
    "ActorDep",
    "Cursor",
    "JSONBody",
    "Limit",
    "Page",
    "Problem",
    "Runtime",
    "RuntimeDep",
    "check_id",
    "idempotency_key",
    "new_id",
    "problems",
]
