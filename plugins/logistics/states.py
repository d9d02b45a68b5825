"""The shipment machine and the parcel status order.

A **shipment** is the merchant's act (what leaves for one order, in one or more parcels);
a **parcel** carries the carrier's normalised status, which only ever moves forward and
never moves the shipment backwards::

    pending --pack--> packed --hand_over--> handed_over --deliver--> delivered
       |                 |                      |--refuse--> refused --return--> returning --receive_return--> returned
       +--cancel---------+--cancel--> cancelled +--lose----> lost        ^
                                                +--return (intercepted)--+
"""

from __future__ import annotations

from enum import StrEnum

from bazaar.sdk.states import StateMachine


class ShipmentState(StrEnum):
    pending = "pending"
    packed = "packed"
    handed_over = "handed_over"
    delivered = "delivered"
    refused = "refused"
    lost = "lost"
    returning = "returning"
    returned = "returned"
    cancelled = "cancelled"


class ShipmentEvent(StrEnum):
    pack = "pack"
    hand_over = "hand_over"
    deliver = "deliver"
    refuse = "refuse"
    lose = "lose"
    return_ = "return"
    receive_return = "receive_return"
    cancel = "cancel"


S, E = ShipmentState, ShipmentEvent

SHIPMENT: StateMachine[ShipmentState, ShipmentEvent] = StateMachine(
    "logistics.shipment",
    ShipmentState,
    ShipmentEvent,
    {
        (S.pending, E.pack): S.packed,
        (S.pending, E.hand_over): S.handed_over,
        (S.pending, E.cancel): S.cancelled,
        (S.packed, E.hand_over): S.handed_over,
        (S.packed, E.cancel): S.cancelled,
        (S.handed_over, E.deliver): S.delivered,
        (S.handed_over, E.refuse): S.refused,
        (S.handed_over, E.lose): S.lost,
        (S.handed_over, E.return_): S.returning,
        (S.refused, E.return_): S.returning,
        (S.refused, E.receive_return): S.returned,
        (S.returning, E.receive_return): S.returned,
        (S.returning, E.lose): S.lost,
    },
    actors={
        E.pack: {"merchant"},
        E.hand_over: {"merchant"},
        E.cancel: {"merchant", "operator"},
        E.deliver: {"operator"},
        E.lose: {"operator"},
        E.receive_return: {"merchant"},
    },
    final={S.delivered, S.returned, S.cancelled, S.lost},
    initial=S.pending,
    noun="shipment",
)

#: shipments that still hold the order open (not yet out of the merchant's hands)
NOT_SHIPPED = frozenset({S.pending, S.packed})

# --- parcels ------------------------------------------------------------------------------

#: rank of each normalised status: the roll-up moves only to a higher rank (or, at the same
#: rank, to a later scan); the log keeps everything
RANK: dict[str, int] = {
    "info_received": 0,
    "picked_up": 1,
    "exception": 2,
    "in_transit": 2,
    "out_for_delivery": 3,
    "delivery_failed": 3,
    "intercepted": 4,
    "delivered": 5,
    "refused": 5,
    "returning": 6,
    "lost": 7,
    "returned": 8,
}
#: statuses after which nothing rolls a parcel up any more
FINAL_PARCEL = frozenset({"delivered", "lost", "returned"})
#: statuses that never roll up (answers and noise, kept in the log only)
NO_ROLLUP = frozenset({"unknown", "intercept_failed"})
#: scans that prove the carrier has the parcel (the hand-over)
CARRIER_HAS_IT = frozenset(RANK) - {"info_received"}


def moves_forward(current: str, current_at: object, new: str, new_at: object) -> bool:
    """Whether a scan ``new`` at ``new_at`` rolls a parcel at ``current`` forward."""
    if new in NO_ROLLUP or new not in RANK or current in FINAL_PARCEL:
        return False
    have, want = RANK.get(current, -1), RANK[new]
    if want != have:
        return want > have
    return new != current and current_at is not None and new_at > current_at  # type: ignore[operator]
