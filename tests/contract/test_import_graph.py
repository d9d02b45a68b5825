"""The core is acyclic and layered: the kernel imports no domain, nothing imports the root.

The graph is read from source (``docs/gen_import_graph.py``, an ``ast`` scan of every module
of ``bazaar.core`` and ``bazaar.sdk``), function-local imports included. Print it with
``python docs/gen_import_graph.py --edges``.
"""

from __future__ import annotations

import runpy
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GRAPH = runpy.run_path(str(REPO / "docs" / "gen_import_graph.py"))
ROOT = "bazaar.core.root"


def graph():
    return GRAPH["build"](REPO)


def test_the_import_graph_of_the_core_has_no_cycle():
    cycles = graph().cycles()
    assert cycles == [], "import cycles (python docs/gen_import_graph.py):\n" + "\n".join(
        " -> ".join(c) for c in cycles
    )


def test_the_kernel_imports_no_domain_not_even_for_typing():
    assert GRAPH["kernel_leaks"](graph()) == []


def test_only_entry_points_import_the_composition_root():
    g = graph()
    # the root's own modules, and the test kit (an entry point for tests) may
    allowed = {m for m in g.modules if m == ROOT or m.startswith(ROOT + ".") or m.startswith("bazaar.sdk.testing")}
    users = sorted(
        f"{m} -> {t}"
        for m in g.modules - allowed
        for t in g.edges[m] | g.typing_edges[m]
        if t == ROOT or t.startswith(ROOT + ".")
    )
    assert users == []


def test_every_core_domain_is_a_built_in_plugin_of_the_root():
    from bazaar.core.root import BUILTINS

    domains = sorted(p.parent.name for p in (REPO / "core").glob("*/piccolo_app.py") if p.parent.name != "kernel")
    assert sorted(p.id for p in BUILTINS) == [f"core.{d}" for d in domains]
    assert all(p.piccolo_app == f"bazaar.core.{p.id.split('.', 1)[1]}.piccolo_app" for p in BUILTINS)


def test_the_scan_sees_function_local_type_checking_and_relative_imports(tmp_path):
    """The checks above would pass on an empty graph: show the scanner finds each kind of edge."""
    kernel = tmp_path / "core" / "kernel"
    orders = tmp_path / "core" / "orders"
    for folder in (kernel, orders, tmp_path / "sdk"):
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text("")
    (tmp_path / "core" / "__init__.py").write_text("")
    (kernel / "runtime.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from bazaar.core.orders.service import x\n"
    )
    (kernel / "app.py").write_text("def f():\n    from bazaar.core.orders import service\n")
    (orders / "service.py").write_text("from . import states\n\ndef g():\n    from bazaar.core.kernel.app import f\n")
    (orders / "states.py").write_text("")
    g = GRAPH["build"](tmp_path)
    assert g.edges["bazaar.core.orders.service"] == {"bazaar.core.orders.states", "bazaar.core.kernel.app",
                                                     "bazaar.core.kernel"}
    assert g.typing_edges["bazaar.core.kernel.runtime"] == {"bazaar.core.orders.service", "bazaar.core.orders"}
    assert g.cycles() == [["bazaar.core.kernel.app", "bazaar.core.orders.service"]]
    assert GRAPH["kernel_leaks"](g) == [
        "bazaar.core.kernel.app -> bazaar.core.orders",
        "bazaar.core.kernel.app -> bazaar.core.orders.service",
        "bazaar.core.kernel.runtime -> bazaar.core.orders",
        "bazaar.core.kernel.runtime -> bazaar.core.orders.service",
    ]
