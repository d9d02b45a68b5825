"""The settings a ``bazaar`` command runs with: the config file, the environment, and ``--demo``."""

from __future__ import annotations

import argparse
import os
from typing import Any

from bazaar.core.demo import DEMO_PLUGINS, demo_state
from bazaar.core.kernel.config import Settings, load_settings

DEMO_DB = "sqlite:///bazaar-demo.sqlite3"


def demo_overrides() -> dict[str, Any]:
    """``--demo``: a SQLite file here, every built-in plugin with its ``cn`` preset."""
    state = demo_state()
    key = state["encryption_key"]
    sandbox = {"allow_sandbox": True, "sandbox": {"secret": state["sandbox_secret"]}}
    return {
        "database": {"url": os.environ.get("BAZAAR_DATABASE_URL", DEMO_DB)},
        "plugins": {"enabled": DEMO_PLUGINS, "payments": {"escrow": sandbox, "instant": sandbox},
                    "logistics": {"allow_sandbox": True, "sandbox": {"secret": state["sandbox_secret"]}}},
        "security": {"encryption_keys": {"demo": key}, "active_key_id": "demo"},
    }


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings for a command: the config file, the environment, and ``--demo`` if given."""
    overrides = demo_overrides() if getattr(args, "demo", False) else None
    return load_settings(args.config, overrides=overrides)
