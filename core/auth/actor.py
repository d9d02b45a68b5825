"""The actor: who is making a request, resolved once per request by the guard."""

from __future__ import annotations

from typing import Literal

import msgspec


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    kind: Literal["anonymous", "user", "service"] = "anonymous"
    user_id: str | None = None
    email: str | None = None
    is_operator: bool = False
    operator_rights: tuple[str, ...] = ()
    merchants: dict[str, str] = {}
    api_key_id: str | None = None
    scopes: tuple[str, ...] = ()

    @property
    def roles(self) -> tuple[str, ...]:
        if self.kind == "service":
            return ("service",)
        if self.kind == "anonymous":
            return ()
        roles = ["customer"]
        if self.merchants:
            roles.append("merchant")
        if self.is_operator:
            roles.append("operator")
        return tuple(roles)

    def has_right(self, right: str) -> bool:
        return self.is_operator and ("*" in self.operator_rights or right in self.operator_rights)

    @property
    def id(self) -> str | None:
        return self.user_id or self.api_key_id


ANONYMOUS = Actor()
