"""The core's domains are built-in plugins: declared like any plugin, always on, loaded first.

The host is built directly (no database), with the root's ``BUILTINS`` or small stand-ins.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


def cli(tmp_path: Any, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BAZAAR_")}
    return subprocess.run([sys.executable, "-m", "bazaar.core.cli", *args], capture_output=True, text=True,
                          env={**clean, "BAZAAR_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", **env},
                          cwd=tmp_path, timeout=60)


def test_bazaar_plugins_lists_the_built_ins_first_and_config_check_leaves_them_out(tmp_path):
    out = cli(tmp_path, "plugins", "--json", BAZAAR_PLUGINS_ENABLED="hello")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    builtins = [r["id"] for r in rows if r["builtin"]]
    assert builtins == [p.id for p in BUILTINS] == [r["id"] for r in rows[: len(BUILTINS)]]
    assert all(r["enabled"] and "config" not in r for r in rows[: len(BUILTINS)])
    hello = next(r for r in rows if r["id"] == "hello")
    assert hello["enabled"] and not hello["builtin"] and hello["config"]["greeting"] == "Hello"
    text = cli(tmp_path, "plugins", BAZAAR_PLUGINS_ENABLED="hello").stdout.splitlines()
    assert text[0].startswith("[core] core.users 0.1.0 - ")
    assert any(line.startswith("[on ] hello 1.0.0 - ") for line in text)
    assert any(line.startswith("[off] qualification ") for line in text)

    check = cli(tmp_path, "config", "check", BAZAAR_PLUGINS_ENABLED="hello",
                BAZAAR_SECURITY__ENCRYPTION_KEYS='{k1 = "' + "A" * 43 + '="}', BAZAAR_SECURITY__ACTIVE_KEY_ID="k1")
    effective = json.loads(check.stdout)["plugins"]
    assert effective["enabled"] == ["hello"] and set(effective) == {"enabled", "hello"}

    refused = cli(tmp_path, "plugins", BAZAAR_PLUGINS_ENABLED="core.orders")
    assert refused.returncode == 2 and "'core.orders': built into the core and always on" in refused.stderr
