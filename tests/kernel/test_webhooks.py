"""Outbound webhooks: signed, retried with backoff until the receiver accepts, each attempt logged."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from thing_events import GadgetRefunded, ThingCreated, emitter

from bazaar.core.kernel.events import DELIVER_TO_WEBHOOK, SIGNATURE_HEADER, sign, verify
from bazaar.sdk.events import Event, OrderPaid, OrderShipped

SECRET = "whsec_0123456789abcdef"

#: for behaviour that does not depend on the database engine: run on SQLite only
ONE_ENGINE = pytest.mark.bazaar_engines("sqlite")


class Receiver:
    """A real HTTP endpoint on 127.0.0.1 that answers the statuses it is given, in order."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append({"path": self.path, "headers": headers, "body": body, "status": status})
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/bazaar"

    @property
    def accepted(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if 200 <= r["status"] < 300]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver([500, 500])  # fails twice, then accepts
    yield r
    r.close()


def endpoint(url: str, **kwargs: Any) -> dict[str, Any]:
    return {"name": "erp", "url": url, "secret": SECRET, **kwargs}


async def start(bazaar_factory, **kwargs: Any):
    """A kit with the ``emitter`` plugin that declares the test events."""
    return await bazaar_factory(plugins=["emitter"], extra=[emitter()], **kwargs)


async def emit(kit, event: Event) -> str:
    async with kit.runtime.unit_of_work():
        return await kit.runtime.emit(event)


def order_fields() -> dict[str, Any]:
    return {"order_id": "ord_1", "checkout_id": "chk_1", "merchant_id": "mch_1", "customer_id": "usr_1"}


async def deliveries(kit) -> list[dict[str, Any]]:
    return await kit.runtime.db.fetch(
        "SELECT event_id, endpoint, attempt, status_code, ok, error FROM kernel_webhook_delivery ORDER BY attempt"
    )


async def test_webhook_is_retried_with_backoff_until_accepted_once_and_signed(bazaar_factory, receiver):
    kit = await start(bazaar_factory,
        settings={
            "webhooks": [endpoint(receiver.url, events=["thing.*"])],
            "worker": {"backoff_base_seconds": 30, "max_attempts": 5},
        }
    )
    emitted_at = kit.clock.now()
    event_id = await emit(kit, ThingCreated(thing_id="thg_1", name="lamp"))

    await kit.run_due()
    assert [r["status"] for r in receiver.requests] == [500]
    assert await kit.advance(timedelta(seconds=29)) == 0, "no retry before the backoff"
    await kit.advance(timedelta(seconds=1))
    assert [r["status"] for r in receiver.requests] == [500, 500]
    await kit.advance(timedelta(seconds=59))
    assert len(receiver.requests) == 2, "the second backoff is twice the first"
    await kit.advance(timedelta(seconds=1))
    assert [r["status"] for r in receiver.requests] == [500, 500, 200]
    accepted_at = int(kit.clock.now().timestamp())
    await kit.advance(timedelta(days=1))
    assert len(receiver.requests) == 3, "nothing more once accepted"

    (accepted,) = receiver.accepted
    headers, body = accepted["headers"], accepted["body"]
    assert accepted["path"] == "/hooks/bazaar"
    assert headers["content-type"] == "application/json"
    assert headers["bazaar-event-id"] == event_id
    assert headers["bazaar-event-type"] == "thing.created"
    payload = json.loads(body)
    assert payload["id"] == event_id and payload["type"] == "thing.created"
    assert payload["subject"] == "thg_1" and payload["data"] == {"thing_id": "thg_1", "name": "lamp", "n": 0}
    assert datetime.fromisoformat(payload["occurred_at"]) == emitted_at
    assert sorted(payload) == ["data", "id", "occurred_at", "subject", "type"], "the documented envelope"
    now = accepted_at
    assert verify(SECRET, headers[SIGNATURE_HEADER.lower()], body, now=now)
    assert not verify("another-secret-0123456789", headers[SIGNATURE_HEADER.lower()], body, now=now)
    assert not verify(SECRET, headers[SIGNATURE_HEADER.lower()], body.replace(b"lamp", b"lump"), now=now)
    assert not verify(SECRET, headers[SIGNATURE_HEADER.lower()], body, now=now + 86_400), "a day-old signature is stale"
    # every attempt carried the same event id and a fresh signature
    assert {r["headers"]["bazaar-event-id"] for r in receiver.requests} == {event_id}
    assert len({r["headers"][SIGNATURE_HEADER.lower()] for r in receiver.requests}) == 3

    rows = await deliveries(kit)
    assert [(r["attempt"], r["status_code"], r["ok"]) for r in rows] == [(1, 500, 0), (2, 500, 0), (3, 200, 1)]
    assert {r["event_id"] for r in rows} == {event_id} and {r["endpoint"] for r in rows} == {"erp"}
    assert rows[0]["error"] == "HTTP 500" and rows[2]["error"] is None
    timer = await kit.runtime.db.fetchrow("SELECT status, attempts FROM kernel_timer WHERE kind = {}", DELIVER_TO_WEBHOOK)
    assert timer == {"status": "done", "attempts": 3}


