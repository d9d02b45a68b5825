from bazaar.core.kernel.migrations import sql_migration

ID = "2026-11-22T00:50:36:000000"
VERSION = "1.38.0"
DESCRIPTION = "claim and lookup indexes"

forwards = sql_migration(
    "kernel",
    ID,
    DESCRIPTION,
    [
        "CREATE INDEX IF NOT EXISTS kernel_timer_claim ON kernel_timer (status, due_at)",
        "CREATE UNIQUE INDEX IF NOT EXISTS kernel_idempotency_scope_key ON kernel_idempotency (scope, key)",
    ],
)
