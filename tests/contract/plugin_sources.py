"""Where each plugin's source lives, its table prefixes, and the SQL and emits found in it (by ``ast``).

Shared by the contract tests on plugins (SQL names only the plugin's own tables; the
events a plugin emits are declared on its ``Plugin``).
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

from bazaar.sdk.plugin import Plugin

REPO = Path(__file__).resolve().parents[2]
ROOTS = (REPO / "plugins", REPO / "examples")
SKIP_DIRS = {"tests", "__pycache__", ".venv", "build", "dist"}

SQL_START = re.compile(r"^\s*\(?\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|TRUNCATE)\b", re.IGNORECASE)
TABLE_AFTER = re.compile(r"\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+|ONLY\s+)?"
                         r"(\"?[A-Za-z_][A-Za-z0-9_.]*\"?|\{)", re.IGNORECASE)
CTE = re.compile(r"(?:\bWITH(?:\s+RECURSIVE)?|,)\s+([A-Za-z_][A-Za-z0-9_]*)\s+AS\s*\(", re.IGNORECASE)
#: ``UPDATE`` after these words is a lock or a trigger event, not a statement (``FOR UPDATE``, ``BEFORE UPDATE OR``)
NOT_A_STATEMENT = re.compile(r"\b(FOR|BEFORE|AFTER|OR|OF|INSTEAD|DO)\s*$", re.IGNORECASE)  # DO UPDATE SET: an upsert, not a table
#: ``FROM`` inside these functions names a column, not a table
FUNCTION_FROM = re.compile(r"\b(EXTRACT|SUBSTRING|TRIM|OVERLAY|POSITION)\s*\([^()]*$|\bDISTINCT\s*$", re.IGNORECASE)


@dataclass
class PluginPackage:
    """One plugin package directory and the plugins declared in it (``payments`` holds two)."""

    path: Path
    plugins: list[Plugin] = field(default_factory=list)

    @property
    def prefixes(self) -> set[str]:
        """Table prefixes it owns: its directory name and each plugin's Piccolo app name, plus ``_``."""
        found = {self.path.name + "_"}
        for plugin in self.plugins:
            if plugin.piccolo_app:
                found.add(importlib.import_module(plugin.piccolo_app).APP_CONFIG.app_name + "_")
            found.add(plugin.id.split(".")[0] + "_")
        return found

    def modules(self) -> Iterator[Path]:
        for path in sorted(self.path.rglob("*.py")):
            if not SKIP_DIRS & set(path.relative_to(self.path).parts):
                yield path


def plugin_packages() -> list[PluginPackage]:
    """Every plugin package under ``plugins/`` and ``examples/`` with the installed plugins declared in it."""
    packages: dict[Path, PluginPackage] = {}
    for root in ROOTS:
        for child in sorted(root.iterdir()):
            if not child.is_dir() or child.name in SKIP_DIRS or child.name.startswith((".", "_")):
                continue
            inner = [p for p in child.iterdir() if (p / "__init__.py").is_file() and p.name not in SKIP_DIRS]
            pkg = child if (child / "__init__.py").is_file() else (inner[0] if len(inner) == 1 else child)
            packages[pkg.resolve()] = PluginPackage(pkg.resolve())
    for ep in entry_points(group="bazaar.plugins"):
        module = importlib.import_module(ep.module)
        where = Path(module.__file__ or "").resolve().parent
        for pkg_path, pkg in packages.items():
            if where == pkg_path or pkg_path in where.parents:
                plugin = ep.load()
                if isinstance(plugin, Plugin) and plugin not in pkg.plugins:
                    pkg.plugins.append(plugin)
    return list(packages.values())


# --- SQL in string literals --------------------------------------------------------------------


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def string_literals(source: str) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of every string constant and f-string (placeholders as ``{}``), docstrings excluded."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    inside_fstring: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                inside_fstring.add(id(value))
                parts.append(value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else "{}")
            yield node.lineno, "".join(parts)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
                and id(node) not in inside_fstring):
            yield node.lineno, node.value


def tables_named(sql: str) -> list[str]:
    """The table names a SQL text reads or writes (``{`` for a table name filled in at run time)."""
    if not SQL_START.match(sql):
        return []
    ctes = {name.lower() for name in CTE.findall(sql)}
    found = []
    for match in TABLE_AFTER.finditer(sql):
        keyword, before = match.group(1).upper(), sql[: match.start()]
        if (keyword == "FROM" and FUNCTION_FROM.search(before)) or (keyword == "UPDATE" and NOT_A_STATEMENT.search(before)):
            continue
        name = match.group(2).strip('"')
        if name.lower() not in ctes:
            found.append(name)
    return found


def known_tables() -> set[str]:
    """Every table of the core's and the plugins' Piccolo apps (found on disk, so a moved registry does not matter)."""
    modules = [".".join(("bazaar", *path.relative_to(REPO).with_suffix("").parts))
               for path in sorted((REPO / "core").rglob("piccolo_app.py"))]
    modules += [p.piccolo_app for pkg in plugin_packages() for p in pkg.plugins if p.piccolo_app]
    return {table._meta.tablename for module in modules
            for table in importlib.import_module(module).APP_CONFIG.table_classes}


def foreign_tables(source: str, prefixes: set[str], tables: set[str] = frozenset()) -> list[tuple[int, str]]:  # type: ignore[assignment]
    """``(line, table)`` for every table a module names outside ``prefixes``.

    Tables named in SQL text must carry a prefix. A table name filled in at run time
    (``f"UPDATE {table} ..."``) is accepted only because every string constant of the
    module equal to a real table name (``tables``) is checked too: the name it is filled
    from must be one of the plugin's own.
    """
    found = []
    for line, text in sorted(string_literals(source)):
        named = tables_named(text)
        if not named and text in tables:
            named = [text]
        found += [(line, t) for t in named if t != "{" and not any(t.lower().startswith(p) for p in prefixes)]
    return found


# --- emitted events ----------------------------------------------------------------------------


def emitted_class_names(source: str) -> list[tuple[int, str]]:
    """``(line, class name)`` of every ``<x>.emit(SomeEvent(...))`` and ``emit(SomeEvent(...))`` call."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name != "emit":
            continue
        arg = node.args[0]
        if isinstance(arg, ast.Call):
            target = arg.func
            cls = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else "?"
            found.append((node.lineno, cls))
        else:
            found.append((node.lineno, "<not a constructor call>"))
    return found
