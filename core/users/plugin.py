"""``core.users``, a built-in: accounts, sign-in, tokens and API keys (routes and tables)."""

from __future__ import annotations

from bazaar.core import KERNEL_VERSION
from bazaar.core.users.api import AdminUsersController, AuthController, MeController
from bazaar.sdk.events import UserRegistered
from bazaar.sdk.plugin import Plugin

plugin = Plugin(
    id="core.users",
    version=KERNEL_VERSION,
    summary="Users and auth: registration, login, bearer tokens, API keys, personal data",
    piccolo_app="bazaar.core.users.piccolo_app",
    routes=(AuthController, MeController, AdminUsersController),
    events=(UserRegistered,),
)
