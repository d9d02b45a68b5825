"""What the commerce core contributes to the kernel: timer handlers and route handlers."""

from __future__ import annotations

from typing import Any

CORE_TIMERS: dict[str, Any] = {}


def core_route_handlers() -> list[Any]:
    """The core's Litestar controllers, mounted under ``/api/v1``."""
    return []
