"""Users API: register, login, logout, me; operators manage users, operators and API keys."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from bazaar.core.auth.guard import ActorDep
from bazaar.core.kernel.http import Cursor, Limit, Page, check_id, problems
from bazaar.core.kernel.runtime import RuntimeDep
from bazaar.core.users import service
from bazaar.core.users.schemas import (
    ApiKeyCreate,
    ApiKeyOut,
    Login,
    OperatorCreate,
    Register,
    TokenOut,
    UserOut,
)
from bazaar.sdk.errors import (
    Conflict,
    FieldProblem,
    NotFound,
    PermissionDenied,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)

#: responses that carry a secret (a token, a new API key) are never stored by a cache
NO_STORE = CacheControlHeader(no_store=True)


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/register", operation_id="register", opt={"auth": "public"}, responses=problems(ValidationFailed, Conflict))
    async def register(self, rt: RuntimeDep, data: JSONBody[Register]) -> UserOut:
        """Create a customer account."""
        return await service.register(rt, data)

    @post("/login", operation_id="login", status_code=200, opt={"auth": "public"},
          responses=problems(Unauthorized, TooManyRequests), cache_control=NO_STORE)
    async def login(self, rt: RuntimeDep, data: JSONBody[Login], request: Request[Any, Any, Any]) -> TokenOut:
        """Exchange email and password for a bearer token."""
        address = request.client.host if request.client else "unknown"
        return await service.login(rt, data, address)

    @post("/logout", operation_id="logout", status_code=HTTP_204_NO_CONTENT, opt={"auth": "user"})
    async def logout(self, rt: RuntimeDep, request: Request[Any, Any, Any]) -> None:
        """Revoke the bearer token used for this request (an API key is revoked by an operator, not here)."""
        header = request.headers.get("authorization", "")
        credential = header[7:].strip() if header[:7].lower() == "bearer " else request.headers.get("x-api-key", "").strip()
        if credential.startswith(service.API_KEY_PREFIX):
            raise ValidationFailed(
                "an API key is not a session: an operator revokes it (DELETE /api/v1/admin/api-keys/{id})",
                code="not_a_session",
                errors=[FieldProblem(field="x-api-key", reason="API keys cannot log out")],
            )
        await service.logout(rt, credential)


class MeController(Controller):
    path = "/me"
    tags = ["auth"]

    @get("/", operation_id="me", opt={"auth": "user"}, responses=problems(Unauthorized))
    async def me(self, rt: RuntimeDep, actor: ActorDep) -> UserOut:
        """The signed-in user with its roles and merchant memberships."""
        return await service.me(rt, actor)


class AdminUsersController(Controller):
    path = "/admin"
    tags = ["admin"]

    @get("/users", operation_id="admin_list_users", opt={"auth": "operator"}, responses=problems(PermissionDenied))
    async def list_users(self, rt: RuntimeDep, actor: ActorDep, limit: Limit = 20, cursor: Cursor = None) -> Page[UserOut]:
        """Every user; phones masked unless the operator holds the ``pii`` right."""
        items, nxt = await service.list_users(rt, reader=actor, limit=limit, after=cursor)
        return Page(items=items, next_cursor=nxt)

    @get("/users/{user_id:str}", operation_id="admin_get_user", opt={"auth": "operator"}, responses=problems(NotFound))
    async def get_user(self, rt: RuntimeDep, actor: ActorDep, user_id: str) -> UserOut:
        """One user; phone masked unless the operator holds the ``pii`` right."""
        return await service.get_user(rt, check_id(user_id, "usr", "user_id"), reader=actor)

    @post("/operators", operation_id="admin_create_operator", opt={"auth": "operator", "right": "*"},
          responses=problems(Conflict, ValidationFailed))
    async def create_operator(self, rt: RuntimeDep, actor: ActorDep, data: JSONBody[OperatorCreate]) -> UserOut:
        """Create another operator account with the given rights."""
        user_id = await service.create_user(
            rt, email=data.email, password=data.password, name=data.name, operator_rights=data.rights
        )
        return await service.get_user(rt, user_id, reader=actor)

    @post("/api-keys", operation_id="admin_create_api_key", opt={"auth": "operator"}, responses=problems(ValidationFailed),
          cache_control=NO_STORE)
    async def create_api_key(self, rt: RuntimeDep, actor: ActorDep, data: JSONBody[ApiKeyCreate]) -> ApiKeyOut:
        """Issue a scoped API key for a carrier or integration; the key is shown only here."""
        return await service.create_api_key(rt, data, actor)

    @get("/api-keys", operation_id="admin_list_api_keys", opt={"auth": "operator"})
    async def list_api_keys(self, rt: RuntimeDep) -> list[ApiKeyOut]:
        """API keys (never the keys themselves)."""
        return await service.list_api_keys(rt)

    @delete("/api-keys/{key_id:str}", operation_id="admin_revoke_api_key", opt={"auth": "operator"}, responses=problems(NotFound))
    async def revoke_api_key(self, rt: RuntimeDep, key_id: str) -> None:
        """Revoke an API key at once."""
        await service.revoke_api_key(rt, check_id(key_id, "key", "key_id"))
