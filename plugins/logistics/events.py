"""The typed events of ``logistics`` and ``logistics.cod`` (tags fixed by the cross-plugin contract).

Consumers: qualification's credit rating (``shipment.late``), after-sales
(``shipment.intercepted`` / ``intercept_failed``, ``return_parcel.status_changed``), the
operator's webhooks (everything). Evolution rule: only add fields, each with a default.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from bazaar.sdk.events import Event
from bazaar.sdk.money import Money

ProofName = Literal["recipient_signed", "proxy_signed", "locker_with_consent", "locker_without_consent",
                    "operator_manual"]


class _ShipmentFact(Event, frozen=True, kw_only=True):
    order_id: str
    shipment_id: str
    merchant_id: str
    subject_field = "shipment_id"


class ShipmentCreated(_ShipmentFact, frozen=True, kw_only=True, tag="shipment.created"):
    """A merchant created a shipment for (part of) an order: ``lines`` are ``(sku_id, quantity)``."""

    lines: tuple[tuple[str, int], ...] = ()
    carrier: str | None = None
    replacement_for_case: str | None = None


class ShipmentHandedOver(_ShipmentFact, frozen=True, kw_only=True, tag="shipment.handed_over"):
    """The shipment left the merchant: ``by_scan`` true when the carrier's first scan proved it,
    false when only the merchant's click and the waybill did (Taobao dispute rules Art. 25)."""

    handed_over_at: datetime
    by_scan: bool
    ship_by: datetime | None = None
    on_time: bool | None = None
    carrier: str | None = None
    waybills: tuple[str, ...] = ()


class ShipmentDelivered(_ShipmentFact, frozen=True, kw_only=True, tag="shipment.delivered"):
    """Every parcel of the shipment was delivered; ``counts_as_delivery`` says whether the proof
    counts under ``delivery_proof.counts`` (a locker drop without consent does not in ``cn``)."""

    proof: ProofName
    counts_as_delivery: bool
    delivered_at: datetime


class ShipmentRefused(_ShipmentFact, frozen=True, kw_only=True, tag="shipment.refused"):
    """The recipient refused a parcel of the shipment at the door."""

    refused_at: datetime
    waybill: str | None = None


class ShipmentLost(_ShipmentFact, frozen=True, kw_only=True, tag="shipment.lost"):
    """A parcel was declared lost (by the carrier, or by an operator); a carrier claim opens."""

    lost_at: datetime
    waybill: str | None = None
    claim_id: str | None = None


class ShipmentLate(Event, frozen=True, kw_only=True, tag="shipment.late"):
    """An order passed its ship-by deadline without being handed over (credit rating input)."""

    order_id: str
    ship_by: datetime
    breached_at: datetime
    #: always set by this plugin; optional so that a carrier-side or imported breach naming only the order decodes
    merchant_id: str | None = None
    subject_field = "order_id"


class ShipmentIntercepted(Event, frozen=True, kw_only=True, tag="shipment.intercepted"):
    """The carrier stopped the order's parcels and returns them."""

    order_id: str
    interception_id: str
    case_id: str | None = None
    merchant_id: str | None = None
    subject_field = "order_id"


class ShipmentInterceptFailed(Event, frozen=True, kw_only=True, tag="shipment.intercept_failed"):
    """The carrier could not stop a parcel (already delivered, or refused the request)."""

    order_id: str
    interception_id: str
    case_id: str | None = None
    merchant_id: str | None = None
    reason: str | None = None
    subject_field = "order_id"


class ParcelStatusChanged(Event, frozen=True, kw_only=True, tag="parcel.status_changed"):
    """A parcel's rolled-up status moved forward (never backwards)."""

    parcel_id: str
    order_id: str
    shipment_id: str
    carrier: str
    waybill: str
    from_status: str
    to_status: str
    at: datetime
    subject_field = "parcel_id"


class ReturnParcelStatusChanged(Event, frozen=True, kw_only=True, tag="return_parcel.status_changed"):
    """The buyer's return parcel of an after-sales case moved (``delivered`` = the merchant has it)."""

    case_id: str
    order_id: str
    parcel_id: str
    status: Literal["in_transit", "delivered", "lost"]
    at: datetime
    subject_field = "parcel_id"


class FakeShipmentFlagged(Event, frozen=True, kw_only=True, tag="logistics.fake_shipment_flagged"):
    """A waybill had no carrier scan within ``fake_shipment_hours``: flagged to the operator."""

    order_id: str
    merchant_id: str
    shipment_id: str
    waybill: str
    flag_id: str
    subject_field = "shipment_id"


# --- cash on delivery -------------------------------------------------------------------------


class CodCollected(Event, frozen=True, kw_only=True, tag="cod.collected"):
    """The carrier reported collecting cash on delivery for an order (not yet remitted)."""

    order_id: str
    merchant_id: str
    collection_id: str
    amount: Money
    collected_at: datetime
    subject_field = "order_id"


class CodRemittanceMatched(Event, frozen=True, kw_only=True, tag="cod.remittance_matched"):
    """A remittance line matched an expected collection; the money entered the payments ledger."""

    order_id: str
    merchant_id: str
    collection_id: str
    remittance_id: str
    amount: Money
    fee: Money
    ledger_ref: str | None = None
    subject_field = "order_id"


class CodException(Event, frozen=True, kw_only=True, tag="cod.exception"):
    """A remittance line or an overdue collection needs an operator: ``kind`` is ``short``,
    ``over``, ``missing``, ``unexpected``, ``duplicate`` or ``refused_but_remitted``."""

    exception_id: str
    kind: str
    waybill: str
    order_id: str | None = None
    merchant_id: str | None = None
    remittance_id: str | None = None
    subject_field = "exception_id"


class CodRefusedReturn(Event, frozen=True, kw_only=True, tag="cod.refused_return"):
    """A refused pay-on-delivery parcel of returnable goods became a return: no money moved."""

    order_id: str
    merchant_id: str
    return_id: str
    subject_field = "order_id"


LOGISTICS_EVENTS = (
    ShipmentCreated, ShipmentHandedOver, ShipmentDelivered, ShipmentRefused, ShipmentLost, ShipmentLate,
    ShipmentIntercepted, ShipmentInterceptFailed, ParcelStatusChanged, ReturnParcelStatusChanged,
    FakeShipmentFlagged,
)
COD_EVENTS = (CodCollected, CodRemittanceMatched, CodException, CodRefusedReturn)
