"""Piccolo's configuration module (``PICCOLO_CONF``): the engine in force and every app.

The kernel replaces ``DB`` when it binds a database, so Piccolo's own machinery
(migrations) always talks to the engine the app runs on.
"""

from __future__ import annotations

from piccolo.conf.apps import AppRegistry
from piccolo.engine.sqlite import SQLiteEngine

DB = SQLiteEngine(path="bazaar.sqlite3")

APP_REGISTRY = AppRegistry(apps=["bazaar.core.piccolo_app"])
