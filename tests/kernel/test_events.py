"""Domain events: outbox in the transaction, delivery to subscribed plugins after commit, retries."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from litestar import post
from thing_events import OtherCreated, ThingCreated, emitter

from bazaar.core.kernel.events import DELIVER_TO_PLUGIN
from bazaar.core.kernel.runtime import RuntimeDep
from bazaar.sdk.errors import PluginError
from bazaar.sdk.events import (
    AnyEvent,
    By,
    CheckoutSettled,
    Event,
    ListingStatusChanged,
    MerchantStatusChanged,
    OrderCancelled,
    OrderPaid,
    UnknownEvent,
)
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.types import HookContext

SEEN_TABLE = "CREATE TABLE IF NOT EXISTS listener_seen (event_id VARCHAR(40) NOT NULL, plugin VARCHAR(40) NOT NULL)"


class Listener:
    """A subscriber that records what it receives and can be told to fail N times."""

    def __init__(self, pid: str, subscribes: tuple[str, ...], fail_times: int = 0) -> None:
        self.pid = pid
        self.received: list[AnyEvent] = []
        self.fail_times = fail_times
        listener = self

        class Hooks:
            def __init__(self, context: Any) -> None:
                self.context = context

            @hookimpl
            async def bazaar_handle_event(self, event: AnyEvent, ctx: HookContext) -> None:
                listener.received.append(event)
                rt = self.context.runtime
                assert rt.db.in_transaction(), "handlers run in their own transaction"
                await rt.db.execute("INSERT INTO listener_seen (event_id, plugin) VALUES ({}, {})", event.id, listener.pid)
                if listener.fail_times > 0:
                    listener.fail_times -= 1
                    raise ConnectionError("downstream unavailable")

        self.plugin = Plugin(id=pid, version="1.0.0", summary="listens", hooks=Hooks, subscribes=subscribes)


@post("/emitter/things", operation_id="emitter_create", status_code=201, opt={"auth": "public"})
async def create_thing(rt: RuntimeDep) -> dict[str, str]:
    async with rt.unit_of_work():
        event_id = await rt.emit(ThingCreated(thing_id="thg_http", name="via-http"))
    return {"event_id": event_id}


EMITTER = emitter(routes=(create_thing,))


async def start(bazaar_factory, *listeners: Listener, **kwargs: Any):
    kit = await bazaar_factory(plugins=[lst.pid for lst in listeners] + ["emitter"], extra=[*(lst.plugin for lst in listeners), EMITTER], **kwargs)
    await kit.runtime.db.execute(SEEN_TABLE)
    return kit


async def emit(kit, event: Event) -> str:
    rt = kit.runtime
    async with rt.unit_of_work():
        return await rt.emit(event)


async def emit_untyped(kit, type_: str, data: dict | None = None, subject: str | None = None) -> str:
    rt = kit.runtime
    async with rt.unit_of_work():
        return await rt.events.emit_untyped(type_, data or {}, subject=subject)


async def seen_rows(kit) -> list[dict[str, Any]]:
    return await kit.runtime.db.fetch("SELECT event_id, plugin FROM listener_seen ORDER BY plugin")


async def test_event_is_delivered_after_commit_as_its_typed_struct(bazaar_factory):
    things = Listener("things", ("thing.*",))
    kit = await start(bazaar_factory, things)
    rt = kit.runtime
    async with rt.unit_of_work():
        event_id = await rt.emit(ThingCreated(thing_id="thg_1", name="lamp", n=2))
        assert things.received == []
    assert things.received == [], "delivery waits for the worker"
    assert await kit.run_due() == 1
    (event,) = things.received
    assert isinstance(event, ThingCreated)
    assert event == ThingCreated(id=event_id, occurred_at=kit.clock.now(), thing_id="thg_1", name="lamp", n=2)
    assert event.type == "thing.created" and event.subject == "thg_1"
    row = await rt.db.fetchrow("SELECT type, subject FROM kernel_outbox WHERE id = {}", event_id)
    assert row == {"type": "thing.created", "subject": "thg_1"}
    assert await seen_rows(kit) == [{"event_id": event_id, "plugin": "things"}]
    assert await kit.run_due() == 0, "delivered once"
    assert len(things.received) == 1


async def test_event_emitted_by_a_request_is_delivered_after_the_response(bazaar_factory):
    things = Listener("things", ("thing.*",))
    kit = await start(bazaar_factory, things)
    r = await kit.client.post("/api/v1/emitter/things")
    assert r.status_code == 201, r.text
    assert [e.id for e in things.received] == [r.json()["event_id"]]
    assert things.received[0].name == "via-http"


async def test_event_in_a_rolled_back_transaction_is_never_delivered(bazaar_factory):
    things = Listener("things", ("thing.*",))
    kit = await start(bazaar_factory, things)
    rt = kit.runtime
    with pytest.raises(RuntimeError, match="changed my mind"):
        async with rt.unit_of_work():
            await rt.emit(ThingCreated(thing_id="thg_ghost", name="ghost"))
            raise RuntimeError("changed my mind")
    assert await kit.advance(timedelta(days=1)) == 0
    assert things.received == []
    assert await rt.db.fetch("SELECT id FROM kernel_outbox") == []
    assert await rt.db.fetch("SELECT id FROM kernel_timer") == []


async def test_emit_outside_a_unit_of_work_is_refused(bazaar_factory):
    kit = await start(bazaar_factory)
    with pytest.raises(RuntimeError, match="inside a unit of work"):
        await kit.runtime.emit(ThingCreated())


async def test_events_not_matching_subscribes_are_not_delivered(bazaar_factory):
    things = Listener("things", ("thing.*",))
    paid = Listener("paid", ("order.paid",))
    kit = await start(bazaar_factory, things, paid)
    await emit(kit, OtherCreated())
    for type_ in ("thing", "things.created", "order.paid.late", "order.shipped"):
        await emit_untyped(kit, type_)
    order_paid = await emit(kit, OrderPaid(order_id="ord_1", checkout_id="chk_1", merchant_id="mch_1",
                                           customer_id="usr_1", from_state="pending_payment", paid_at=kit.clock.now()))
    thing_created = await emit(kit, ThingCreated())
    await kit.run_due()
    assert [e.id for e in things.received] == [thing_created]
    assert [e.id for e in paid.received] == [order_paid]


async def test_failing_handler_is_retried_with_backoff_and_gets_the_same_event(bazaar_factory):
    flaky = Listener("flaky", ("thing.*",), fail_times=2)
    kit = await start(bazaar_factory, flaky, settings={"worker": {"backoff_base_seconds": 10, "max_attempts": 5}})
    event_id = await emit(kit, ThingCreated(thing_id="thg_1", n=1))
    await kit.run_due()
    assert len(flaky.received) == 1  # first attempt failed
    assert await kit.run_due() == 0 and len(flaky.received) == 1, "no retry before the backoff"
    await kit.advance(timedelta(seconds=9))
    assert len(flaky.received) == 1
    await kit.advance(timedelta(seconds=1))  # 10 s after the first attempt
    assert len(flaky.received) == 2  # second attempt failed; next one 20 s later
    await kit.advance(timedelta(seconds=19))
    assert len(flaky.received) == 2
    assert await kit.advance(timedelta(seconds=1)) == 1
    assert [e.id for e in flaky.received] == [event_id] * 3, "at least once: same event id each time"
    # the failed attempts' writes rolled back with them; only the successful one is kept
    assert await seen_rows(kit) == [{"event_id": event_id, "plugin": "flaky"}]
    timer = await kit.runtime.db.fetchrow("SELECT status, attempts, last_error FROM kernel_timer WHERE kind = {}", DELIVER_TO_PLUGIN)
    assert timer["status"] == "done" and timer["attempts"] == 3
    assert "PluginFailed" in timer["last_error"]
    await kit.advance(timedelta(days=1))
    assert len(flaky.received) == 3


async def test_each_subscriber_is_retried_on_its_own(bazaar_factory):
    steady = Listener("steady", ("thing.*",))
    flaky = Listener("flaky", ("thing.*",), fail_times=1)
    kit = await start(bazaar_factory, steady, flaky, settings={"worker": {"backoff_base_seconds": 5}})
    event_id = await emit(kit, ThingCreated())
    await kit.run_due()
    assert len(steady.received) == 1 and len(flaky.received) == 1
    await kit.advance(timedelta(seconds=5))
    assert len(steady.received) == 1, "the one that succeeded is not called again"
    assert len(flaky.received) == 2
    assert await seen_rows(kit) == [{"event_id": event_id, "plugin": "flaky"}, {"event_id": event_id, "plugin": "steady"}]


async def test_delivery_gives_up_after_max_attempts(bazaar_factory):
    broken = Listener("broken", ("thing.*",), fail_times=100)
    kit = await start(bazaar_factory, broken, settings={"worker": {"backoff_base_seconds": 1, "max_attempts": 3}})
    await emit(kit, ThingCreated())
    await kit.run_due()
    await kit.advance(timedelta(seconds=1))
    await kit.advance(timedelta(seconds=2))
    assert len(broken.received) == 3
    await kit.advance(timedelta(days=1))
    assert len(broken.received) == 3
    timer = await kit.runtime.db.fetchrow("SELECT status, attempts FROM kernel_timer WHERE kind = {}", DELIVER_TO_PLUGIN)
    assert timer == {"status": "failed", "attempts": 3}
    assert await seen_rows(kit) == []


# --- typing rules and the evolution rule -------------------------------------------------------


class Undeclared(Event, frozen=True, kw_only=True, tag="undeclared.thing"):
    """An event no plugin lists on its ``Plugin(events=...)``."""


class Untagged(Event, frozen=True, kw_only=True):
    """An event class without a tag (msgspec would tag it with its class name)."""


class Undocumented(Event, frozen=True, kw_only=True, tag="undocumented.thing"):
    pass


async def test_only_typed_and_declared_events_are_emitted(bazaar_factory):
    kit = await start(bazaar_factory)
    rt = kit.runtime
    with pytest.raises(PluginError, match=r"Undeclared \('undeclared.thing'\) is not declared"):
        async with rt.unit_of_work():
            await rt.emit(Undeclared())
    with pytest.raises(TypeError, match="takes a bazaar.sdk.events.Event"):
        async with rt.unit_of_work():
            await rt.emit({"type": "thing.created"})  # type: ignore[arg-type]
    assert await rt.db.fetch("SELECT id FROM kernel_outbox") == []


def test_a_plugin_listing_something_else_than_an_event_does_not_start():
    from bazaar.core.kernel.config import load_settings
    from bazaar.core.kernel.plugins import PluginHost

    settings = load_settings(environ={}, overrides={"plugins": {"enabled": ["odd"]}})
    for listed, message in ((dict, "<class 'dict'> is not a subclass"), (Untagged, 'Untagged needs tag="<noun>.<verb>"'),
                            (Undocumented, "Undocumented needs a docstring")):
        odd = Plugin(id="odd", version="1.0.0", summary="lists something odd", events=(listed,))
        with pytest.raises(PluginError, match=f"plugin 'odd': events: {re.escape(message)}"):
            PluginHost.build(settings, extra=[odd], discover_installed=False)


async def test_an_event_of_a_type_with_no_class_arrives_as_unknown_event(bazaar_factory):
    things = Listener("things", ("thing.*", "wishlist*"))
    kit = await start(bazaar_factory, things)
    event_id = await emit_untyped(kit, "wishlists.created", {"merchant_id": "mch_1", "rating": 4}, subject="wsh_1")
    await kit.run_due()
    (event,) = things.received
    assert event == UnknownEvent(id=event_id, type="wishlists.created", occurred_at=kit.clock.now(), subject="wsh_1",
                                 data={"merchant_id": "mch_1", "rating": 4})


#: rows as the core wrote them before typed events (``emit(type, {dict}, subject=...)``)
OLD_ROWS = [
    ("order.paid", {"order_id": "ord_1", "checkout_id": "chk_1", "merchant_id": "mch_1", "customer_id": "usr_1",
                    "from": "pending_payment", "to": "paid", "event": "pay", "reason": "payment confirmed",
                    "plugin": "payments.escrow"}),
    ("order.cancelled", {"order_id": "ord_2", "checkout_id": "chk_2", "merchant_id": "mch_1", "customer_id": "usr_1",
                         "from": "pending_payment", "to": "cancelled", "event": "expire",
                         "reason": "payment not received in time", "plugin": None}),
    ("merchant.active", {"merchant_id": "mch_1", "from": "pending", "to": "active", "reason": "approved",
                         "plugin": "qualification"}),
    ("product.live", {"product_id": "prd_1", "merchant_id": "mch_1", "from": "in_review", "to": "live",
                      "reasons": [], "plugin": None, "actor_id": "usr_op"}),
    ("checkout.paid", {"checkout_id": "chk_1", "customer_id": "usr_1"}),
]


async def test_rows_written_in_the_old_shape_still_decode(bazaar_factory):
    """The evolution rule: events already in an outbox before typed events reach subscribers typed."""
    everything = Listener("everything", ("order.*", "merchant.*", "product.*", "checkout.*"))
    kit = await start(bazaar_factory, everything)
    ids = [await emit_untyped(kit, type_, data, subject=data.get("order_id") or data.get("merchant_id"))
           for type_, data in OLD_ROWS]
    await kit.run_due()
    got = {e.id: e for e in everything.received}
    assert sorted(got) == sorted(ids)
    now = kit.clock.now()
    paid, cancelled, active, live, settled = (got[i] for i in ids)
    assert paid == OrderPaid(id=ids[0], occurred_at=now, order_id="ord_1", checkout_id="chk_1", merchant_id="mch_1",
                             customer_id="usr_1", from_state="pending_payment", reason="payment confirmed",
                             by=By(kind="plugin", plugin="payments.escrow"), paid_at=now)
    assert isinstance(cancelled, OrderCancelled)
    assert (cancelled.cancel_reason, cancelled.cancelled_at, cancelled.by.kind) == ("unpaid_timeout", now, "system")
    assert active == MerchantStatusChanged(id=ids[2], occurred_at=now, merchant_id="mch_1", from_status="pending",
                                           to_status="active", reason="approved",
                                           by=By(kind="plugin", plugin="qualification"))
    assert isinstance(live, ListingStatusChanged)
    assert (live.type, live.event, live.to_status, live.by) == ("product.status_changed", "approve", "live",
                                                                By(kind="operator", id="usr_op"))
    assert settled == CheckoutSettled(id=ids[4], occurred_at=now, checkout_id="chk_1", customer_id="usr_1",
                                      outcome="paid")
