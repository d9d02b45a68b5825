"""What a plugin's demo seeder receives (``Plugin(demo=seed)``, run by ``bazaar serve --demo``).

The core seeds its own demo data first (operator, merchants, catalogue, customers), then
calls each enabled plugin's ``demo(rt, demo)`` once, in dependency order, inside no
transaction (open your own units of work). Seeders must be idempotent: a second
``serve --demo`` calls them again on the same database.
"""

from __future__ import annotations

from typing import Protocol


class DemoContext(Protocol):
    """Ids of the core's demo data, and a way to buy something as a demo customer."""

    operator_id: str
    #: ``"merchant"`` (Lotus Electronics), ``"merchant2"`` (Green Tea House), ``"pending_merchant"``
    merchant_ids: dict[str, str]
    #: ``"customer"`` (alice), ``"customer2"`` (bob)
    customer_ids: dict[str, str]

    async def buy(self, customer: str, merchant: str, *, lines: int = 1, quantity: int = 1,
                  payment_method: str | None = None, pay: bool = True) -> list[str]:
        """Check out ``lines`` in-stock SKUs of ``merchant`` as ``customer``; pay when ``pay``; return the order ids."""
        ...

    async def run_due(self) -> int:
        """Run the timers and event deliveries that fell due (e.g. after scanning a demo parcel); how many ran."""
        ...


__all__ = ["DemoContext"]
