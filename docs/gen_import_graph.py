"""Print the import graph of ``bazaar.core``: every module, what it imports, and any cycle.

    python docs/gen_import_graph.py                 # summary: modules, edges, cycles, layers
    python docs/gen_import_graph.py --edges         # also every "module -> imports" line
    python docs/gen_import_graph.py --repo PATH     # scan another checkout

The scan reads source only (``ast``; nothing is imported), so it works on any checkout.
Every ``import`` counts, function-local ones included (a function-local import is still
a dependency, only a later one). Imports under ``if TYPE_CHECKING:`` are listed apart:
they never run, so they cannot close a cycle, but they do count for the layering rule
(the kernel names no domain, not even in a type). Importing ``a.b.c`` also runs the
``__init__`` of ``a.b``, so an edge to a module is an edge to its packages too (except
the importer's own packages, which are already running). Migration modules
(``piccolo_migrations``) are data loaded by path and left out. ``bazaar.sdk`` is scanned
too, so a cycle that passes through the SDK (core -> sdk -> core) is found as well.

Layers (``tests/contract/test_import_graph.py`` holds them):

* ``bazaar.core.kernel`` imports nothing else of ``bazaar.core``;
* the domains (users, merchants, catalogue, ...) import the kernel and the domains below them;
* ``bazaar.core.root``, the composition root, imports everything and nothing imports it.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: folder -> package, as setup.py maps them
FOLDERS = {"core": "bazaar.core", "sdk": "bazaar.sdk"}
PACKAGE = "bazaar.core"
KERNEL = "bazaar.core.kernel"


@dataclass
class Graph:
    """``edges[m]``: modules of ``bazaar.core`` that ``m`` imports when it runs;
    ``typing_edges[m]``: those it imports only under ``TYPE_CHECKING``."""

    modules: set[str] = field(default_factory=set)
    packages: set[str] = field(default_factory=set)
    edges: dict[str, set[str]] = field(default_factory=dict)
    typing_edges: dict[str, set[str]] = field(default_factory=dict)

    def cycles(self) -> list[list[str]]:
        """The strongly connected components of more than one module."""
        return sorted(sorted(c) for c in _components(self.edges) if len(c) > 1)

    def edge_count(self) -> int:
        return sum(len(v) for v in self.edges.values())


def module_files(repo: Path) -> Iterator[tuple[str, Path]]:
    """``(dotted name, path)`` of every module of ``bazaar.core`` and ``bazaar.sdk`` in ``repo``."""
    for folder, package in FOLDERS.items():
        root = repo / folder
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root)
            if "piccolo_migrations" in rel.parts or "__pycache__" in rel.parts:
                continue
            parts = [package, *rel.with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


def in_core(module: str) -> bool:
    return module == PACKAGE or module.startswith(PACKAGE + ".")


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, bool]]:
    """``(imported name, only for typing)`` for every import statement, at any depth."""

    def walk(node: ast.AST, typing_only: bool) -> Iterator[tuple[str, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    yield from walk_one(stmt, True)
                for stmt in child.orelse:
                    yield from walk_one(stmt, typing_only)
                continue
            yield from walk_one(child, typing_only)

    def walk_one(node: ast.AST, typing_only: bool) -> Iterator[tuple[str, bool]]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, typing_only
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # ``from a.b import c``: the submodule ``a.b.c`` if there is one, else ``a.b``
                yield f"{base}.{alias.name}", typing_only
                yield base, typing_only
        else:
            yield from walk(node, typing_only)

    yield from walk(tree, False)


def build(repo: Path = REPO) -> Graph:
    """The graph of the ``bazaar.core`` and ``bazaar.sdk`` source of the checkout ``repo``."""
    graph = Graph()
    files = dict(module_files(repo))
    graph.modules = set(files)
    graph.packages = {name for name, path in files.items() if path.name == "__init__.py"}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        own = _ancestors(module) | {module}
        runs: set[str] = set()
        typing: set[str] = set()
        for name, typing_only in _imports(tree, module, module in graph.packages):
            target = _resolve(name, graph.modules)
            if target is None:
                continue
            found = {t for t in {target, *_ancestors(target)} if t in graph.modules and t not in own}
            (typing if typing_only else runs).update(found)
        graph.edges[module] = runs
        graph.typing_edges[module] = typing - runs
    return graph


def _ancestors(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(2, len(parts))}


def _resolve(name: str, modules: set[str]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _components(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    out.append(component)
    return out


def kernel_leaks(graph: Graph) -> list[str]:
    """``kernel module -> non-kernel module`` lines (typing-only imports included)."""
    leaks = []
    for module in sorted(graph.modules):
        if module != KERNEL and not module.startswith(KERNEL + "."):
            continue
        for target in sorted(graph.edges[module] | graph.typing_edges[module]):
            if in_core(target) and target != PACKAGE and not (target == KERNEL or target.startswith(KERNEL + ".")):
                leaks.append(f"{module} -> {target}")
    return leaks


def report(graph: Graph, *, edges: bool = False) -> str:
    lines = []
    if edges:
        for module in sorted(m for m in graph.modules if in_core(m)):
            runs = sorted(graph.edges[module])
            typing = sorted(graph.typing_edges[module])
            lines.append(f"{module} -> {', '.join(runs) or '-'}"
                         + (f"  (typing: {', '.join(typing)})" if typing else ""))
        lines.append("")
    cycles = graph.cycles()
    leaks = kernel_leaks(graph)
    core = [m for m in graph.modules if in_core(m)]
    core_edges = sum(len({t for t in graph.edges[m] if in_core(t)}) for m in core)
    lines.append(f"bazaar.core: {len(core)} modules, {core_edges} import edges between them "
                 f"(with bazaar.sdk: {len(graph.modules)} modules, {graph.edge_count()} edges); "
                 f"cycles: {len(cycles)} ({sum(len(c) for c in cycles)} modules in cycles), "
                 f"kernel -> outside imports: {len(leaks)}")
    for n, cycle in enumerate(cycles, 1):
        lines.append(f"cycle {n} ({len(cycle)} modules): {', '.join(cycle)}")
    lines += [f"kernel leak: {leak}" for leak in leaks]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout to scan (default: this one)")
    parser.add_argument("--edges", action="store_true", help="print every module -> imports line")
    args = parser.parse_args(argv)
    graph = build(args.repo)
    print(report(graph, edges=args.edges))
    return 1 if graph.cycles() or kernel_leaks(graph) else 0


if __name__ == "__main__":
    sys.exit(main())
