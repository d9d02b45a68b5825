"""The after-sales tables (Piccolo app ``aftersales``); every name starts with ``aftersales_``.

No foreign keys: order, line, merchant, customer, product and file ids are plain columns.
Everything of a case (history, messages, evidence, rulings, money) is kept for
``retention.aftersales_days`` after it closes (``archive_until``).
"""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class Case(Table, tablename="aftersales_case"):
    """One after-sales case: its type, state, running clock, return parcel, money and outcome."""

    id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40, index=True)
    customer_id = Varchar(length=40, index=True)
    #: refund_only | return_refund | exchange | repair | withdrawal
    type = Varchar(length=16)
    ground = Varchar(length=24)
    quality_fault = Boolean(default=False)
    description = Text(default="")
    state = Varchar(length=30, index=True)
    outcome = Varchar(length=12, null=True, default=None)
    currency = Varchar(length=3)
    #: the clock of the current state: name, who must act, due time, and the overdue flag
    clock = Varchar(length=30, null=True, default=None)
    clock_actor = Varchar(length=12, null=True, default=None)
    due_at = Timestamptz(null=True, default=None, index=True)
    overdue = Boolean(default=False)
    #: clocks that ran out on this case: ``[{name, due_at, actor, outcome}]`` (a late action names them)
    missed_deadlines = JSON(default="[]")
    calendar_version = Varchar(length=16, default="")
    info_request = Text(null=True, default=None)
    info_reply = Text(null=True, default=None)
    reject_reason = Text(null=True, default=None)
    #: the merchant's return address (personal data: encrypted)
    return_address = Text(null=True, default=None)
    return_carrier = Varchar(length=60, null=True, default=None)
    return_waybill = Varchar(length=60, null=True, default=None)
    return_parcel_id = Varchar(length=60, null=True, default=None)
    return_parcel_status = Varchar(length=16, null=True, default=None)
    return_shipping_minor = BigInt(default=0)
    return_shipping_payer = Varchar(length=10, default="consumer")
    interception_id = Varchar(length=60, null=True, default=None)
    replacement_shipment_id = Varchar(length=60, null=True, default=None)
    replacement_carrier = Varchar(length=60, null=True, default=None)
    replacement_waybill = Varchar(length=60, null=True, default=None)
    repair_failures = Integer(default=0)
    #: the buyer's consented refund method for a cash-on-delivery order
    refund_method = Varchar(length=40, null=True, default=None)
    escalated_by = Varchar(length=12, null=True, default=None)
    escalated_at = Timestamptz(null=True, default=None)
    evidence_from = Varchar(length=12, null=True, default=None)
    evidence_note = Text(null=True, default=None)
    ruling_id = Varchar(length=40, null=True, default=None)
    accepted_by = JSON(default="[]")
    appealed_by = Varchar(length=12, null=True, default=None)
    auto_accepted = Boolean(default=False)
    ruled_against_merchant = Boolean(default=False)
    refunded_minor = BigInt(default=0)
    compensated_minor = BigInt(default=0)
    breakdown = JSON(default="{}")
    requested_at = Timestamptz()
    received_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    archive_until = Timestamptz(null=True, default=None)
    updated_at = Timestamptz()
    idempotency_key = Varchar(length=240, null=True, default=None, unique=True)


class CaseLine(Table, tablename="aftersales_case_line"):
    """One order line in a case: how many units, and what the merchant found on receipt."""

    id = Varchar(length=40, primary_key=True)
    case_id = Varchar(length=40, index=True)
    order_line_id = Varchar(length=40, index=True)
    sku_id = Varchar(length=40)
    quantity = Integer()
    received_quantity = Integer(null=True, default=None)
    #: restock | damaged | missing
    disposition = Varchar(length=12, null=True, default=None)
    findings = JSON(default="[]")
    diminished_minor = BigInt(default=0)
    refund_minor = BigInt(default=0)


class LineCap(Table, tablename="aftersales_line_cap"):
    """What was paid for one part of an order (a line, or ``shipping``), and how much of it is claimed,
    reserved by a ruling and refunded across all cases. Changed only by conditional updates."""

    id = Varchar(length=90, primary_key=True)
    order_id = Varchar(length=40, index=True)
    part = Varchar(length=40)
    quantity = Integer(default=0)
    paid_minor = BigInt()
    claimed_quantity = Integer(default=0)
    refunded_quantity = Integer(default=0)
    reserved_minor = BigInt(default=0)
    refunded_minor = BigInt(default=0)


