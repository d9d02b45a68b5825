"""The ``logistics`` plugin as a Piccolo app: shipments, parcels, tracking, ship-by, sandbox carrier."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="logistics",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(
        ["bazaar.plugins.logistics.tables", "bazaar.plugins.logistics.carriers.sandbox.tables"],
        exclude_imported=True,
    ),
    migration_dependencies=[],
    commands=[],
)
