"""The runtime plugins receive is the ``PluginRuntime`` protocol, and plugins use nothing else of it.

mypy checks that the kernel's ``Runtime`` satisfies the protocol (``core/kernel/runtime.py``)
and the plugins' annotations (``tox -e types``); these tests check the same promises at
run time: every member exists and behaves, and no plugin module annotates a runtime as
``Any`` or reaches for an attribute the protocol does not have.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bazaar.sdk.runtime import PluginRuntime

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = {n for n in vars(PluginRuntime) if not n.startswith("_")}
#: names plugins give the runtime (and the context that carries it)
RUNTIME_NAMES = {"rt", "runtime"}
CONTEXT_NAMES = {"context"}


def plugin_files() -> list[Path]:
    files = [*(ROOT / "plugins").rglob("*.py"), *(ROOT / "examples").glob("*/*/*.py")]
    return sorted(p for p in files if "piccolo_migrations" not in p.parts and "__pycache__" not in p.parts)


def _is_runtime(node: ast.expr) -> bool:
    """``rt``, ``self.rt``, ``self.runtime``, ``context.runtime``, ``self.context.runtime``."""
    if isinstance(node, ast.Name):
        return node.id in RUNTIME_NAMES
    return isinstance(node, ast.Attribute) and node.attr in RUNTIME_NAMES


def misuses(source: str) -> list[str]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.arg) and node.arg in RUNTIME_NAMES | CONTEXT_NAMES:
            untyped = node.annotation is None or (isinstance(node.annotation, ast.Name) and node.annotation.id == "Any")
            if untyped:
                found.append((node.lineno, f"{node.arg} is not typed (PluginRuntime / PluginContext)"))
        elif isinstance(node, ast.Attribute) and _is_runtime(node.value):
            if node.attr not in MEMBERS:
                found.append((node.lineno, f"{ast.unparse(node)} is not part of PluginRuntime"))
    return [f"line {line}: {what}" for line, what in sorted(found, key=lambda f: f[0])]


async def test_the_runtime_has_every_member_of_the_protocol(bazaar_factory):
    kit = await bazaar_factory(plugins=["payments.escrow"])
    rt: PluginRuntime = kit.runtime
    missing = sorted(name for name in MEMBERS if not hasattr(rt, name))
    assert missing == [], missing
    assert rt.db.engine_name in ("sqlite", "postgres")
    assert rt.is_enabled("payments.escrow") and not rt.is_enabled("payments.instant")
    assert set(rt.providers("payment")) == {"payments.escrow"}
    assert rt.provider("payment", "payments.escrow") is rt.providers("payment")["payments.escrow"]
    with pytest.raises(LookupError):
        rt.provider("payment", "nobody")
    assert rt.currency == "CNY" and rt.public_url is None


async def test_after_commit_runs_sync_and_async_callbacks_once_committed_never_on_rollback(bazaar):
    rt: PluginRuntime = bazaar.runtime
    ran: list[str] = []

    async def later() -> None:
        ran.append("async")

    async with rt.unit_of_work():
        rt.after_commit(lambda: ran.append("sync"))
        rt.after_commit(later)
        assert ran == []
    assert ran == ["sync", "async"]
    with pytest.raises(RuntimeError):
        async with rt.unit_of_work():
            rt.after_commit(lambda: ran.append("rolled back"))
            raise RuntimeError("boom")
    assert ran == ["sync", "async"]


@pytest.mark.parametrize("path", plugin_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_plugin_module_types_the_runtime_and_uses_only_the_protocol(path):
    found = misuses(path.read_text(encoding="utf-8"))
    assert found == [], f"{path.relative_to(ROOT)}:\n" + "\n".join(found)


def test_the_check_catches_untyped_runtimes_and_reaching_past_the_protocol():
    source = (
        "def f(rt: Any, context): ...\n"
        "async def g(rt: PluginRuntime):\n"
        "    rt.plugins.loaded\n"
        "    rt.services['x']\n"
        "    await rt.db.fetch('SELECT 1')\n"
        "    self.context.runtime.settings\n"
    )
    assert misuses(source) == [
        "line 1: rt is not typed (PluginRuntime / PluginContext)",
        "line 1: context is not typed (PluginRuntime / PluginContext)",
        "line 3: rt.plugins is not part of PluginRuntime",
        "line 4: rt.services is not part of PluginRuntime",
        "line 6: self.context.runtime.settings is not part of PluginRuntime",
    ]