class OrderBook(Table, tablename="aftersales_order"):
    """Per order: open cases, and what later cases must know (deductions carried, outbound fee settled)."""

    order_id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    open_cases = Integer(default=0)
    carried_minor = BigInt(default=0)
    outbound_settled = Boolean(default=False)
    delivered_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz()


class History(Table, tablename="aftersales_history"):
    """Every transition of a case: from, to, event, who, why, when (kept on record)."""

    id = Varchar(length=40, primary_key=True)
    case_id = Varchar(length=40, index=True)
    from_state = Varchar(length=30)
    to_state = Varchar(length=30)
    event = Varchar(length=30)
    actor = Varchar(length=12)
    actor_id = Varchar(length=40, null=True, default=None)
    note = Text(null=True, default=None)
    at = Timestamptz()


class Message(Table, tablename="aftersales_message"):
    """The three-party thread: author, body, who may read it (``all``, ``customer``, ``merchant``: the
    platform and that party), attached evidence."""

    id = Varchar(length=40, primary_key=True)
    case_id = Varchar(length=40, index=True)
    author = Varchar(length=12)
    author_id = Varchar(length=40, null=True, default=None)
    visibility = Varchar(length=10, default="all")
    body = Text()
    evidence_ids = JSON(default="[]")
    at = Timestamptz()


class Evidence(Table, tablename="aftersales_evidence"):
    """A file a party attached to a case (bytes in the shared file store, use ``aftersales.evidence``)."""

    id = Varchar(length=40, primary_key=True)
    case_id = Varchar(length=40, index=True)
    file_id = Varchar(length=60)
    party = Varchar(length=12)
    uploaded_by = Varchar(length=40, null=True, default=None)
    filename = Varchar(length=200)
    content_type = Varchar(length=80)
    size = BigInt()
    sha256 = Varchar(length=64)
    at = Timestamptz()


class Ruling(Table, tablename="aftersales_ruling"):
    """A platform ruling (or the decision on its appeal): outcome, money, who pays return shipping, why."""

    id = Varchar(length=40, primary_key=True)
    case_id = Varchar(length=40, index=True)
    appeal = Boolean(default=False)
    outcome = Varchar(length=10)
    refund_minor = BigInt(default=0)
    return_shipping_payer = Varchar(length=10)
    return_shipping_minor = BigInt(default=0)
    reasoning = Text()
    #: the refund reserved per order part (line id or ``shipping``) until the ruling is executed
    parts = JSON(default="{}")
    operator_id = Varchar(length=40, null=True, default=None)
    at = Timestamptz()
    executed_at = Timestamptz(null=True, default=None)


class Payment(Table, tablename="aftersales_payment"):
    """Money a case moved through the order's payment provider: a refund or a compensation."""

    id = Varchar(length=40, primary_key=True)
    case_id = Varchar(length=40, index=True)
    order_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40, index=True)
    kind = Varchar(length=12)
    amount_minor = BigInt()
    currency = Varchar(length=3)
    provider = Varchar(length=60)
    provider_ref = Varchar(length=60, null=True, default=None)
    status = Varchar(length=12)
    idempotency_key = Varchar(length=200, unique=True)
    at = Timestamptz()


class ProductRule(Table, tablename="aftersales_product"):
    """A merchant's declaration for a product: an excluded or confirmable kind, and its goods class."""

    product_id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    excluded_kind = Varchar(length=40, null=True, default=None)
    confirmable_kind = Varchar(length=40, null=True, default=None)
    intact_class = Varchar(length=40, default="default")
    updated_at = Timestamptz()


class MerchantSettings(Table, tablename="aftersales_merchant"):
    """A merchant's default return address (personal data: encrypted), used when it accepts a return."""

    merchant_id = Varchar(length=40, primary_key=True)
    return_address = Text(null=True, default=None)
    updated_at = Timestamptz()


class Withdrawal(Table, tablename="aftersales_withdrawal"):
    """The eu withdrawal function: a draft, its confirmation, and the acknowledgement on a durable medium."""

    id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, index=True)
    customer_id = Varchar(length=40, index=True)
    lines = JSON(default="[]")
    status = Varchar(length=12)
    created_at = Timestamptz()
    confirmed_at = Timestamptz(null=True, default=None)
    case_id = Varchar(length=40, null=True, default=None)
    acknowledgement_file_id = Varchar(length=60, null=True, default=None)


class SeenEvent(Table, tablename="aftersales_seen_event"):
    """Events already handled (delivery is at least once)."""

    event_id = Varchar(length=40, primary_key=True)
    type = Varchar(length=60)
    seen_at = Timestamptz()
