"""The one way a payments row changes state: through its machine's table (``states.py``).

:func:`move` applies an event to a row already loaded (and locked) in the caller's
transaction, writes the new state with any other columns, and answers the new state;
``409 invalid_transition`` when the table refuses and nothing is written.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bazaar.plugins.payments.states import INSTRUCTION, ORDER_MONEY, PAYMENT
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.states import StateMachine

#: machine -> (table, key column, state column)
WHERE: dict[str, tuple[str, str, str]] = {
    PAYMENT.name: ("payments_payment", "id", "state"),
    ORDER_MONEY.name: ("payments_order", "order_id", "state"),
    INSTRUCTION.name: ("payments_instruction", "id", "status"),
}


async def move(
    rt: PluginRuntime, machine: StateMachine[Any, Any], row: dict[str, Any], event: StrEnum, **changes: Any
) -> StrEnum:
    """Apply ``event`` to ``row`` (a row of ``machine``'s table) and write the new state and ``changes``."""
    table, key, column = WHERE[machine.name]
    to: StrEnum = machine.transition(row[column], event)
    sets = {column: to, **changes}
    assignments = ", ".join(f"{name} = {{}}" for name in sets)
    await rt.db.execute(f"UPDATE {table} SET {assignments} WHERE {key} = {{}}", *sets.values(), row[key])
    return to
