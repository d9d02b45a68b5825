"""The core as a Piccolo app: its tables and migrations (applied before any plugin's)."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig, table_finder

CORE_TABLE_MODULES = [
    "bazaar.core.kernel.tables",
]

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(CORE_TABLE_MODULES, exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
