"""The hook contract between the Bazaar core and its plugins.

Every hook is one of five kinds, visible in its name:

* ``bazaar_register_*`` — called once at start; returns things to register (providers).
* ``bazaar_*_collect_*`` / ``bazaar_collect_*`` — every plugin may contribute; the core
  combines all answers by the documented, order-independent rule of that hook. May be async.
* ``bazaar_select_*`` — the first non-``None`` answer wins (``tryfirst``/``trylast`` hold).
  **Synchronous and pure**: an ``async def`` implementation is refused at registration.
* ``bazaar_*_objections`` — a veto: return an :class:`~bazaar.sdk.types.Objection` (or a
  reason string) to stop the action; the first objection (plugins in id order) becomes a
  ``409 plugin_vetoed`` naming the plugin. May be async.
* ``bazaar_handle_event`` — the one event hook, fed from the outbox after commit, at least
  once per event and subscribing plugin. May be async.

Hook implementations never give a parameter a default value, and may accept any subset
of the spec's arguments.
"""

from __future__ import annotations

import re
from types import ModuleType

import pluggy

PROJECT = "bazaar"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

KIND_PATTERNS: dict[str, re.Pattern[str]] = {
    "register": re.compile(r"^bazaar_register_[a-z_]+$"),
    "collect": re.compile(r"^bazaar_(?:[a-z]+_)*collect_[a-z_]+$"),
    "select": re.compile(r"^bazaar_(?:[a-z]+_)*select_[a-z_]+$"),
    "objections": re.compile(r"^bazaar_[a-z_]+_objections$"),
    "event": re.compile(r"^bazaar_handle_event$"),
}


def hook_kind(name: str) -> str | None:
    """The kind of a hook by its name, or ``None`` when the name fits no kind."""
    for kind, pattern in KIND_PATTERNS.items():
        if pattern.match(name):
            return kind
    return None


def spec_modules() -> list[ModuleType]:
    """The modules that hold the hookspecs, in documentation order."""
    from bazaar.sdk.hookspecs import catalogue, checkout, kernel, merchants, orders

    return [kernel, merchants, catalogue, checkout, orders]
