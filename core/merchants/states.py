"""The merchant status machine: one explicit table of ``(status, event) -> status``.

::

    pending        --activate--> active
    active         --restrict--> restricted   --suspend--> suspended
    restricted     --restore---> active       --suspend--> suspended
    suspended      --restore---> active       --restrict-> restricted
    any but closed --close-----> closed

Operators change a status by hand (naming the status they want: the route maps it to
the event); plugins (qualification) through the core's facade.
"""

from __future__ import annotations

from enum import StrEnum

from bazaar.sdk.states import StateMachine


class MerchantStatus(StrEnum):
    pending = "pending"
    active = "active"
    restricted = "restricted"  # sells what is live, lists nothing new
    suspended = "suspended"  # nothing visible or sellable
    closed = "closed"


class MerchantEvent(StrEnum):
    activate = "activate"  # a pending application is accepted
    restrict = "restrict"  # no new listings (a sanction, a lapsed verification)
    suspend = "suspend"  # nothing visible or sellable
    restore = "restore"  # back to active after a restriction or suspension
    close = "close"  # the store ends (termination, or the owner leaves)


S, E = MerchantStatus, MerchantEvent

TRANSITIONS: dict[tuple[MerchantStatus, MerchantEvent], MerchantStatus] = {
    (S.pending, E.activate): S.active,
    (S.pending, E.close): S.closed,
    (S.active, E.restrict): S.restricted,
    (S.active, E.suspend): S.suspended,
    (S.active, E.close): S.closed,
    (S.restricted, E.restore): S.active,
    (S.restricted, E.suspend): S.suspended,
    (S.restricted, E.close): S.closed,
    (S.suspended, E.restore): S.active,
    (S.suspended, E.restrict): S.restricted,
    (S.suspended, E.close): S.closed,
}

#: statuses whose live products storefronts show and sell
SELLING = frozenset({S.active, S.restricted})
#: statuses that may list new products
LISTING = frozenset({S.active})

MERCHANT = StateMachine(
    "merchants.merchant",
    MerchantStatus,
    MerchantEvent,
    TRANSITIONS,
    actors={event: {"operator", "system"} for event in MerchantEvent},
    final={S.closed},
    initial=S.pending,
    noun="merchant",
)
