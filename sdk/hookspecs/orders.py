"""Order hooks: vetoes on transitions (the after-transition side is the event hook)."""

from __future__ import annotations

from bazaar.sdk.hookspecs import hookspec
from bazaar.sdk.types import HookContext, Objection, OrderSnapshot


@hookspec
def bazaar_order_transition_objections(
    ctx: HookContext, order: OrderSnapshot, event: str, to_state: str
) -> Objection | str | None:
    """Veto an order transition (may be async); after it, the new state's typed event is emitted."""
