"""Accounts: register, log in and out, bearer tokens, API keys, operators, throttling."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import anyio
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bazaar.core.auth.actor import Actor
from bazaar.core.kernel.ids import new_id
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.privacy.crypto import FieldCipher
from bazaar.core.users import policy
from bazaar.core.users.schemas import (
    ApiKeyCreate,
    ApiKeyOut,
    Login,
    MerchantRole,
    Register,
    TokenOut,
    UserOut,
)
from bazaar.sdk.errors import (
    Conflict,
    FieldProblem,
    NotFound,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)
from bazaar.sdk.events import UserRegistered
from bazaar.sdk.privacy import mask_phone, sees_in_full

API_KEY_PREFIX = "bzk_"


def _hasher(rt: Runtime) -> PasswordHasher:
    hasher = rt.services.get("password_hasher")
    if hasher is None:
        sec = rt.settings.security
        hasher = PasswordHasher(time_cost=sec.argon2_time_cost, memory_cost=sec.argon2_memory_kib)
        rt.services["password_hasher"] = hasher
    return hasher


def _limiter(rt: Runtime) -> anyio.CapacityLimiter:
    """At most ``security.password_hash_concurrency`` argon2 computations at once (each takes ~64 MiB)."""
    limiter = rt.services.get("password_limiter")
    if limiter is None:
        limiter = anyio.CapacityLimiter(rt.settings.security.password_hash_concurrency)
        rt.services["password_limiter"] = limiter
    return limiter


async def _dummy_hash(rt: Runtime) -> str:
    """A hash to verify against when the email is unknown, so both cases cost the same."""
    found = rt.services.get("dummy_password_hash")
    if found is None:
        found = await hash_password(rt, secrets.token_urlsafe(16))
        rt.services["dummy_password_hash"] = found
    return found


def cipher(rt: Runtime) -> FieldCipher:
    """The runtime's field cipher for personal data."""
    found = rt.services.get("cipher")
    if found is None:
        found = FieldCipher(rt.settings.security)
        rt.services["cipher"] = found
    return found


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def hash_password(rt: Runtime, password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher(rt).hash, password, limiter=_limiter(rt))


