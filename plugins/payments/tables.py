"""The payments plugins' tables (Piccolo app ``payments``; every name starts with ``payments_``).

Both plugins (``payments.escrow`` and ``payments.instant``) share these tables; each row
names the plugin that wrote it. No foreign keys into the core: order, checkout, merchant
and customer ids are plain columns. Journal entries and postings are only ever inserted.
"""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class Payment(Table, tablename="payments_payment"):
    """One provider payment per checkout, covering its per-merchant orders."""

    id = Varchar(length=40, primary_key=True)
    plugin = Varchar(length=40)
    provider = Varchar(length=40)
    checkout_id = Varchar(length=40, unique=True)
    customer_id = Varchar(length=40, index=True)
    method = Varchar(length=60)
    currency = Varchar(length=3)
    amount_minor = BigInt()
    #: created -> pending (at the provider) -> paid | failed | cancelled | needs_review
    state = Varchar(length=20, index=True)
    provider_ref = Varchar(length=80, null=True, default=None, index=True)
    provider_pay_url = Text(null=True, default=None)
    idempotency_key = Varchar(length=200, null=True, default=None)
    review_reason = Varchar(length=40, null=True, default=None)
    received_minor = BigInt(null=True, default=None)
    received_currency = Varchar(length=3, null=True, default=None)
    created_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None)
    paid_at = Timestamptz(null=True, default=None)
    resolved_at = Timestamptz(null=True, default=None)
    resolution = Text(null=True, default=None)


class OrderPayment(Table, tablename="payments_order"):
    """The payment side of one order: its share of the payment and the receipt clock."""

    order_id = Varchar(length=40, primary_key=True)
    payment_id = Varchar(length=40, index=True)
    checkout_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40, index=True)
    customer_id = Varchar(length=40, index=True)
    plugin = Varchar(length=40)
    currency = Varchar(length=3)
    amount_minor = BigInt()
    #: pending -> held (escrow) | captured (instant) -> releasing -> released; cancelled
    state = Varchar(length=20, index=True)
    shipped_at = Timestamptz(null=True, default=None)
    confirm_due_at = Timestamptz(null=True, default=None)
    extensions = Integer(default=0)
    open_cases = Integer(default=0)
    paused_remaining_seconds = BigInt(null=True, default=None)
    release_wanted = Integer(default=0)
    updated_at = Timestamptz()


class Instruction(Table, tablename="payments_instruction"):
    """An instruction to the provider; the ledger moves when its notification confirms it."""

    id = Varchar(length=40, primary_key=True)
    plugin = Varchar(length=40)
    provider = Varchar(length=40)
    #: create | close | release | refund | payout
    kind = Varchar(length=12, index=True)
    payment_id = Varchar(length=40, null=True, default=None, index=True)
    order_id = Varchar(length=40, null=True, default=None, index=True)
    merchant_id = Varchar(length=40, null=True, default=None, index=True)
    customer_id = Varchar(length=40, null=True, default=None)
    currency = Varchar(length=3)
    amount_minor = BigInt()
    #: release: {"merchant": n, "commission": n, "bps": n}; refund: {"source": "hold"|"merchant"|"suspense"}
    detail = JSON(default="{}")
    #: queued -> sent -> succeeded | failed
    status = Varchar(length=12, index=True)
    idempotency_key = Varchar(length=240, null=True, default=None, unique=True)
    provider_ref = Varchar(length=80, null=True, default=None)
    reason = Text(null=True, default=None)
    error = Text(null=True, default=None)
    notification_id = Varchar(length=80, null=True, default=None)
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class Notification(Table, tablename="payments_notification"):
    """A verified provider notification, once per (provider, id): replays are no-ops."""

    id = Varchar(length=40, primary_key=True)
    key = Varchar(length=130, unique=True)
    provider = Varchar(length=40)
    provider_event_id = Varchar(length=80)
    type = Varchar(length=40)
    body = Text()
    outcome = Varchar(length=40)
    received_at = Timestamptz()


class Entry(Table, tablename="payments_entry"):
    """A balanced journal entry; ``key`` makes posting the same movement twice impossible."""

    id = Varchar(length=40, primary_key=True)
    key = Varchar(length=120, unique=True)
    plugin = Varchar(length=40)
    #: hold | capture | release | refund | payout | suspense
    kind = Varchar(length=12, index=True)
    currency = Varchar(length=3)
    order_id = Varchar(length=40, null=True, default=None, index=True)
    payment_id = Varchar(length=40, null=True, default=None, index=True)
    instruction_id = Varchar(length=40, null=True, default=None, index=True)
    notification_id = Varchar(length=40, null=True, default=None)
    memo = Text(default="")
    created_at = Timestamptz()


class Posting(Table, tablename="payments_posting"):
    """One line of an entry: ``amount_minor`` added to ``account`` of ``owner`` (signed)."""

    id = Varchar(length=40, primary_key=True)
    entry_id = Varchar(length=40, index=True)
    seq = Integer()
    account = Varchar(length=24, index=True)
    owner = Varchar(length=40, index=True)
    order_id = Varchar(length=40, null=True, default=None, index=True)
    currency = Varchar(length=3)
    amount_minor = BigInt()
    created_at = Timestamptz()


class SettlementAccount(Table, tablename="payments_settlement_account"):
    """A merchant's settlement account as registered (and verified) at the provider."""

    id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, unique=True)
    provider = Varchar(length=40)
    provider_account_ref = Varchar(length=80)
    holder_name = Varchar(length=100)
    account_last4 = Varchar(length=4)
    verified = Integer(default=0)
    created_at = Timestamptz()


class Reconciliation(Table, tablename="payments_reconciliation"):
    """One reconciliation run: the provider statement against the ledger, every mismatch."""

    id = Varchar(length=40, primary_key=True)
    plugin = Varchar(length=40)
    provider = Varchar(length=40)
    period_from = Timestamptz()
    period_to = Timestamptz()
    matched = Integer()
    mismatches = JSON(default="[]")
    created_at = Timestamptz()


class SeenEvent(Table, tablename="payments_seen_event"):
    """Domain events handled, by id (delivery is at least once)."""

    event_id = Varchar(length=40, primary_key=True)
    type = Varchar(length=100)
    seen_at = Timestamptz()
