"""The receipt clock: auto-confirm by moving the clock, one extension, pause during after-sales."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import post
from payments_market import Market, make_market

from bazaar.sdk import services
from bazaar.sdk.api import RuntimeDep
from bazaar.sdk.plugin import Plugin

STANDIN = "aftersales_standin"


@post("/aftersales-standin/{order_id:str}/{what:str}", operation_id="aftersales_standin", status_code=204,
      opt={"auth": "operator"})
async def standin_case(rt: RuntimeDep, order_id: str, what: str) -> None:
    """Stand-in for the after-sales plugin: open / close a case through the ``set_aftersales_open``
    facade, which emits ``order.aftersales_opened`` / ``order.aftersales_closed``."""
    await services.set_aftersales_open(rt, order_id, what == "opened", plugin=STANDIN, case_id="case-1")


def standin() -> Plugin:
    return Plugin(id=STANDIN, version="0.0.1", summary="opens and closes after-sales cases (test stand-in)",
                  routes=(standin_case,))


async def shipped(m: Market) -> dict[str, Any]:
    body = await m.paid((1, 0))
    order = body["orders"][0]
    await m.ship(order)
    return order


def due(view: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(view["confirm_due_at"].replace("Z", "+00:00"))


async def test_auto_confirm_when_the_window_ends(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    order = await shipped(m)
    view = await m.payment_of(order["id"])
    # shipped 2026-01-05 09:00 Shanghai: 10 days from the next day end at 24:00 on the 15th (Shanghai)
    assert view["confirm_due_at"] == "2026-01-15T16:00:00Z"
    await m.advance(days=10, hours=14, minutes=59)
    assert await m.order_state(order["id"]) == "shipped"
    assert (await m.payment_of(order["id"]))["held"] == order["totals"]["total"]["amount"]
    await m.advance(minutes=1)
    assert await m.order_state(order["id"]) == "completed"
    view = await m.payment_of(order["id"])
    assert view["state"] == "released" and view["held"] == 0
    await m.assert_balanced()


async def test_one_extension_near_the_end_only(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    order = await shipped(m)
    url = f"/api/v1/payments/orders/{order['id']}/extend-receipt"
    r = await m.c.post(url, headers=m.customer.headers)
    assert r.status_code == 409 and r.json()["code"] == "payments.extension_refused"
    assert "last 3 days" in r.json()["detail"]
    other = await m.kit.user()
    r = await m.c.post(url, headers=other.headers)
    assert r.status_code == 404  # not yours looks like not there
    await m.advance(days=8)
    before = due(await m.payment_of(order["id"]))
    r = await m.c.post(url, headers=m.customer.headers)
    assert r.status_code == 200, r.text
    assert due(r.json()) - before == (due(r.json()) - before).__class__(days=3) and r.json()["extensions"] == 1
    r = await m.c.post(url, headers=m.customer.headers)
    assert r.status_code == 409 and "already extended" in r.json()["detail"]
    await m.advance(days=3)  # the original end has passed
    assert await m.order_state(order["id"]) == "shipped"
    await m.advance(days=3)
    assert await m.order_state(order["id"]) == "completed"
    await m.assert_balanced()


async def test_aftersales_case_pauses_auto_confirm_and_release_then_resumes(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory, extra=(standin(),), plugins=(STANDIN,))
    order = await shipped(m)
    total = order["totals"]["total"]["amount"]
    await m.advance(days=5)
    r = await m.c.post(f"/api/v1/aftersales-standin/{order['id']}/opened", headers=m.operator.headers)
    assert r.status_code == 204, r.text
    assert (await m.payment_of(order["id"]))["paused"] is True
    await m.advance(days=30)  # far past the original window: nothing happens while the case is open
    assert await m.order_state(order["id"]) == "shipped"
    assert (await m.payment_of(order["id"]))["held"] == total
    r = await m.c.post(f"/api/v1/orders/{order['id']}/extend-receipt".replace("/orders/", "/payments/orders/"),
                       headers=m.customer.headers)
    assert r.status_code == 409 and "paused" in r.json()["detail"]

    # the customer confirms receipt during the case: the order completes, the release waits
    r = await m.c.post(f"/api/v1/orders/{order['id']}/confirm-receipt", headers=m.customer.headers)
    assert r.status_code == 200
    view = await m.payment_of(order["id"])
    assert view["state"] == "held" and view["held"] == total
    r = await m.c.post(f"/api/v1/aftersales-standin/{order['id']}/closed", headers=m.operator.headers)
    assert r.status_code == 204
    view = await m.payment_of(order["id"])
    assert view["state"] == "released" and view["held"] == 0 and view["released"] == total
    await m.assert_balanced()


async def test_case_closed_resumes_the_clock_with_the_time_that_was_left(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory, extra=(standin(),), plugins=(STANDIN,))
    order = await shipped(m)
    await m.advance(days=4)
    left = due(await m.payment_of(order["id"])) - m.kit.clock.now()
    await m.c.post(f"/api/v1/aftersales-standin/{order['id']}/opened", headers=m.operator.headers)
    await m.advance(days=20)
    await m.c.post(f"/api/v1/aftersales-standin/{order['id']}/closed", headers=m.operator.headers)
    view = await m.payment_of(order["id"])
    assert view["paused"] is False
    assert due(view) - m.kit.clock.now() == left
    await m.advance(seconds=left.total_seconds() - 60)
    assert await m.order_state(order["id"]) == "shipped"
    await m.advance(minutes=1)
    assert await m.order_state(order["id"]) == "completed"
    assert (await m.payment_of(order["id"]))["state"] == "released"
