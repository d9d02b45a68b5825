"""What carriers and tracking aggregators exchange with Bazaar (``CarrierProvider``'s types).

A carrier adapter turns its own vocabulary into these Structs: a waybill request goes out,
a :class:`Waybill` (number and printable label) comes back; a tracking push comes in as
raw bytes and leaves the adapter as a :class:`Push` of normalised :class:`TrackingEvent`
items. Statuses and delivery proofs are closed vocabularies so every adapter means the
same thing by ``delivered`` or ``locker_without_consent``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from bazaar.sdk.money import Money

#: the normalised parcel vocabulary, in the order a parcel normally moves through it
TrackingStatus = Literal[
    "info_received",  # waybill created, nothing scanned yet
    "picked_up",  # the carrier's first scan (揽收): the hand-over
    "in_transit",
    "out_for_delivery",
    "delivery_failed",  # an attempt failed (nobody home, address problem)
    "delivered",  # signed for, or dropped where allowed; see ``proof``
    "refused",  # the recipient refused the parcel (拒签)
    "returning",  # on its way back to the sender
    "returned",  # back with the sender
    "lost",  # the carrier declared it lost or destroyed
    "intercepted",  # the carrier stopped it on request and returns it
    "intercept_failed",  # the carrier could not stop it
    "exception",  # a problem the carrier reports without an outcome (疑难)
    "unknown",  # a code the adapter does not know (kept raw, never moves a parcel)
]

#: how a delivery was proven (ECL 51; Express Market Rules 2024 on lockers and stations)
ProofKind = Literal[
    "recipient_signed",
    "proxy_signed",
    "locker_with_consent",
    "locker_without_consent",
    "operator_manual",
]

PROOF_KINDS: tuple[str, ...] = (
    "recipient_signed", "proxy_signed", "locker_with_consent", "locker_without_consent", "operator_manual",
)


class Recipient(msgspec.Struct, frozen=True, kw_only=True):
    """Where a parcel goes. Personal data: adapters send it to the carrier, labels mask it."""

    name: str
    phone: str
    country: str
    region: str | None = None
    city: str | None = None
    line1: str = ""
    line2: str | None = None
    postcode: str | None = None


class WaybillRequest(msgspec.Struct, frozen=True, kw_only=True):
    """Book a parcel with a carrier. ``ref`` (our parcel id) makes the call idempotent."""

    ref: str
    carrier: str
    sender_name: str
    recipient: Recipient
    #: cash the carrier collects on delivery (COD), if any
    cod_amount: Money | None = None
    weight_grams: int | None = None
    description: str = ""
    #: print masked name and phone on the label (``waybill.mask_pii``); never an ID number
    mask_pii: bool = True


class Waybill(msgspec.Struct, frozen=True, kw_only=True):
    """A booked parcel: its number and, when the carrier prints one, the label."""

    carrier: str
    waybill: str
    label: bytes | None = None
    label_content_type: str = "application/pdf"


class TrackingEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One scan, normalised. ``(carrier, waybill, at, code)`` identifies it for deduplication."""

    carrier: str
    waybill: str
    at: datetime
    #: the carrier's own status code, kept as sent (e.g. Kuaidi100 ``"304"``)
    code: str
    status: TrackingStatus
    description: str = ""
    location: str | None = None
    #: only on ``delivered``
    proof: ProofKind | None = None


class Push(msgspec.Struct, frozen=True, kw_only=True):
    """A verified, parsed tracking push and what to answer the carrier."""

    events: tuple[TrackingEvent, ...]
    #: ``True`` when the push carries the parcel's whole history (Kuaidi100), not one change
    snapshot: bool = False
    #: the aggregator's control status (``polling``, ``shutdown``, ``abort``) when it sends one
    control: str | None = None
    control_message: str | None = None
    #: the body and content type the carrier expects back on success
    reply: bytes = b'{"ok":true}'
    reply_content_type: str = "application/json"


class BadPush(Exception):
    """A push that failed verification or parsing; ``code`` is ``bad_signature``, ``stale`` or ``malformed``."""

    def __init__(self, code: Literal["bad_signature", "stale", "malformed"], detail: str) -> None:
        self.code = code
        super().__init__(detail)


__all__ = [
    "PROOF_KINDS",
    "BadPush",
    "ProofKind",
    "Push",
    "Recipient",
    "TrackingEvent",
    "TrackingStatus",
    "Waybill",
    "WaybillRequest",
]
