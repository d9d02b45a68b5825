"""Piccolo's configuration for its command line: every installed app, the engine of ``bazaar.sqlite3``.

    PICCOLO_CONF=bazaar.core.root.piccolo_conf piccolo migrations new hello --auto

A running Bazaar uses the kernel's module instead (``bazaar.core.kernel.piccolo_conf``), which
the runtime points at its own engine and apps.
"""

from __future__ import annotations

from piccolo.conf.apps import AppRegistry
from piccolo.engine.sqlite import SQLiteEngine

from bazaar.core.root.builtins import installed_app_modules

DB = SQLiteEngine(path="bazaar.sqlite3")

APP_REGISTRY = AppRegistry(apps=installed_app_modules())