async def _verify(rt: Runtime, stored: str, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher(rt).verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(check, limiter=_limiter(rt))


def _check_password(rt: Runtime, password: str, email: str) -> None:
    sec = rt.settings.security
    problems = policy.password_problems(
        password, email=email, min_length=sec.password_min_length, min_score=sec.password_min_score
    )
    if problems:
        raise ValidationFailed(
            "password too weak: " + "; ".join(problems),
            code="weak_password",
            errors=[FieldProblem(field="password", reason=p) for p in problems],
        )


async def create_user(
    rt: Runtime, *, email: str, password: str, name: str, phone: str | None = None, operator_rights: list[str] | None = None
) -> str:
    """Create an account (an operator when ``operator_rights`` is given); returns its id."""
    email = policy.normalise_email(email)
    _check_password(rt, password, email)
    password_hash = await hash_password(rt, password)
    user_id = new_id("usr")
    async with rt.unit_of_work():
        if await rt.db.fetchrow("SELECT id FROM core_user WHERE email = {}", email):
            raise Conflict("an account with this email exists", code="email_taken",
                           errors=[FieldProblem(field="email", reason="already registered")])
        await rt.db.execute(
            "INSERT INTO core_user (id, email, name, password_hash, phone, is_operator, operator_rights, "
            "status, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, 'active', {})",
            user_id,
            email,
            name.strip(),
            password_hash,
            cipher(rt).encrypt(phone),
            operator_rights is not None,
            msgspec.json.encode(operator_rights or []).decode(),
            rt.clock.now(),
        )
        await rt.emit(UserRegistered(user_id=user_id))
    return user_id


async def register(rt: Runtime, data: Register) -> UserOut:
    """Register a customer account; ``409 email_taken`` when the email is in use."""
    user_id = await create_user(rt, email=data.email, password=data.password, name=data.name, phone=data.phone)
    actor = await _actor_for_user(rt, user_id)
    assert actor is not None
    return await me(rt, actor)


async def _count_attempt(rt: Runtime, key: str) -> int:
    """Count one login attempt for ``key`` (atomic upsert) and return the attempts in the window."""
    now = int(rt.clock.now().timestamp())
    since = now - rt.settings.security.login_window_seconds
    rows = await rt.db.execute(
        "INSERT INTO core_login_throttle (key, attempts, window_start) VALUES ({}, 1, {}) "
        "ON CONFLICT (key) DO UPDATE SET "
        "attempts = CASE WHEN core_login_throttle.window_start <= {} THEN 1 ELSE core_login_throttle.attempts + 1 END, "
        "window_start = CASE WHEN core_login_throttle.window_start <= {} THEN {} ELSE core_login_throttle.window_start END "
        "RETURNING attempts",
        key, now, since, since, now,
    )
    return int(rows[0]["attempts"])


async def login(rt: Runtime, data: Login, address: str) -> TokenOut:
    """Check the password and issue a bearer token; throttled per account and per address."""
    sec = rt.settings.security
    email = policy.normalise_email(data.email)
    account, origin = f"email:{email}", f"address:{address}"
    # the attempt on the account is counted before the password is checked, atomically, so
    # parallel guesses cannot all slip under the limit; the address counts failures only
    # (many people may sign in from one address at once)
    async with rt.unit_of_work():
        throttled = policy.throttled(await _count_attempt(rt, account), sec.login_max_failures) or (
            await _attempts(rt, origin) >= sec.login_max_failures
        )
        if throttled:
            await _record_attempt(rt, email, address, False)
    if throttled:
        raise TooManyRequests(
            "too many failed logins; try again later",
            code="login_throttled",
            extra={"retry_after": sec.login_window_seconds},
        )
    user = await rt.db.fetchrow(
        "SELECT id, password_hash, status FROM core_user WHERE email = {}", email
    )
    stored = user["password_hash"] if user is not None else await _dummy_hash(rt)
    verified = await _verify(rt, stored, data.password)
    ok = user is not None and user["status"] == "active" and verified
    async with rt.unit_of_work():
        await _record_attempt(rt, email, address, ok)
        if ok:  # as before: failures count since the last success
            await rt.db.execute("DELETE FROM core_login_throttle WHERE key IN ({}, {})", account, origin)
        else:
            await _count_attempt(rt, origin)
    if not ok or user is None:
        raise Unauthorized("wrong email or password", code="invalid_credentials")
    token = secrets.token_urlsafe(32)
    now = rt.clock.now()
    async with rt.unit_of_work():
        await rt.db.execute(
            "INSERT INTO core_auth_token (id, user_id, token_hash, created_at, expires_at) VALUES ({}, {}, {}, {}, {})",
            new_id("tok"),
            user["id"],
            _digest(token),
            now,
            now + timedelta(seconds=sec.token_ttl_seconds),
        )
    return TokenOut(access_token=token, expires_in=sec.token_ttl_seconds)


async def _attempts(rt: Runtime, key: str) -> int:
    """Attempts counted for ``key`` in the current window (0 when the window has passed)."""
    since = int(rt.clock.now().timestamp()) - rt.settings.security.login_window_seconds
    row = await rt.db.fetchrow("SELECT attempts FROM core_login_throttle WHERE key = {} AND window_start > {}", key, since)
    return int(row["attempts"]) if row else 0


async def _record_attempt(rt: Runtime, email: str, address: str, ok: bool) -> None:
    await rt.db.execute(
        "INSERT INTO core_login_attempt (id, email, address, ok, at) VALUES ({}, {}, {}, {}, {})",
        new_id("lgn"), email, address, ok, rt.clock.now(),
    )


async def logout(rt: Runtime, credential: str) -> None:
    """Revoke the bearer token used for this request."""
    async with rt.unit_of_work():
        await rt.db.execute(
            "UPDATE core_auth_token SET revoked_at = {} WHERE token_hash = {} AND revoked_at IS NULL",
            rt.clock.now(),
            _digest(credential),
        )


async def _memberships(rt: Runtime, user_id: str) -> dict[str, str]:
    rows = await rt.db.fetch(
        "SELECT merchant_id, role FROM core_merchant_staff WHERE user_id = {}", user_id
    )
    return {r["merchant_id"]: r["role"] for r in rows}


def _rights(value: Any) -> tuple[str, ...]:
    if isinstance(value, str | bytes):
        value = msgspec.json.decode(value) if value else []
    return tuple(value or ())


async def _user_actor(rt: Runtime, row: dict[str, Any]) -> Actor:
    return Actor(
        kind="user",
        user_id=row["id"],
        email=row["email"],
        is_operator=bool(row["is_operator"]),
        operator_rights=_rights(row["operator_rights"]),
        merchants=await _memberships(rt, row["id"]),
    )


async def _actor_for_user(rt: Runtime, user_id: str) -> Actor | None:
    row = await rt.db.fetchrow(
        "SELECT id, email, is_operator, operator_rights, status FROM core_user WHERE id = {}", user_id
    )
    if row is None or row["status"] != "active":
        return None
    return await _user_actor(rt, row)


async def actor_for_credential(rt: Runtime, credential: str) -> Actor | None:
    """The actor behind a bearer token or API key, or ``None`` if unknown/expired/revoked."""
    digest = _digest(credential)
    now = rt.clock.now()
    if credential.startswith(API_KEY_PREFIX):
        row = await rt.db.fetchrow(
            "SELECT id, scopes FROM core_api_key WHERE key_hash = {} AND revoked_at IS NULL", digest
        )
        if row is None:
            return None
        return Actor(kind="service", api_key_id=row["id"], scopes=_rights(row["scopes"]))
    row = await rt.db.fetchrow(
        "SELECT u.id, u.email, u.is_operator, u.operator_rights FROM core_auth_token t "
        "JOIN core_user u ON u.id = t.user_id WHERE t.token_hash = {} AND t.revoked_at IS NULL "
        "AND t.expires_at > {} AND u.status = 'active'",
        digest,
        now,
    )
    if row is None:
        return None
    return await _user_actor(rt, row)


async def me(rt: Runtime, actor: Actor) -> UserOut:
    """The caller's own account, with roles, merchant memberships and its phone in full."""
    row = await rt.db.fetchrow(
        "SELECT id, email, name, phone, created_at FROM core_user WHERE id = {}", actor.user_id
    )
    if row is None:
        raise NotFound("no such user", code="user_not_found")
    return UserOut(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        roles=list(actor.roles),
        merchants=[MerchantRole(id=m, role=r) for m, r in sorted(actor.merchants.items())],
        phone=cipher(rt).decrypt(row["phone"]),
        created_at=row["created_at"],
    )


async def get_user(rt: Runtime, user_id: str, *, reader: Actor) -> UserOut:
    """A user as ``reader`` may see it: the phone in full only for its owner and operators with ``pii``."""
    row = await rt.db.fetchrow(
        "SELECT id, email, name, phone, is_operator, created_at FROM core_user WHERE id = {}", user_id
    )
    if row is None:
        raise NotFound("no such user", code="user_not_found")
    phone = cipher(rt).decrypt(row["phone"])
    if not sees_in_full(reader, subject_id=user_id):
        phone = mask_phone(phone)
    memberships = await _memberships(rt, user_id)
    roles = ["customer"] + (["merchant"] if memberships else []) + (["operator"] if row["is_operator"] else [])
    return UserOut(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        roles=roles,
        merchants=[MerchantRole(id=m, role=r) for m, r in sorted(memberships.items())],
        phone=phone,
        created_at=row["created_at"],
    )


async def list_users(rt: Runtime, *, reader: Actor, limit: int, after: str | None) -> tuple[list[UserOut], str | None]:
    rows = await rt.db.fetch(
        "SELECT id FROM core_user WHERE id > {} ORDER BY id LIMIT {}", after or "", limit + 1
    )
    items = [await get_user(rt, r["id"], reader=reader) for r in rows[:limit]]
    return items, (rows[limit - 1]["id"] if len(rows) > limit else None)


async def create_api_key(rt: Runtime, data: ApiKeyCreate, actor: Actor) -> ApiKeyOut:
    """Issue a scoped service key; the key itself is shown once and stored hashed."""
    secret = secrets.token_urlsafe(32)
    prefix = secrets.token_hex(4)
    key = f"{API_KEY_PREFIX}{prefix}_{secret}"
    key_id = new_id("key")
    now = rt.clock.now()
    async with rt.unit_of_work():
        await rt.db.execute(
            "INSERT INTO core_api_key (id, name, prefix, key_hash, scopes, created_by, created_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {})",
            key_id,
            data.name,
            prefix,
            _digest(key),
            msgspec.json.encode(sorted(set(data.scopes))).decode(),
            actor.user_id,
            now,
        )
    return ApiKeyOut(id=key_id, name=data.name, prefix=prefix, scopes=sorted(set(data.scopes)), created_at=now, key=key)


async def revoke_api_key(rt: Runtime, key_id: str) -> None:
    async with rt.unit_of_work():
        rows = await rt.db.execute(
            "UPDATE core_api_key SET revoked_at = {} WHERE id = {} AND revoked_at IS NULL RETURNING id",
            rt.clock.now(),
            key_id,
        )
        if not rows:
            raise NotFound("no such active API key", code="api_key_not_found")


async def list_api_keys(rt: Runtime) -> list[ApiKeyOut]:
    rows = await rt.db.fetch(
        "SELECT id, name, prefix, scopes, created_at, revoked_at FROM core_api_key ORDER BY id"
    )
    return [
        ApiKeyOut(id=r["id"], name=r["name"], prefix=r["prefix"], scopes=list(_rights(r["scopes"])),
                  created_at=r["created_at"], revoked_at=r["revoked_at"])
        for r in rows
    ]
