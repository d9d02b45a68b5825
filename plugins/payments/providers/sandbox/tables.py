"""The sandbox provider's own state, kept apart as if it lived at a remote provider.

Nothing in the payments plugins reads these tables; they talk to the sandbox only through
its adapter (``providers/sandbox/adapter.py``) and its signed notifications.
"""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class SandboxPayment(Table, tablename="payments_sandbox_payment"):
    """A payment at the sandbox: hold (escrow) or capture to merchants (instant)."""

    id = Varchar(length=40, primary_key=True)
    merchant_ref = Varchar(length=80, unique=True)
    mode = Varchar(length=10)
    currency = Varchar(length=3)
    amount_minor = BigInt()
    #: split key (order id) -> {"account": ref, "amount": n}
    splits = JSON(default="{}")
    #: created -> succeeded | declined | closed
    status = Varchar(length=12)
    paid_minor = BigInt(default=0)
    notify_url = Text()
    created_at = Timestamptz()


class SandboxAccount(Table, tablename="payments_sandbox_account"):
    """A sub-merchant (settlement) account at the sandbox, or the platform's own account."""

    id = Varchar(length=40, primary_key=True)
    owner_ref = Varchar(length=80, unique=True)
    holder_name = Varchar(length=100)
    bank_account = Varchar(length=40)
    created_at = Timestamptz()


class SandboxMovement(Table, tablename="payments_sandbox_movement"):
    """The sandbox's statement: every movement of funds it made, keyed by the instruction."""

    id = Varchar(length=40, primary_key=True)
    reference = Varchar(length=80, index=True)
    type = Varchar(length=12)
    payment_id = Varchar(length=40, null=True, default=None)
    split_key = Varchar(length=80, null=True, default=None)
    account = Varchar(length=80, null=True, default=None)
    currency = Varchar(length=3)
    amount_minor = BigInt()
    at = Timestamptz(index=True)


class SandboxRequest(Table, tablename="payments_sandbox_request"):
    """Instructions received, once per idempotency ref (a retried call answers the same)."""

    reference = Varchar(length=80, primary_key=True)
    kind = Varchar(length=12)
    answer = JSON(default="{}")
    at = Timestamptz()


class SandboxNotice(Table, tablename="payments_sandbox_notice"):
    """Notifications the sandbox sends: signed body, when to deliver, how often it was sent."""

    id = Varchar(length=40, primary_key=True)
    seq = Integer()
    notify_url = Text()
    body = Text()
    deliver_at = Timestamptz(index=True)
    delivered = Integer(default=0)
    last_status = Integer(null=True, default=None)
    created_at = Timestamptz()
