"""The ``logistics`` plugin's tables (Piccolo app ``logistics``; every name starts with ``logistics_``).

No foreign keys into the core or other plugins: order, merchant, customer and case ids are
plain columns. The scan log and the raw push log are only ever inserted into.
"""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Boolean, Bytea, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class OrderFacts(Table, tablename="logistics_order"):
    """Per order: the ship-by deadline frozen at payment (COD: at placing) and how it ended."""

    order_id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    customer_id = Varchar(length=40, index=True)
    #: online | cod
    payment_kind = Varchar(length=12)
    payment_provider = Varchar(length=60, null=True, default=None)
    total_minor = BigInt()
    currency = Varchar(length=3)
    started_at = Timestamptz()
    ship_by = Timestamptz(null=True, default=None)
    calendar_version = Varchar(length=20, null=True, default=None)
    #: open -> shipped | late (breached, still unshipped) -> shipped; cancelled
    state = Varchar(length=12, index=True)
    shipped_at = Timestamptz(null=True, default=None)
    on_time = Boolean(null=True, default=None)
    breached_at = Timestamptz(null=True, default=None)
    delivered_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz()


class Consent(Table, tablename="logistics_consent"):
    """A buyer's recorded consent: ``ship_late`` (after the ship-by) or ``locker`` (drop at a locker)."""

    id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, index=True)
    customer_id = Varchar(length=40)
    kind = Varchar(length=20)
    note = Text(default="")
    given_at = Timestamptz()


class Shipment(Table, tablename="logistics_shipment"):
    id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40, index=True)
    customer_id = Varchar(length=40)
    state = Varchar(length=20, index=True)
    carrier = Varchar(length=20)
    #: set when the shipment replaces goods for an after-sales case (exchange)
    case_id = Varchar(length=40, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    packed_at = Timestamptz(null=True, default=None)
    #: the merchant's "shipped" click (not proof of hand-over on its own)
    clicked_at = Timestamptz(null=True, default=None)
    handed_over_at = Timestamptz(null=True, default=None)
    by_scan = Boolean(default=False)
    delivered_at = Timestamptz(null=True, default=None)
    proof = Varchar(length=30, null=True, default=None)
    counts_as_delivery = Boolean(null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None)


class ShipmentLine(Table, tablename="logistics_shipment_line"):
    id = Varchar(length=40, primary_key=True)
    shipment_id = Varchar(length=40, index=True)
    order_id = Varchar(length=40, index=True)
    sku_id = Varchar(length=40)
    quantity = Integer()


class Parcel(Table, tablename="logistics_parcel"):
    """One waybill: outbound (of a shipment) or a buyer's return parcel (of an after-sales case)."""

    id = Varchar(length=40, primary_key=True)
    #: outbound | return
    kind = Varchar(length=10)
    shipment_id = Varchar(length=40, null=True, default=None, index=True)
    order_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40, index=True)
    case_id = Varchar(length=40, null=True, default=None)
    carrier = Varchar(length=20)
    provider = Varchar(length=40)
    waybill = Varchar(length=40, null=True, default=None)
    waybill_at = Timestamptz(null=True, default=None)
    status = Varchar(length=20)
    status_at = Timestamptz(null=True, default=None)
    proof = Varchar(length=30, null=True, default=None)
    first_scan_at = Timestamptz(null=True, default=None)
    interception_id = Varchar(length=40, null=True, default=None)
    created_at = Timestamptz()


class Label(Table, tablename="logistics_label"):
    """The printable label of a parcel, as the carrier rendered it."""

    parcel_id = Varchar(length=40, primary_key=True)
    content_type = Varchar(length=60)
    data = Bytea()
    sha256 = Varchar(length=64)
    created_at = Timestamptz()


class Push(Table, tablename="logistics_push"):
    """Every tracking push as received (raw), with what became of it."""

    id = Varchar(length=40, primary_key=True)
    provider = Varchar(length=40, index=True)
    body = Text()
    #: accepted | bad_signature | stale | malformed
    outcome = Varchar(length=20)
    events = Integer(default=0)
    new_events = Integer(default=0)
    received_at = Timestamptz()


class Scan(Table, tablename="logistics_scan"):
    """Normalised tracking events, deduplicated on ``(carrier, waybill, at, code)`` (unique index)."""

    id = Varchar(length=40, primary_key=True)
    carrier = Varchar(length=20)
    waybill = Varchar(length=40)
    at = Timestamptz()
    code = Varchar(length=40)
    status = Varchar(length=20)
    description = Text(default="")
    location = Text(null=True, default=None)
    proof = Varchar(length=30, null=True, default=None)
    push_id = Varchar(length=40)
    received_at = Timestamptz()


class UnknownWaybill(Table, tablename="logistics_unknown_waybill"):
    """Scans for a waybill no parcel has: parked for an operator, never dropped."""

    id = Varchar(length=90, primary_key=True)
    carrier = Varchar(length=20)
    waybill = Varchar(length=40)
    provider = Varchar(length=40)
    first_seen_at = Timestamptz()
    last_seen_at = Timestamptz()
    resolved_at = Timestamptz(null=True, default=None)
    resolution = Text(null=True, default=None)


class FakeFlag(Table, tablename="logistics_fake_flag"):
    """A waybill with no carrier scan within ``fake_shipment_hours`` (counts against the merchant)."""

    id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, index=True)
    shipment_id = Varchar(length=40)
    parcel_id = Varchar(length=40, unique=True)
    merchant_id = Varchar(length=40, index=True)
    waybill = Varchar(length=40)
    #: open | cleared (a scan came) | confirmed (operator)
    state = Varchar(length=12, index=True)
    flagged_at = Timestamptz()
    resolved_at = Timestamptz(null=True, default=None)
    note = Text(null=True, default=None)


class Claim(Table, tablename="logistics_claim"):
    """A claim against the carrier for a lost or damaged parcel, due within ``carrier_complaint_days``."""

    id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, index=True)
    parcel_id = Varchar(length=40, unique=True)
    merchant_id = Varchar(length=40, index=True)
    carrier = Varchar(length=20)
    waybill = Varchar(length=40, null=True, default=None)
    reason = Varchar(length=20)
    amount_minor = BigInt()
    currency = Varchar(length=3)
    #: open -> overdue | settled | rejected
    state = Varchar(length=12, index=True)
    refund_ref = Varchar(length=80, null=True, default=None)
    opened_at = Timestamptz()
    due_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    note = Text(null=True, default=None)


class Interception(Table, tablename="logistics_interception"):
    """A request to stop an order's parcels in transit (after-sales refund before signing)."""

    id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40)
    case_id = Varchar(length=40, null=True, default=None)
    reason = Text()
    #: requested -> intercepted | failed
    state = Varchar(length=12)
    requested_at = Timestamptz()
    answered_at = Timestamptz(null=True, default=None)
    answer = Text(null=True, default=None)


class Action(Table, tablename="logistics_action"):
    """Audit of people's actions on shipments, flags, claims and unknown waybills."""

    id = Varchar(length=40, primary_key=True)
    subject = Varchar(length=90, index=True)
    action = Varchar(length=40)
    actor_id = Varchar(length=40, null=True, default=None)
    detail = JSON(default="{}")
    at = Timestamptz()


class SeenEvent(Table, tablename="logistics_seen_event"):
    event_id = Varchar(length=40, primary_key=True)
    type = Varchar(length=60)
    seen_at = Timestamptz()
