"""The ``logistics.cod`` tables (Piccolo app ``logistics_cod``; names start with ``logistics_cod_``).

The platform never holds the cash: these rows record what a carrier should collect, what
it says it remitted to the licensed payment provider, and how each line was matched.
Remittance lines and audit rows are only ever inserted.
"""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class MerchantSetting(Table, tablename="logistics_cod_merchant"):
    merchant_id = Varchar(length=40, primary_key=True)
    accepts = Boolean(default=False)
    updated_at = Timestamptz()
    updated_by = Varchar(length=40, null=True, default=None)


class Collection(Table, tablename="logistics_cod_collection"):
    """What the carrier should collect on delivery of one order."""

    id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, unique=True)
    merchant_id = Varchar(length=40, index=True)
    customer_id = Varchar(length=40)
    checkout_id = Varchar(length=40)
    carrier = Varchar(length=20, null=True, default=None)
    waybill = Varchar(length=40, null=True, default=None, index=True)
    expected_minor = BigInt()
    currency = Varchar(length=3)
    #: expected -> in_transit -> delivered -> matched | short | over | missing | written_off |
    #: claimed; refused; cancelled
    state = Varchar(length=20, index=True)
    delivered_at = Timestamptz(null=True, default=None)
    remit_due_at = Timestamptz(null=True, default=None)
    collected_minor = BigInt(null=True, default=None)
    fee_minor = BigInt(null=True, default=None)
    remittance_id = Varchar(length=40, null=True, default=None)
    ledger_ref = Varchar(length=80, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Remittance(Table, tablename="logistics_cod_remittance"):
    """One uploaded remittance file and its reconciliation (one per ``Idempotency-Key``)."""

    id = Varchar(length=40, primary_key=True)
    idempotency_key = Varchar(length=200, unique=True)
    request_hash = Varchar(length=64)
    carrier = Varchar(length=20)
    currency = Varchar(length=3)
    format = Varchar(length=8)
    lines = Integer()
    counts = JSON(default="{}")
    totals = JSON(default="{}")
    uploaded_by = Varchar(length=40, null=True, default=None)
    created_at = Timestamptz()


class RemittanceLine(Table, tablename="logistics_cod_line"):
    id = Varchar(length=60, primary_key=True)
    remittance_id = Varchar(length=40, index=True)
    seq = Integer()
    waybill = Varchar(length=40, index=True)
    collected_minor = BigInt()
    fee_minor = BigInt()
    #: collected | refused
    outcome = Varchar(length=12)
    collected_at = Timestamptz(null=True, default=None)
    #: matched | short | over | unexpected | duplicate | refused_but_remitted
    kind = Varchar(length=24, null=True, default=None)
    collection_id = Varchar(length=40, null=True, default=None)
    #: ``cod.remittance_matched`` emitted for this line (in batches, after the upload)
    announced = Boolean(default=False)


class CodException(Table, tablename="logistics_cod_exception"):
    """An operator's to-do: a line that did not match, or a collection never remitted."""

    id = Varchar(length=40, primary_key=True)
    kind = Varchar(length=24, index=True)
    remittance_id = Varchar(length=40, null=True, default=None)
    line_id = Varchar(length=60, null=True, default=None)
    collection_id = Varchar(length=40, null=True, default=None, index=True)
    order_id = Varchar(length=40, null=True, default=None)
    merchant_id = Varchar(length=40, null=True, default=None)
    waybill = Varchar(length=40)
    expected_minor = BigInt(null=True, default=None)
    collected_minor = BigInt(null=True, default=None)
    fee_minor = BigInt(null=True, default=None)
    currency = Varchar(length=3)
    #: open -> resolved
    state = Varchar(length=12, index=True)
    #: rematched | written_off | claimed
    resolution = Varchar(length=20, null=True, default=None)
    note = Text(null=True, default=None)
    created_at = Timestamptz()
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = Varchar(length=40, null=True, default=None)


class Audit(Table, tablename="logistics_cod_audit"):
    """Every resolve action on an exception, with who, why and what it changed."""

    id = Varchar(length=40, primary_key=True)
    exception_id = Varchar(length=40, index=True)
    action = Varchar(length=20)
    actor_id = Varchar(length=40, null=True, default=None)
    note = Text()
    detail = JSON(default="{}")
    at = Timestamptz()


class RefusedReturn(Table, tablename="logistics_cod_return"):
    """A refused COD parcel treated as a return: no money moved; restocked after inspection."""

    id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, unique=True)
    merchant_id = Varchar(length=40, index=True)
    collection_id = Varchar(length=40)
    #: awaiting_return -> received -> restocked | rejected
    state = Varchar(length=20)
    created_at = Timestamptz()
    received_at = Timestamptz(null=True, default=None)
    inspected_at = Timestamptz(null=True, default=None)
    note = Text(null=True, default=None)


class RefundConsent(Table, tablename="logistics_cod_refund_consent"):
    """How the consumer wants a COD order refunded (cash was the tender): 7DR 14."""

    id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, index=True)
    customer_id = Varchar(length=40)
    method = Varchar(length=20)
    account_masked = Varchar(length=40, null=True, default=None)
    consent_text = Text()
    consented_at = Timestamptz()


class SeenEvent(Table, tablename="logistics_cod_seen_event"):
    event_id = Varchar(length=40, primary_key=True)
    type = Varchar(length=60)
    seen_at = Timestamptz()
