"""Plugins and examples import only ``bazaar.sdk`` of Bazaar: never the core, never another plugin.

Every module under ``plugins/`` and ``examples/`` is parsed; every ``import`` counts,
function-local ones included (``ast.walk`` visits function bodies), and relative imports
are resolved. A module may import the stdlib, third-party libraries, ``bazaar.sdk`` and
its own plugin package; tests of an example may also import ``bazaar.client``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = {"__pycache__", "build", "piccolo_migrations"}


def plugin_packages() -> dict[str, Path]:
    """Package name -> folder: ``bazaar.plugins.<id>`` and each example's top-level package."""
    found = {f"bazaar.plugins.{d.name}": d for d in sorted((ROOT / "plugins").iterdir())
             if (d / "__init__.py").is_file()}
    for example in sorted((ROOT / "examples").iterdir()):
        for d in sorted(example.iterdir()) if example.is_dir() else ():
            if (d / "__init__.py").is_file() and d.name != "tests":
                found[d.name] = d
    return found


def module_name(path: Path, package: str, folder: Path) -> str:
    parts = list(path.relative_to(folder).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def imported(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """``(line, absolute module)`` of every import in ``source``, wherever it sits."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.append((node.lineno, base))
    return names


def violations(source: str, module: str, own: str, others: set[str], *, is_package: bool = False,
               may_use_client: bool = False) -> list[str]:
    """What ``module`` (of the plugin package ``own``) imports that it must not."""
    refused = []
    for line, name in imported(source, module, is_package):
        def under(prefix: str, name: str = name) -> bool:
            return name == prefix or name.startswith(prefix + ".")

        if under("bazaar.core") or (under("bazaar.client") and not may_use_client):
            refused.append(f"{module}:{line} imports {name}")
        elif any(under(other) for other in others - {own}):
            refused.append(f"{module}:{line} imports another plugin: {name}")
        elif under("bazaar") and not (under("bazaar.sdk") or under(own) or under("bazaar.client")):
            refused.append(f"{module}:{line} imports {name} (only bazaar.sdk is public)")
    return refused


def scanned() -> list[tuple[Path, str, str, bool]]:
    """``(file, module, own package, is a test)`` for every module of every plugin and example."""
    out = []
    for package, folder in plugin_packages().items():
        for path in sorted(folder.rglob("*.py")):
            if not SKIP.intersection(path.relative_to(folder).parts):
                out.append((path, module_name(path, package, folder), package, False))
    for example in sorted((ROOT / "examples").iterdir()):
        for path in sorted((example / "tests").rglob("*.py")) if (example / "tests").is_dir() else ():
            own = next((p for p, f in plugin_packages().items() if f.parent == example), "")
            out.append((path, f"tests.{path.stem}", own, True))
    return out


def test_the_scan_finds_every_plugin_and_the_example():
    packages = plugin_packages()
    assert {"bazaar.plugins.payments", "bazaar.plugins.qualification", "bazaar_hello"} <= set(packages)
    modules = {module for _, module, _, _ in scanned()}
    assert "bazaar.plugins.payments.providers.sandbox.bank" in modules
    assert "bazaar_hello.hooks" in modules


@pytest.mark.parametrize("path, module, own, is_test", scanned(), ids=lambda v: v if isinstance(v, str) else "")
def test_plugin_module_imports_only_the_sdk(path, module, own, is_test):
    others = set(plugin_packages())
    found = violations(path.read_text(encoding="utf-8"), module, own, others,
                       is_package=path.name == "__init__.py", may_use_client=is_test)
    assert found == [], "plugins import only bazaar.sdk (and their own package):\n" + "\n".join(found)


def test_the_check_sees_function_local_relative_and_cross_plugin_imports():
    source = (
        "from bazaar.sdk import Plugin\n"
        "from . import policy\n"
        "def handler():\n"
        "    from bazaar.core.orders import service\n"
        "    import bazaar.plugins.payments.ledger\n"
        "    from ..payments import ledger\n"
        "    from bazaar.client import BazaarClient\n"
    )
    found = violations(source, "bazaar.plugins.reviews.hooks", "bazaar.plugins.reviews",
                       {"bazaar.plugins.reviews", "bazaar.plugins.payments"})
    assert found == [
        "bazaar.plugins.reviews.hooks:4 imports bazaar.core.orders",
        "bazaar.plugins.reviews.hooks:5 imports another plugin: bazaar.plugins.payments.ledger",
        "bazaar.plugins.reviews.hooks:6 imports another plugin: bazaar.plugins.payments",
        "bazaar.plugins.reviews.hooks:7 imports bazaar.client",
    ]
