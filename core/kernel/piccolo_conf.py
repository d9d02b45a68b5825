"""Piccolo's configuration module at run time (``PICCOLO_CONF``): the engine and the apps in force.

The kernel replaces ``DB`` when it binds a database and ``APP_REGISTRY`` when a runtime
loads its apps (:func:`bazaar.core.kernel.migrations.register_apps`), so Piccolo's own
machinery (migrations) always talks to the engine and the apps the app runs on. For
Piccolo's command line (``piccolo migrations new <app> --auto``) use
``PICCOLO_CONF=bazaar.core.root.piccolo_conf``, which lists every installed app.
"""

from __future__ import annotations

from piccolo.conf.apps import AppRegistry
from piccolo.engine.sqlite import SQLiteEngine

DB = SQLiteEngine(path="bazaar.sqlite3")

APP_REGISTRY = AppRegistry(apps=["bazaar.core.kernel.piccolo_app"])
