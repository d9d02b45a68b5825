"""Policy tables: every number a plugin enforces is a key with a default per preset and a source.

A plugin lists its rules once::

    RULES = PolicyTable([
        Rule("reverify_interval_days", {"cn": 182, "eu": None}, "NTSM 24 / DSA 30(3)", "law"),
        ...
    ])

Its config Struct has ``preset: Literal["cn", "eu"]`` and one field per key defaulting
to ``msgspec.UNSET`` (nested keys as nested Structs). ``RULES.resolve(config)`` gives the
effective values; ``RULES.explain(config)`` gives each key's value, where it came from
(``preset:cn`` or ``override``) and its legal or practical source, for
``bazaar plugins --policy`` and the admin policy route.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import msgspec


class Rule(msgspec.Struct, frozen=True):
    key: str
    presets: dict[str, Any]
    source: str
    basis: Literal["law", "practice", "contract"] = "practice"
    doc: str = ""


class PolicyLine(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    value: Any
    origin: str
    source: str
    basis: str


def flatten(data: dict[str, Any], leaves: set[str] = frozenset(), prefix: str = "") -> dict[str, Any]:  # type: ignore[assignment]
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}``; paths in ``leaves`` keep their dict value."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and path not in leaves:
            out.update(flatten(value, leaves, path + "."))
        else:
            out[path] = value
    return out


class PolicyTable:
    """The rules of one plugin, resolved against its config."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = {rule.key: rule for rule in rules}
        self.leaves = {k for k, r in self.rules.items() if any(isinstance(v, dict) for v in r.presets.values())}

    def presets(self) -> set[str]:
        return {name for rule in self.rules.values() for name in rule.presets}

    def _given(self, config: msgspec.Struct) -> tuple[str, dict[str, Any]]:
        raw = msgspec.to_builtins(config)  # UNSET fields are left out
        preset = raw.pop("preset", None)
        if preset is None:
            raise ValueError("policy config needs a preset")
        given = {k: v for k, v in flatten(raw, self.leaves).items() if k in self.rules}
        return preset, given

    def resolve(self, config: msgspec.Struct) -> dict[str, Any]:
        """Effective value of every key: the override if given, else the preset's."""
        preset, given = self._given(config)
        return {key: given.get(key, rule.presets.get(preset)) for key, rule in self.rules.items()}

    def explain(self, config: msgspec.Struct) -> list[PolicyLine]:
        """Every key with its value, origin (``preset:<name>`` or ``override``) and source."""
        preset, given = self._given(config)
        return [
            PolicyLine(
                key=key,
                value=given.get(key, rule.presets.get(preset)),
                origin="override" if key in given else f"preset:{preset}",
                source=rule.source,
                basis=rule.basis,
            )
            for key, rule in self.rules.items()
        ]
