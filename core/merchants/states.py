"""The merchant status machine: one explicit table of allowed transitions."""

from __future__ import annotations

from enum import StrEnum

from bazaar.sdk.errors import InvalidTransition


class MerchantStatus(StrEnum):
    pending = "pending"
    active = "active"
    restricted = "restricted"  # sells what is live, lists nothing new
    suspended = "suspended"  # nothing visible or sellable
    closed = "closed"


S = MerchantStatus

TRANSITIONS: dict[MerchantStatus, frozenset[MerchantStatus]] = {
    S.pending: frozenset({S.active, S.closed}),
    S.active: frozenset({S.restricted, S.suspended, S.closed}),
    S.restricted: frozenset({S.active, S.suspended, S.closed}),
    S.suspended: frozenset({S.active, S.restricted, S.closed}),
    S.closed: frozenset(),
}

#: statuses whose live products storefronts show and sell
SELLING = frozenset({S.active, S.restricted})
#: statuses that may list new products
LISTING = frozenset({S.active})


def transition(current: str, to: str) -> MerchantStatus:
    """The new status, or ``409 invalid_transition`` when the table does not allow it."""
    try:
        frm, target = MerchantStatus(current), MerchantStatus(to)
    except ValueError:
        raise InvalidTransition(f"unknown merchant status {to!r}") from None
    if target not in TRANSITIONS[frm]:
        raise InvalidTransition(
            f"a {frm} merchant cannot become {target}",
            extra={"from": str(frm), "to": str(target), "allowed": sorted(TRANSITIONS[frm])},
        )
    return target
