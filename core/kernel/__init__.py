"""The kernel: config, plugin manager, hooks, database, outbox, timers, app and CLI."""
