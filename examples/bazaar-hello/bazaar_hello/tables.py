"""The plugin's tables; every name starts with ``hello_`` (the plugin id)."""

from __future__ import annotations

from piccolo.columns import Timestamptz, Varchar
from piccolo.table import Table


class Reminder(Table, tablename="hello_reminder"):
    """A reminder that was sent; one per subject (the unique key makes a rerun fail loudly)."""

    id = Varchar(length=40, primary_key=True)
    subject = Varchar(length=200, unique=True)
    message = Varchar(length=300)
    sent_at = Timestamptz()


class SeenEvent(Table, tablename="hello_seen_event"):
    """Events handled, by id: delivery is at least once, so the handler dedupes here."""

    event_id = Varchar(length=40, primary_key=True)
    type = Varchar(length=100)
    subject = Varchar(length=100, null=True, default=None)
    seen_at = Timestamptz()
