from bazaar.core.kernel.migrations import sql_migration

ID = "2026-11-22T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "movement list index"

forwards = sql_migration(
    "inventory",
    ID,
    DESCRIPTION,
    ["CREATE INDEX IF NOT EXISTS inventory_movement_sku_at ON inventory_movement (sku_id, at, id)"],
)
