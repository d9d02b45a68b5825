"""Opaque keyset cursors: the sort name plus the last row's sort key, base64url JSON.

A cursor never holds an offset, so pages stay correct while rows are inserted: the next
page starts strictly after the last key seen.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import msgspec

from bazaar.sdk.errors import FieldProblem, ValidationFailed


def encode(kind: str, *key: Any) -> str:
    """A cursor for rows after ``key`` in the order named ``kind``."""
    values = [v.isoformat() if isinstance(v, datetime) else v for v in key]
    raw = msgspec.json.encode([kind, *values])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, kind: str, types: tuple[type, ...]) -> list[Any]:
    """The key in ``cursor``, checked against the order ``kind`` and the key's ``types``.

    A cursor from another sort, or one that was tampered with, is ``422 invalid_cursor``.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = msgspec.json.decode(raw)
        if not isinstance(data, list) or len(data) != len(types) + 1 or data[0] != kind:
            raise ValueError("shape")
        out: list[Any] = []
        for value, type_ in zip(data[1:], types, strict=True):
            if type_ is datetime:
                parsed = datetime.fromisoformat(value)
                if parsed.tzinfo is None:
                    raise ValueError("naive")
                out.append(parsed)
            elif type_ is float:
                if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > 1e300:
                    raise ValueError("number")
                out.append(float(value))
            elif not isinstance(value, type_) or isinstance(value, bool):
                raise ValueError("type")
            elif isinstance(value, int) and not -(2**63) <= value < 2**63:
                raise ValueError("out of range")  # a database integer is 64-bit
            elif isinstance(value, str) and "\x00" in value:
                raise ValueError("NUL")
            else:
                out.append(value)
        return out
    except (ValueError, TypeError, msgspec.DecodeError):
        raise ValidationFailed(
            "the cursor is invalid or belongs to another sort",
            code="invalid_cursor",
            errors=[FieldProblem(field="cursor", reason=f"not a cursor of the {kind!r} order", value=cursor[:60])],
        ) from None
