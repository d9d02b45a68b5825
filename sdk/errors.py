"""One error hierarchy for the whole framework.

Domain code (core services, plugins) raises these; one handler in the kernel renders
them as RFC 9457 ``application/problem+json`` with a stable ``code``. Domain code never
raises HTTP exceptions.
"""

from __future__ import annotations

from typing import Any

import msgspec


class FieldProblem(msgspec.Struct, frozen=True, kw_only=True):
    """One invalid input field: where it is and why it was refused."""

    field: str
    reason: str
    value: Any = None
    #: where the field came from: ``body``, ``query``, ``path`` or ``header`` (``None``: not said)
    source: str | None = None


class BazaarError(Exception):
    """Base of every domain error: a stable ``code``, an HTTP status and a message."""

    code: str = "error"
    status: int = 400
    title: str = "Request failed"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: list[FieldProblem] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.detail = detail or self.title
        if code is not None:
            self.code = code
        self.errors = errors or []
        self.extra = extra or {}
        super().__init__(self.detail)

    def problem(self) -> dict[str, Any]:
        """The problem+json body for this error."""
        body: dict[str, Any] = {
            "type": f"https://bazaar.dev/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = [
                {k: v for k, v in msgspec.structs.asdict(e).items() if v is not None}
                for e in self.errors
            ]
        body.update(self.extra)
        return body


class ValidationFailed(BazaarError):
    code = "validation_failed"
    status = 422
    title = "Invalid input"


class NotFound(BazaarError):
    code = "not_found"
    status = 404
    title = "Not found"


class Conflict(BazaarError):
    code = "conflict"
    status = 409
    title = "Conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"
    title = "Transition not allowed"


class Unauthorized(BazaarError):
    code = "unauthorized"
    status = 401
    title = "Authentication required"


class PermissionDenied(BazaarError):
    code = "forbidden"
    status = 403
    title = "Not allowed"


class TooManyRequests(BazaarError):
    code = "too_many_requests"
    status = 429
    title = "Too many requests"


class ProviderError(BazaarError):
    code = "provider_error"
    status = 502
    title = "Provider failed"


class FileTooLarge(BazaarError):
    """A file larger than its use allows (``FileRules.max_bytes``); ``errors`` names the field."""

    code = "file_too_large"
    status = 413
    title = "File too large"


class FileTypeRefused(BazaarError):
    """A file whose bytes are of a type its use does not accept, or not the type declared."""

    code = "file_type_refused"
    status = 415
    title = "File type not accepted"


class FileEmpty(ValidationFailed):
    code = "file_empty"
    title = "Empty file"


class FileNotFound(NotFound):
    code = "file_not_found"
    title = "No such file"


class StorageFailed(ProviderError):
    """The storage provider could not store or return bytes (unreachable, refused, missing)."""

    code = "storage_failed"
    title = "File storage failed"


class PluginVetoed(Conflict):
    """A plugin objected to an action through an ``*_objections`` hook."""

    code = "plugin_vetoed"
    title = "Refused by a plugin"

    def __init__(self, plugin: str, reason: str, *, code: str | None = None) -> None:
        self.plugin = plugin
        self.reason = reason
        super().__init__(
            f"{plugin}: {reason}",
            extra={"plugin": plugin, "reason": reason, **({"reason_code": code} if code else {})},
        )


class PluginFailed(BazaarError):
    """A plugin raised inside a hook; the request fails, the transaction rolls back."""

    code = "plugin_failed"
    status = 500
    title = "A plugin failed"

    def __init__(self, plugin: str, hook: str) -> None:
        self.plugin = plugin
        self.hook = hook
        super().__init__(
            f"plugin {plugin!r} failed in {hook}", extra={"plugin": plugin, "hook": hook}
        )


class ConfigError(Exception):
    """Configuration refused at start; ``problems`` lists each key, value and what is allowed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))


class PluginError(Exception):
    """The plugin graph is invalid (unknown id, missing requirement, conflict, ...)."""
