"""Tables of users, bearer tokens, API keys and login attempts."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Text, Timestamptz, Varchar
from piccolo.table import Table


class User(Table, tablename="core_user"):
    """A person with a login. ``phone`` is encrypted at rest (``enc:<key id>:...``)."""

    id = Varchar(length=40, primary_key=True)
    email = Varchar(length=254, unique=True)
    name = Varchar(length=100)
    password_hash = Varchar(length=200)
    phone = Text(null=True, default=None)
    is_operator = Boolean(default=False)
    operator_rights = JSON(default="[]")
    status = Varchar(length=12, default="active")
    created_at = Timestamptz()


class AuthToken(Table, tablename="core_auth_token"):
    """A bearer token; only its SHA-256 is stored."""

    id = Varchar(length=40, primary_key=True)
    user_id = Varchar(length=40, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class ApiKey(Table, tablename="core_api_key"):
    """A service key for carriers and integrations: hashed at rest, scoped."""

    id = Varchar(length=40, primary_key=True)
    name = Varchar(length=100)
    prefix = Varchar(length=12, index=True)
    key_hash = Varchar(length=64, unique=True)
    scopes = JSON(default="[]")
    created_by = Varchar(length=40)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class LoginAttempt(Table, tablename="core_login_attempt"):
    """A login attempt, kept for throttling per account and per address."""

    id = Varchar(length=40, primary_key=True)
    email = Varchar(length=254, index=True)
    address = Varchar(length=64, index=True)
    ok = Boolean()
    at = Timestamptz(index=True)
