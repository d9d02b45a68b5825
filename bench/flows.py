"""Stateful flows (checkout through to paid, browse-then-buy): plugin set and orchestration.

The flows need ``payments.escrow`` with its sandbox provider; until that plugin is
installed they are reported as not measured. The driver itself is ``bench/buyer.py``.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

#: plugins the bench enables when installed: the example plugin (timers, outbox) and escrow
WANTED = ("hello", "payments.escrow")


def installed() -> set[str]:
    return {ep.name for ep in entry_points(group="bazaar.plugins")}


def plugins_available() -> list[str]:
    have = installed()
    return [p for p in WANTED if p in have]


def plugin_settings(plugins: list[str]) -> dict[str, dict[str, object]]:
    return {}


def run_all(bench: Any, config: Path, files: Path, url: str) -> str | None:
    """Checkout-to-paid and mixed browse-then-buy; a note when they cannot run."""
    if bench.args.skip_flows:
        return "flows skipped (--skip-flows)"
    if "payments.escrow" not in bench.r.plugins:
        return "checkout-to-paid and mixed: not measured (payments.escrow is not installed yet)"
    return "checkout-to-paid and mixed: not implemented yet"
