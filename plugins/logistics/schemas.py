"""Structs in and out of the logistics API (inbound ones refuse unknown fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from bazaar.sdk.money import Money

Id = Annotated[str, Meta(min_length=1, max_length=40)]
WaybillNo = Annotated[str, Meta(pattern=r"^[A-Za-z0-9-]{6,32}$")]
Note = Annotated[str, Meta(max_length=500)]


class _In(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class LineIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    sku_id: Id
    quantity: Annotated[int, Meta(ge=1, le=100_000)]


class ParcelIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    #: a waybill the merchant already has (self-booked, or a carrier tracked through an aggregator);
    #: leave it out to book one through the carrier (``POST .../labels``)
    waybill_no: WaybillNo | None = None


class ShipmentCreate(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    lines: Annotated[list[LineIn], Meta(min_length=1, max_length=200)]
    carrier: Annotated[str, Meta(min_length=1, max_length=20)]
    parcels: Annotated[list[ParcelIn], Meta(min_length=1, max_length=20)] = msgspec.field(
        default_factory=lambda: [ParcelIn()]
    )


class NoteIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    note: Note = ""


class ConsentIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: Literal["ship_late", "locker"]
    note: Note = ""


class ProofIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An operator records a delivery the carrier did not report (``operator_manual``)."""

    at: Annotated[datetime, Meta(tz=True)]
    note: Annotated[str, Meta(min_length=1, max_length=500)]


class LostIn(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    parcel_id: Id
    reason: Literal["lost", "damaged"] = "lost"
    note: Note = ""


class ClaimResolve(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    outcome: Literal["settled", "rejected"]
    note: Annotated[str, Meta(min_length=1, max_length=500)]


class FlagResolve(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    outcome: Literal["confirmed", "cleared"]
    note: Annotated[str, Meta(min_length=1, max_length=500)]


class UnknownResolve(_In, frozen=True, kw_only=True, forbid_unknown_fields=True):
    note: Annotated[str, Meta(min_length=1, max_length=500)]


# --- out ----------------------------------------------------------------------------------


class Deadline(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    due_at: datetime
    calendar_version: str | None = None


class ScanOut(msgspec.Struct, frozen=True, kw_only=True):
    at: datetime
    #: ``at`` in the reader's zone (``?tz=``, default the marketplace calendar's)
    local_time: str
    status: str
    code: str
    description: str
    location: str | None = None
    proof: str | None = None


class ParcelOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    carrier: str
    waybill_no: str | None
    status: str
    status_at: datetime | None
    delivery_proof: str | None
    counts_as_delivery: bool | None
    first_scan_at: datetime | None
    label_url: str | None = None
    events: list[ScanOut] | None = None


class ShipmentOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    order_id: str
    merchant_id: str
    state: str
    carrier: str
    lines: list[tuple[str, int]]
    parcels: list[ParcelOut]
    ship_by: datetime | None
    on_time: bool | None
    handed_over_at: datetime | None
    by_scan: bool
    delivered_at: datetime | None
    proof: str | None
    counts_as_delivery: bool | None
    case_id: str | None
    allowed_actions: list[str]
    deadlines: list[Deadline]
    created_at: datetime


class ToShip(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str
    state: str
    ship_by: datetime | None
    payment_kind: str
    total: Money
    consent_to_ship_late: bool
    started_at: datetime


class OrderTracking(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str
    ship_by: datetime | None
    state: str | None
    on_time: bool | None
    shipments: list[ShipmentOut]
    allowed_actions: list[str]
    deadlines: list[Deadline]


class ConsentOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    order_id: str
    kind: str
    given_at: datetime


class CarrierOut(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name: str
    provider: str
    cod_supported: bool
    books_labels: bool
