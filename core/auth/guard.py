"""The single guard: resolve the actor from the bearer token, then apply the route's ``auth``."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler

from bazaar.core.auth.actor import ANONYMOUS, Actor
from bazaar.core.users.service import actor_for_credential
from bazaar.sdk.errors import PermissionDenied, Unauthorized

AUTH_LEVELS = ("public", "user", "operator", "merchant", "merchant_owner")


async def resolve_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    header = connection.headers.get("authorization", "")
    credential = None
    if header[:7].lower() == "bearer ":
        credential = header[7:].strip()
    elif connection.headers.get("x-api-key"):
        credential = connection.headers["x-api-key"].strip()
    if not credential:
        return ANONYMOUS
    actor = await actor_for_credential(connection.app.state.runtime, credential)
    if actor is None:
        raise Unauthorized("the token is unknown, expired or revoked", code="invalid_token")
    return actor


async def auth_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Check the caller against ``handler.opt["auth"]``; store the actor for the handler."""
    level = handler.opt.get("auth")
    if connection.scope.get("method") == "OPTIONS":
        return  # a CORS preflight carries no credentials; the CORS middleware answers it
    if level is None:
        raise PermissionDenied("route declares no auth level", code="route_not_guarded")
    actor = await resolve_actor(connection)
    connection.scope.setdefault("state", {})["actor"] = actor
    if level == "public":
        return
    if actor.kind == "anonymous":
        raise Unauthorized("sign in to do this")
    if level == "user":
        if actor.kind != "user":
            raise PermissionDenied("a user account is required")
        return
    if level == "operator":
        right = handler.opt.get("right")
        if not actor.is_operator or (right and not actor.has_right(right)):
            raise PermissionDenied("operators only" + (f" (right {right!r})" if right else ""))
        return
    if level in ("merchant", "merchant_owner"):
        merchant_id = connection.path_params.get("merchant_id")
        role = actor.merchants.get(merchant_id or "")
        if actor.is_operator:
            return
        if role is None:
            raise PermissionDenied("you are not staff of this merchant", code="not_merchant_staff")
        if level == "merchant_owner" and role != "owner":
            raise PermissionDenied("only the merchant's owner may do this", code="not_merchant_owner")
        return
    if level.startswith("service:"):
        scope = level.split(":", 1)[1]
        if actor.is_operator or (actor.kind == "service" and scope in actor.scopes):
            return
        raise PermissionDenied(f"an API key with scope {scope!r} is required", code="missing_scope")
    raise PermissionDenied(f"unknown auth level {level!r}", code="route_not_guarded")


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    return request.scope.get("state", {}).get("actor", ANONYMOUS)


#: annotate a handler parameter ``actor: ActorDep`` to receive the caller
ActorDep = NamedDependency[Actor]
