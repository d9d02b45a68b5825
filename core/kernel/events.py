"""Domain events: written to the outbox in the transaction of the change, delivered after commit.

Two ways to act on an event: a **listener** (``Plugin(listeners={"order.cancelled": f})``)
runs inside ``emit``, in the emitting transaction (its writes commit or roll back with the
change; its error fails the emitter); a **subscriber** (``Plugin(subscribes=...)`` with
``bazaar_handle_event``) gets the event after commit, from the outbox, retried on its own.

An event is a typed Struct (:mod:`bazaar.sdk.events`); the outbox row keeps its type (the
tag), subject and fields as JSON. Plugins receive it decoded again into its Struct;
webhooks receive the JSON envelope :class:`EventEnvelope`.

Each event gets one delivery timer per subscribing plugin and per matching webhook
endpoint, so delivery reuses the worker's claiming, retries and backoff, and each
target is retried on its own. Delivery is at least once; every event carries a unique id.
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx
import msgspec

from bazaar.core.kernel.ids import new_id
from bazaar.sdk.errors import BazaarError, PluginError
from bazaar.sdk.events import Event, UnknownEvent, decode_event, event_data
from bazaar.sdk.timers import Due, outside_transaction

if TYPE_CHECKING:
    from bazaar.core.kernel.runtime import Runtime

log = logging.getLogger("bazaar.events")

DELIVER_TO_PLUGIN = "kernel.deliver_event"
DELIVER_TO_WEBHOOK = "kernel.deliver_webhook"
SIGNATURE_HEADER = "Bazaar-Signature"
CORE_EVENTS = "bazaar.sdk.events"


class EventEnvelope(msgspec.Struct, frozen=True, kw_only=True):
    """The JSON body a webhook receives: ``{id, type, occurred_at, subject, data}``.

    ``data`` is the event's own fields (:func:`bazaar.sdk.events.event_data`) in today's shape;
    ``docs/events.md`` lists them per type.
    """

    id: str
    type: str
    occurred_at: datetime | None
    subject: str | None = None
    data: dict[str, Any] = {}


class EventBus:
    """Emit typed events into the outbox; delivery targets become timers."""

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    async def emit(self, event: Event) -> str:
        """Record ``event`` in the current transaction (id and time stamped here) and return its id.

        The class must be a core event (``bazaar.sdk.events``) or be listed on an enabled
        plugin's ``Plugin(events=...)``. The listeners of its type (``Plugin.listeners``) run
        here, in this transaction, before ``emit`` returns; subscribers
        (``bazaar_handle_event``) get it after commit.
        """
        if not isinstance(event, Event):
            raise TypeError(f"emit takes a bazaar.sdk.events.Event, not {type(event).__name__}")
        cls = type(event)
        if cls.__module__ != CORE_EVENTS and cls not in self.rt.plugins.event_declarers:
            raise PluginError(
                f"event {cls.__qualname__} ({cls.event_type()!r}) is not declared on any enabled plugin's Plugin(events=...)"
            )
        event = msgspec.structs.replace(event, id=new_id("evt"), occurred_at=self.rt.clock.now())
        await self._write(event.type, event.subject, event_data(event), event.id, event.occurred_at)
        await self.rt.plugins.run_listeners(self.rt, event)
        return event.id

    async def emit_untyped(self, type: str, data: dict[str, Any], *, subject: str | None = None) -> str:
        """Write a raw outbox row, as an older writer or an absent plugin would have (test kit only).

        Lets a plugin's tests feed it an event whose class it may not import, and tests of the
        evolution rule write rows in an old shape. Services always emit typed events. No
        listener runs (listeners take typed events); subscribers get it after commit.
        """
        return await self._write(type, subject, data, new_id("evt"), self.rt.clock.now())

    async def _write(self, type: str, subject: str | None, data: dict[str, Any], event_id: str, now: Any) -> str:
        rt = self.rt
        if not rt.db.in_transaction():
            raise RuntimeError("events are emitted inside a unit of work")
        await rt.db.execute(
            "INSERT INTO kernel_outbox (id, type, subject, data, occurred_at) VALUES ({}, {}, {}, {}, {})",
            event_id,
            type,
            subject,
            msgspec.json.encode(data).decode(),
            now,
        )
        for plugin_id in rt.plugins.subscribers(type):
            await rt.timers.schedule(DELIVER_TO_PLUGIN, f"{event_id}:{plugin_id}", now, {"plugin": plugin_id})
        for endpoint in rt.settings.webhooks:
            if any(fnmatch.fnmatchcase(type, pattern) for pattern in endpoint.events):
                await rt.timers.schedule(
                    DELIVER_TO_WEBHOOK, f"{event_id}:{endpoint.name}", now, {"endpoint": endpoint.name}
                )
        return event_id

    async def load(self, event_id: str) -> Event | UnknownEvent:
        """The outbox event decoded into its typed Struct (older rows upgraded; unknown types raw)."""
        row = await self._row(event_id)
        return decode_event(row["type"], row["data"], id=row["id"], occurred_at=row["occurred_at"],
                            subject=row["subject"])

    async def envelope(self, event_id: str) -> EventEnvelope:
        """The webhook body of an outbox event."""
        row = await self._row(event_id)
        event = decode_event(row["type"], row["data"], id=row["id"], occurred_at=row["occurred_at"],
                             subject=row["subject"])
        return EventEnvelope(id=event.id, type=event.type, occurred_at=event.occurred_at, subject=row["subject"],
                             data=event_data(event))

    async def _row(self, event_id: str) -> dict[str, Any]:
        row = await self.rt.db.fetchrow(
            "SELECT id, type, subject, data, occurred_at FROM kernel_outbox WHERE id = {}", event_id
        )
        if row is None:
            raise LookupError(f"event {event_id} is not in the outbox")
        data = row["data"]
        return {**row, "data": msgspec.json.decode(data) if isinstance(data, str | bytes) else data}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``t=<timestamp>,v1=<hex HMAC-SHA256 of "timestamp." + body>``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """Check a ``Bazaar-Signature`` header: right MAC, timestamp within ``tolerance`` seconds."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = parts["t"]
        expected = sign(secret, timestamp, body).split("v1=", 1)[1]
        fresh = abs(now - int(timestamp)) <= tolerance
    except (KeyError, ValueError):
        return False
    return fresh and hmac.compare_digest(expected, parts.get("v1", ""))


