"""The Bazaar SDK: everything a plugin (or a test of one) imports.

Plugins import ``bazaar.sdk`` and never core internals:

* ``Plugin`` (the declaration), ``hookimpl`` (the marker), ``bazaar.sdk.hookspecs`` (the contract);
* ``bazaar.sdk.types`` (frozen snapshots passed to hooks), ``Money``, the errors;
* ``bazaar.sdk.events`` (the core's typed domain events; ``Event`` to define a plugin's own);
* ``bazaar.sdk.api`` (what route handlers need: the runtime and actor dependencies, problem
  responses, id checks, list envelopes);
* ``bazaar.sdk.runtime`` (``PluginRuntime``, ``PluginContext``: the typed runtime);
* ``bazaar.sdk.services`` (the core facades a plugin may call: functions over frozen snapshots);
* ``bazaar.sdk.cli`` (``Command``, ``command_runtime``) and ``bazaar.sdk.demo`` (``DemoContext``);
* ``bazaar.sdk.policy`` (preset policy tables), ``bazaar.sdk.timers``, ``bazaar.sdk.providers``;
* ``bazaar.sdk.files`` (the shared file store ``rt.files``: rules, records, safe downloads);
* ``bazaar.sdk.testing`` (the pytest kit).
"""

from bazaar.sdk.errors import (
    BazaarError,
    ConfigError,
    Conflict,
    FieldProblem,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    PluginError,
    PluginVetoed,
    ProviderError,
    ValidationFailed,
)
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.money import Money, allocate, bps_share
from bazaar.sdk.plugin import NoConfig, Plugin

__all__ = [
    "BazaarError",
    "ConfigError",
    "Conflict",
    "FieldProblem",
    "InvalidTransition",
    "Money",
    "NoConfig",
    "NotFound",
    "PermissionDenied",
    "Plugin",
    "PluginError",
    "PluginVetoed",
    "ProviderError",
    "ValidationFailed",
    "allocate",
    "bps_share",
    "hookimpl",
]
