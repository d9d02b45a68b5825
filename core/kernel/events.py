"""Domain events: written to the outbox in the transaction of the change, delivered after commit.

Each event gets one delivery timer per subscribing plugin and per matching webhook
endpoint, so delivery reuses the worker's claiming, retries and backoff, and each
target is retried on its own. Delivery is at least once; every event carries a unique id.
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import logging
from typing import TYPE_CHECKING, Any

import httpx
import msgspec

from bazaar.core.kernel.ids import new_id
from bazaar.sdk.errors import BazaarError
from bazaar.sdk.timers import Due, outside_transaction
from bazaar.sdk.types import DomainEvent

if TYPE_CHECKING:
    from bazaar.core.kernel.runtime import Runtime

log = logging.getLogger("bazaar.events")

DELIVER_TO_PLUGIN = "kernel.deliver_event"
DELIVER_TO_WEBHOOK = "kernel.deliver_webhook"
SIGNATURE_HEADER = "Bazaar-Signature"


class EventBus:
    """Emit events into the outbox; delivery targets become timers."""

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    async def emit(self, type: str, data: Any = None, *, subject: str | None = None) -> str:
        """Record an event in the current transaction and return its id."""
        rt = self.rt
        if not rt.db.in_transaction():
            raise RuntimeError("events are emitted inside a unit of work")
        event_id = new_id("evt")
        now = rt.clock.now()
        payload = msgspec.to_builtins(data) if data is not None else {}
        await rt.db.execute(
            "INSERT INTO kernel_outbox (id, type, subject, data, occurred_at) VALUES ({}, {}, {}, {}, {})",
            event_id,
            type,
            subject,
            msgspec.json.encode(payload).decode(),
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

    async def load(self, event_id: str) -> DomainEvent:
        row = await self.rt.db.fetchrow(
            "SELECT id, type, subject, data, occurred_at FROM kernel_outbox WHERE id = {}", event_id
        )
        if row is None:
            raise LookupError(f"event {event_id} is not in the outbox")
        data = row["data"]
        return DomainEvent(
            id=row["id"],
            type=row["type"],
            subject=row["subject"],
            occurred_at=row["occurred_at"],
            data=msgspec.json.decode(data) if isinstance(data, str | bytes) else data,
        )


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
    """Timer handler: hand one event to one subscribing plugin, inside the timer's transaction."""
    event = await rt.events.load(due.subject.split(":", 1)[0])
    await rt.plugins.handle_event(due.payload["plugin"], event=event, ctx=rt.context())


@outside_transaction
async def deliver_to_webhook(rt: Runtime, due: Due) -> None:
    """Timer handler: POST one event to one endpoint, signed; any non-2xx answer retries."""
    event = await rt.events.load(due.subject.split(":", 1)[0])
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
