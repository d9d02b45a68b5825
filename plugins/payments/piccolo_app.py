"""The payments plugins as one Piccolo app (``payments``): ledger, instructions, sandbox."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="payments",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(
        ["bazaar.plugins.payments.tables", "bazaar.plugins.payments.providers.sandbox.tables"],
        exclude_imported=True,
    ),
    migration_dependencies=[],
    commands=[],
)
