from bazaar.core.kernel.migrations import sql_migration

ID = "2026-11-29T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "login throttle counters: one row per email and per address, counted atomically before verifying"

forwards = sql_migration(
    "users",
    ID,
    DESCRIPTION,
    [
        "CREATE TABLE IF NOT EXISTS core_login_throttle (key VARCHAR(320) PRIMARY KEY, "
        "attempts INTEGER NOT NULL, window_start BIGINT NOT NULL)",
    ],
)
