"""The plugin as a Piccolo app: ``app_name`` is the plugin id; tables and migrations."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="aftersales",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(["bazaar.plugins.aftersales.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
