"""Structs in and out of the users API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from bazaar.sdk.fields import Email, Name, Password, Phone


class Register(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Email
    password: Password
    name: Name
    phone: Phone | None = None


class Login(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Annotated[str, Meta(min_length=1, max_length=254)]
    password: Password


class TokenOut(msgspec.Struct, frozen=True, kw_only=True):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MerchantRole(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    role: str


class UserOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    email: str
    name: str
    roles: list[str]
    merchants: list[MerchantRole] = []
    phone: str | None = None
    created_at: datetime | None = None


class ApiKeyCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Name
    scopes: Annotated[list[Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_.:-]{1,62}$")]], Meta(min_length=1, max_length=20)]


class ApiKeyOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None = None
    key: str | None = None


class OperatorCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Email
    password: Password
    name: Name
    rights: list[str] = msgspec.field(default_factory=lambda: ["*"])
