"""Opaque, time-ordered public ids (``ord_01JD...``): never sequential integers.

Ids made by one process within one millisecond are strictly increasing (monotonic ULIDs: the
random part is incremented), so "ORDER BY at, id" keeps the order in which rows were written
even when the clock (a test's, or a coarse one) gives them the same time.
"""

from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
_RANDOM_BITS = 80
_lock = threading.Lock()
_last = 0


def _next_value() -> int:
    global _last
    with _lock:
        millis = time.time_ns() // 1_000_000
        value = millis << _RANDOM_BITS | int.from_bytes(os.urandom(10), "big")
        if millis == _last >> _RANDOM_BITS and value <= _last:
            value = _last + 1
        _last = value
        return value


def new_id(prefix: str) -> str:
    """``prefix_`` + 26 chars: 48-bit millisecond time then 80 random bits (ULID layout)."""
    value = _next_value()
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return f"{prefix}_{''.join(reversed(chars))}"


def looks_like(value: str, prefix: str) -> bool:
    """Whether ``value`` is shaped like an id made by :func:`new_id` with ``prefix``."""
    head, _, body = value.partition("_")
    return head == prefix and len(body) == 26 and all(c in _ALPHABET for c in body)
