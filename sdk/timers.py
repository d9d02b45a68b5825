"""What a timer handler receives, and the marker for handlers that talk to the outside world."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import msgspec

F = TypeVar("F", bound=Callable[..., Any])


class Due(msgspec.Struct, frozen=True, kw_only=True):
    """A timer that fell due: its kind, subject, payload, when it was due and which attempt."""

    id: str
    kind: str
    subject: str
    payload: dict[str, Any]
    due_at: datetime
    attempt: int


def outside_transaction(handler: F) -> F:
    """Mark a timer handler that calls the outside world (HTTP, a provider).

    It runs with no database transaction open; it opens its own units of work. Others run
    inside the transaction that also marks the timer done, so their writes happen once.
    """
    handler.bazaar_outside_transaction = True  # type: ignore[attr-defined]
    return handler
