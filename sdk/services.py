"""The core service facades a plugin may call (plugins never import core internals directly).

* ``merchants.transition(rt, merchant_id, to, *, reason, actor_id=None, plugin=None)``
* ``catalogue.approve_listing / reject_listing / take_down / listing_snapshot``
* ``orders.transition(rt, order_id, event, *, actor_id=None, actor_kind="user", plugin=None, reason=None)``,
  ``orders.ship``, ``orders.set_aftersales_open``, ``orders.order_snapshot``, ``orders.order_lines``
* ``is_merchant_staff(rt, merchant_id, user_id)``: whether a user is the owner or staff of a store now
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


async def is_merchant_staff(rt: Any, merchant_id: str, user_id: str) -> bool:
    """Whether ``user_id`` is the owner or a staff member of ``merchant_id`` now."""
    return await merchants.is_staff(rt, merchant_id, user_id)


def register_command(name: str, configure: Callable[[Any], None], run: Callable[[Any], int]) -> None:
    """Add ``bazaar <name>``: ``configure(argparse parser)`` then ``run(args) -> exit code``."""
    COMMANDS[name] = (configure, run)


__all__ = [
    "catalogue",
    "checkout",
    "cipher",
    "is_merchant_staff",
    "merchants",
    "orders",
    "register_command",
    "settings_from_args",
    "sql_migration",
]
