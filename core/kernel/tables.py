"""Kernel tables: the event outbox, durable timers, webhook delivery log, idempotency keys, stored files."""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class OutboxEvent(Table, tablename="kernel_outbox"):
    """A domain event written in the transaction of the change that caused it."""

    id = Varchar(length=40, primary_key=True)
    type = Varchar(length=100, index=True)
    subject = Varchar(length=100, null=True, default=None, index=True)
    data = JSON()
    occurred_at = Timestamptz()


class Timer(Table, tablename="kernel_timer"):
    """A durable deadline: a worker claims it when ``due_at`` passes and runs its handler.

    ``key`` (``kind:subject``) is unique while the timer is pending, so a subject's timer
    can be found, rescheduled or cancelled; finished timers drop the key and stay as history.
    """

    id = Varchar(length=40, primary_key=True)
    kind = Varchar(length=100)
    subject = Varchar(length=200)
    key = Varchar(length=310, null=True, default=None, unique=True)
    payload = JSON()
    due_at = Timestamptz(index=True)
    status = Varchar(length=12, default="pending", index=True)
    attempts = Integer(default=0)
    locked_by = Varchar(length=100, null=True, default=None)
    locked_until = Timestamptz(null=True, default=None)
    last_error = Text(null=True, default=None)
    created_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)


class WebhookDelivery(Table, tablename="kernel_webhook_delivery"):
    """One attempt to deliver an event to a webhook endpoint, with its outcome."""

    id = Varchar(length=40, primary_key=True)
    event_id = Varchar(length=40, index=True)
    endpoint = Varchar(length=63)
    attempt = Integer()
    status_code = Integer(null=True, default=None)
    ok = Integer(default=0)
    error = Text(null=True, default=None)
    attempted_at = Timestamptz()


class IdempotencyKey(Table, tablename="kernel_idempotency"):
    """The stored answer to a request made with an ``Idempotency-Key`` header."""

    id = Varchar(length=40, primary_key=True)
    scope = Varchar(length=200)
    key = Varchar(length=200)
    request_hash = Varchar(length=64)
    status_code = Integer()
    response = Text()
    created_at = Timestamptz()


class FileRecord(Table, tablename="kernel_file"):
    """A file of the shared store: what it is, whose, who may read it, how long it is kept.

    The bytes live in the storage provider under ``sha256``; several records may share them.
    """

    id = Varchar(length=40, primary_key=True)
    use = Varchar(length=100, index=True)
    sha256 = Varchar(length=64, index=True)
    size = BigInt()
    content_type = Varchar(length=100)
    filename = Varchar(length=255)
    owner_id = Varchar(length=100, null=True, default=None, index=True)
    subject = Varchar(length=200, null=True, default=None, index=True)
    access = Varchar(length=10, default="owner")
    created_at = Timestamptz()
    retain_until = Timestamptz(null=True, default=None, index=True)
    legal_hold = Boolean(default=False)
