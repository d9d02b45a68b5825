"""The ``logistics.cod`` plugin as a Piccolo app (``logistics_cod``): collections, remittances, exceptions."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="logistics_cod",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(["bazaar.plugins.logistics.cod.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