@ONE_ENGINE
async def test_each_event_has_its_own_id(bazaar_factory):
    r = Receiver([])
    try:
        kit = await start(bazaar_factory, settings={"webhooks": [endpoint(r.url)]})
        first = await emit(kit, ThingCreated(n=1))
        second = await emit(kit, ThingCreated(n=2))
        await kit.run_due()
        ids = [req["headers"]["bazaar-event-id"] for req in r.requests]
        assert sorted(ids) == sorted([first, second]) and first != second
    finally:
        r.close()


@ONE_ENGINE
async def test_endpoint_gets_only_the_event_types_it_asks_for(bazaar_factory):
    r = Receiver([])
    try:
        kit = await start(bazaar_factory, settings={"webhooks": [endpoint(r.url, events=["order.paid", "gadget.*"])]})
        now = kit.clock.now()
        await emit(kit, ThingCreated())
        await emit(kit, OrderShipped(**order_fields(), from_state="paid", shipped_at=now))
        paid = await emit(kit, OrderPaid(**order_fields(), from_state="pending_payment", paid_at=now))
        refunded = await emit(kit, GadgetRefunded())
        await kit.run_due()
        assert sorted(req["headers"]["bazaar-event-id"] for req in r.requests) == sorted([paid, refunded])
    finally:
        r.close()


@ONE_ENGINE
async def test_unreachable_endpoint_is_logged_and_retried(bazaar_factory):
    closed = Receiver([])
    url = closed.url
    closed.close()  # nothing listens on this port any more
    kit = await start(bazaar_factory,
        settings={"webhooks": [endpoint(url)], "worker": {"backoff_base_seconds": 5, "max_attempts": 2}}
    )
    await emit(kit, ThingCreated())
    await kit.run_due()
    await kit.advance(timedelta(seconds=5))
    rows = await deliveries(kit)
    assert [(r["attempt"], r["status_code"], r["ok"]) for r in rows] == [(1, None, 0), (2, None, 0)]
    assert all(r["error"].startswith("ConnectError") for r in rows)
    timer = await kit.runtime.db.fetchrow("SELECT status FROM kernel_timer WHERE kind = {}", DELIVER_TO_WEBHOOK)
    assert timer == {"status": "failed"}


def test_signature_format_and_freshness():
    body = b'{"id":"evt_1"}'
    header = sign(SECRET, "1700000000", body)
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64
    assert verify(SECRET, header, body, now=1_700_000_000 + 300)
    assert not verify(SECRET, header, body, now=1_700_000_000 + 301), "stale"
    assert not verify(SECRET, header, body, now=1_700_000_000 - 301), "from the future"
    assert not verify(SECRET, "garbage", body, now=1_700_000_000)
    assert not verify(SECRET, "t=1700000000", body, now=1_700_000_000)
    forged = header.replace("t=1700000000", "t=1700000100")
    assert not verify(SECRET, forged, body, now=1_700_000_100), "the timestamp is signed too"
