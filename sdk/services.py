"""The core service facades a plugin may call (plugins never import core internals directly).

* ``merchants.transition(rt, merchant_id, to, *, reason, actor_id=None, plugin=None)``
* ``catalogue.approve_listing / reject_listing / take_down / listing_snapshot``
* ``orders.transition(rt, order_id, event, *, actor_id=None, actor_kind="user", plugin=None, reason=None)``,
  ``orders.ship``, ``orders.set_aftersales_open``, ``orders.order_snapshot``
* ``orders.shipping_address(rt, order_id)`` (decrypted, for booking a carrier), ``orders.stock_lines``,
  ``orders.priced_lines`` (``(sku_id, quantity, unit_price_minor)``)
* ``restock(rt, order_id, lines, *, reason, plugin=None, actor_id=None)``: returned goods back on hand
* ``checkout.checkout_snapshot(rt, checkout_id)``
* ``cipher(rt)``: encrypt and decrypt personal data with the configured keys
* ``sql_migration``: hand-written raw-SQL migrations (indexes, triggers) for a plugin's app
* ``register_command(name, configure, run)``: a ``bazaar <name>`` sub-command, and
  ``settings_from_args(args)`` for its settings (``--config``, ``--demo``, environment)
"""

from collections.abc import Callable
from typing import Any

from bazaar.core.catalogue import service as catalogue
from bazaar.core.checkout import service as checkout
from bazaar.core.kernel.cli import COMMANDS, settings_from_args
from bazaar.core.kernel.migrations import sql_migration
from bazaar.core.merchants import service as merchants
from bazaar.core.orders import service as orders
from bazaar.core.users.service import cipher


async def restock(rt: Any, order_id: str, lines: list[tuple[str, int]], *, reason: str, plugin: str | None = None,
                  actor_id: str | None = None) -> None:
    """Put goods of ``order_id`` that came back on hand again (``(sku_id, quantity)`` lines of the order)."""
    await orders.restock(rt, order_id, lines, reason=reason, plugin=plugin, actor_id=actor_id)


def register_command(name: str, configure: Callable[[Any], None], run: Callable[[Any], int]) -> None:
    """Add ``bazaar <name>``: ``configure(argparse parser)`` then ``run(args) -> exit code``."""
    COMMANDS[name] = (configure, run)


__all__ = [
    "catalogue",
    "checkout",
    "cipher",
    "merchants",
    "orders",
    "register_command",
    "restock",
    "settings_from_args",
    "sql_migration",
]
