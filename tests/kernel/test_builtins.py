"""The core's domains are built-in plugins: declared like any plugin, always on, loaded first.

The host is built directly (no database), with the root's ``BUILTINS`` or small stand-ins.
"""

from __future__ import annotations

from typing import Any

import pytest

from bazaar.core.kernel.config import load_settings
from bazaar.core.kernel.plugins import PluginHost
from bazaar.core.root import BUILTINS, build_host
from bazaar.sdk.errors import PluginError
from bazaar.sdk.plugin import Plugin


def settings(enabled: list[str]) -> Any:
    return load_settings(environ={}, overrides={"plugins": {"enabled": enabled}})


def plugin(pid: str, **kwargs: Any) -> Plugin:
    return Plugin(id=pid, version="1.0.0", summary=pid, **kwargs)


def test_the_core_domains_load_first_in_dependency_order_then_the_enabled_plugins():
    host = build_host(settings(["hello"]))
    assert list(host.builtin) == ["core.users", "core.merchants", "core.catalogue", "core.inventory",
                                  "core.checkout", "core.orders"]
    assert list(host.loaded) == [*host.builtin, "hello"]
    assert host.order == ["hello"], "plugins.enabled order: built-ins are not in it"
    assert host.is_builtin("core.orders") and not host.is_builtin("hello")
    assert "core.checkout_expire" in host.timers
    assert [pid for pid, _ in host.listeners["order.cancelled"]] == ["core.checkout"]
    assert [pid for pid, _ in host.listeners["merchant.status_changed"]] == ["core.catalogue"]


def test_a_built_in_is_not_toggled_in_plugins_enabled():
    with pytest.raises(PluginError, match="'core.orders': built into the core and always on"):
        build_host(settings(["core.orders"]))


def test_a_plugin_may_require_a_built_in():
    needs = plugin("needs", requires=("core.orders",))
    host = PluginHost.build(settings(["needs"]), builtins=BUILTINS, extra=[needs], discover_installed=False)
    assert host.order == ["needs"]


def test_built_in_ids_are_the_cores_and_their_requires_come_first():
    with pytest.raises(PluginError, match="a built-in's id starts with 'core.'"):
        PluginHost.build(settings([]), builtins=[plugin("orders")], discover_installed=False)
    with pytest.raises(PluginError, match="requires \\['core.a'\\], which must come before it"):
        PluginHost.build(settings([]), builtins=[plugin("core.b", requires=("core.a",)), plugin("core.a")],
                         discover_installed=False)
    with pytest.raises(PluginError, match="the core has a built-in of that id"):
        PluginHost.build(settings([]), builtins=[plugin("core.a")], extra=[plugin("core.a")],
                         discover_installed=False)


def test_built_ins_share_the_core_timer_namespace_and_plugins_keep_theirs():
    async def due(rt: Any, due: Any) -> None:
        pass

    assert plugin("core.checkout", timers={"core.checkout_expire": due}).timers
    with pytest.raises(ValueError, match="must start with 'payments.'"):
        plugin("payments", timers={"core.checkout_expire": due})


def test_every_core_event_is_declared_by_the_built_in_that_emits_it():
    from bazaar.sdk import events

    core = {cls for cls in vars(events).values() if isinstance(cls, type) and issubclass(cls, events.Event)
            and cls.__module__ == events.__name__ and cls is not events.Event and not cls.__name__.startswith("_")}
    declared = [cls for p in BUILTINS for cls in p.events]
    assert sorted(c.__name__ for c in declared) == sorted(c.__name__ for c in core)
    assert len(declared) == len(set(declared)), "one emitter per core event"
