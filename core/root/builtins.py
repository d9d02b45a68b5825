"""The core's domains as built-in plugins, and the runtime built with them."""

from __future__ import annotations

from collections.abc import Iterable

from bazaar.core.catalogue.plugin import plugin as catalogue
from bazaar.core.checkout.plugin import plugin as checkout
from bazaar.core.inventory.plugin import plugin as inventory
from bazaar.core.kernel.clock import Clock
from bazaar.core.kernel.config import Settings, load_settings
from bazaar.core.kernel.migrations import KERNEL_APP
from bazaar.core.kernel.plugins import PluginHost, discover
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.merchants.plugin import plugin as merchants
from bazaar.core.orders.plugin import plugin as orders
from bazaar.core.users.plugin import plugin as users
from bazaar.sdk.plugin import Plugin

#: the core's domains in dependency order: the order they load, listen and migrate in
BUILTINS: tuple[Plugin, ...] = (users, merchants, catalogue, inventory, checkout, orders)


def build_runtime(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    extra_plugins: Iterable[Plugin] = (),
    discover_installed: bool = True,
) -> Runtime:
    """The runtime of a Bazaar: the kernel, the core's domains, and the enabled plugins
    (installed ones when ``discover_installed``, plus ``extra_plugins``)."""
    return Runtime(
        settings or load_settings(),
        clock=clock,
        builtins=BUILTINS,
        extra_plugins=extra_plugins,
        discover_installed=discover_installed,
    )


def build_host(settings: Settings) -> PluginHost:
    """The plugin host alone (built-ins and enabled plugins), for commands that list or check."""
    return PluginHost.build(settings, builtins=BUILTINS)


def installed_app_modules() -> list[str]:
    """Every Piccolo app that can be in force: the kernel's, the built-ins' (in order), then
    every installed plugin's (enabled or not, by id)."""
    modules = [KERNEL_APP, *(p.piccolo_app for p in BUILTINS if p.piccolo_app)]
    plugin_apps = sorted({p.piccolo_app for p in discover().values() if p.piccolo_app})
    return modules + [m for m in plugin_apps if m not in modules]
