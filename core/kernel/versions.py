"""Tiny version-range matching for ``Plugin.kernel`` (``">=0.1,<1.0"``)."""

from __future__ import annotations

import operator
import re

_OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq, "!=": operator.ne}
_CLAUSE = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)*)\s*$")


def parse_version(text: str) -> tuple[int, ...]:
    parts = tuple(int(p) for p in re.findall(r"\d+", text.split("+")[0])[:3])
    return parts + (0,) * (3 - len(parts))


def satisfies(version: str, spec: str) -> bool:
    """Whether ``version`` lies within every clause of ``spec``; a malformed spec raises."""
    have = parse_version(version)
    for clause in filter(None, (c.strip() for c in spec.split(","))):
        match = _CLAUSE.match(clause)
        if not match:
            raise ValueError(f"malformed version range {spec!r}")
        op, want = match.groups()
        if not _OPS[op](have, parse_version(want)):
            return False
    return True