async def deliver_to_plugin(rt: Runtime, due: Due) -> None:
    """Timer handler: hand the decoded event to one subscribing plugin, inside the timer's transaction."""
    event = await rt.events.load(due.subject.split(":", 1)[0])
    await rt.plugins.handle_event(due.payload["plugin"], event=event, ctx=rt.context())


@outside_transaction
async def deliver_to_webhook(rt: Runtime, due: Due) -> None:
    """Timer handler: POST one event to one endpoint, signed; any non-2xx answer retries."""
    event = await rt.events.envelope(due.subject.split(":", 1)[0])
    endpoint = next((e for e in rt.settings.webhooks if e.name == due.payload["endpoint"]), None)
    if endpoint is None:
        log.warning("webhook endpoint %s is no longer configured; dropping", due.payload["endpoint"])
        return
    body = msgspec.json.encode(event)
    timestamp = str(int(rt.clock.now().timestamp()))
    headers = {
        "content-type": "application/json",
        SIGNATURE_HEADER: sign(endpoint.secret, timestamp, body),
        "Bazaar-Event-Id": event.id,
        "Bazaar-Event-Type": event.type,
    }
    status: int | None = None
    error: str | None = None
    try:
        async with httpx.AsyncClient(timeout=endpoint.timeout_seconds) as client:
            response = await client.post(endpoint.url, content=body, headers=headers)
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    async with rt.db.transaction():
        await rt.db.execute(
            "INSERT INTO kernel_webhook_delivery (id, event_id, endpoint, attempt, status_code, ok, "
            "error, attempted_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            new_id("whd"),
            event.id,
            endpoint.name,
            due.attempt,
            status,
            0 if error else 1,
            error,
            rt.clock.now(),
        )
    if error:
        raise WebhookFailed(error)


class WebhookFailed(BazaarError):
    code = "webhook_failed"
    status = 502
