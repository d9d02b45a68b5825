"""Provider adapters: one module per payment provider behind :mod:`.base`'s interface.

``adapter(rt, plugin_id)`` builds the adapter named by the plugin's ``provider`` key.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from bazaar.plugins.payments.providers.base import ProviderAdapter
from bazaar.sdk.runtime import PluginRuntime

#: one adapter per runtime and plugin id
_ADAPTERS: WeakKeyDictionary[PluginRuntime, dict[str, ProviderAdapter]] = WeakKeyDictionary()


def adapter(rt: PluginRuntime, plugin_id: str) -> ProviderAdapter:
    """The configured provider adapter of ``plugin_id`` (one per runtime, cached)."""
    built = _ADAPTERS.setdefault(rt, {})
    found = built.get(plugin_id)
    if found is None:
        config = rt.plugin_config(plugin_id)
        if config.provider == "sandbox":
            from bazaar.plugins.payments.providers.sandbox.adapter import SandboxAdapter

            found = SandboxAdapter(rt, plugin_id, config.sandbox, config.notification_tolerance_seconds)
        else:  # pragma: no cover - the config Literal allows only known adapters
            raise ValueError(f"unknown payment provider adapter {config.provider!r}")
        built[plugin_id] = found
    return found
