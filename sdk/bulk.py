"""Many rows in one statement: rows travel as one JSON array parameter, on either engine.

``await insert_rows(rt, "x_table", ["id", "amount_minor", "at"], ["text", "bigint", "timestamptz"], rows)``
writes thousands of rows per statement (chunks of ``chunk``), without a round trip per row
and without the engines' limit on parameters. :func:`json_rows` gives the ``SELECT`` that
turns the parameter back into typed rows, for ``INSERT ... SELECT`` and ``UPDATE ... FROM``.
Types are PostgreSQL names (``text``, ``bigint``, ``integer``, ``boolean``,
``timestamptz``); SQLite reads the JSON values as they are (times as ISO text, as Piccolo
stores them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


_encoder = msgspec.json.Encoder(enc_hook=_default)


def encode(rows: Sequence[Sequence[Any]], *, sqlite: bool = True) -> str:
    """Rows as the JSON text the parameter carries. For SQLite, times become UTC ISO text as
    Piccolo stores them (``+00:00``); PostgreSQL casts msgspec's RFC 3339 form directly."""
    if not sqlite:
        return _encoder.encode(rows).decode()
    return _encoder.encode([[_default(v) if isinstance(v, datetime) else v for v in row] for row in rows]).decode()


def new_ids(prefix: str, n: int) -> list[str]:
    """``n`` fresh ids shaped like ``new_id(prefix)``, made in one go (consecutive values of one
    time-ordered base: unique, increasing, and cheap for bulk writes)."""
    from bazaar.core.kernel.ids import _ALPHABET, _next_value

    if n <= 0:
        return []
    base = _next_value()
    # reserve the range so ids made afterwards in this process stay above it
    import bazaar.core.kernel.ids as ids

    with ids._lock:
        ids._last = max(ids._last, base + n)
    out = []
    for i in range(n):
        value, chars = base + i, []
        for _ in range(26):
            value, r = divmod(value, 32)
            chars.append(_ALPHABET[r])
        out.append(f"{prefix}_{''.join(reversed(chars))}")
    return out


def is_sqlite(rt: Any) -> bool:
    name = getattr(rt.db, "engine_name", None)
    return name == "sqlite" if isinstance(name, str) else bool(getattr(rt.db, "is_sqlite", False))


def json_rows(sqlite: bool, types: Sequence[str], names: Sequence[str] | None = None) -> str:
    """``SELECT`` one typed row per element of the JSON array parameter ``{}`` (columns named ``names``)."""
    names = list(names or [f"c{i}" for i in range(len(types))])
    if sqlite:
        cols = ", ".join(f"json_extract(value, '$[{i}]') AS {n}" for i, n in enumerate(names))
        return f"SELECT {cols} FROM json_each({{}})"
    cols = ", ".join(f"(x->>{i})::{t} AS {n}" for i, (t, n) in enumerate(zip(types, names, strict=True)))
    return f"SELECT {cols} FROM json_array_elements({{}}::json) AS x"


async def insert_rows(rt: Any, table: str, columns: Sequence[str], types: Sequence[str],
                      rows: Sequence[Sequence[Any]], *, chunk: int = 20_000, suffix: str = "") -> None:
    """``INSERT INTO table (columns) SELECT ...`` in chunks of ``chunk`` rows (``suffix``: e.g. ``ON CONFLICT``)."""
    sqlite = is_sqlite(rt)
    select = json_rows(sqlite, types, columns)
    cols = ", ".join(columns)
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        where = " WHERE true" if suffix else ""  # SQLite needs it before ON CONFLICT after a FROM
        await rt.db.execute(f"INSERT INTO {table} ({cols}) {select}{where} {suffix}", encode(part, sqlite=sqlite))


__all__ = ["encode", "insert_rows", "is_sqlite", "json_rows", "new_ids"]
