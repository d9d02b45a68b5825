"""Piccolo's configuration module (``PICCOLO_CONF``): the engine in force and every app.

The kernel replaces ``DB`` when it binds a database, so Piccolo's own machinery
(migrations) always talks to the engine the app runs on.
"""

from __future__ import annotations

from piccolo.conf.apps import AppRegistry
from piccolo.engine.sqlite import SQLiteEngine

DB = SQLiteEngine(path="bazaar.sqlite3")

def _apps() -> list[str]:
    from bazaar.core.kernel.plugins import discover
    from bazaar.core.registry import CORE_APPS

    plugin_apps = sorted({p.piccolo_app for p in discover().values() if p.piccolo_app})
    return [*CORE_APPS, *plugin_apps]


APP_REGISTRY = AppRegistry(apps=_apps())
