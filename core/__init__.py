"""Bazaar core: the kernel (config, plugins, hooks, data, events, timers, app, CLI) and the commerce core."""

KERNEL_VERSION = "0.1.0"
