"""The kernel as a Piccolo app: outbox, timers, webhook deliveries, idempotency keys, stored files."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="kernel",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(["bazaar.core.kernel.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
