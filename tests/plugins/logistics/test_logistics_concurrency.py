"""Concurrency on PostgreSQL: the same push twice at once, the same remittance key twice at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from logistics_market import make_market
from test_logistics_cod import cod_market, delivered_cod_order, upload
from test_logistics_hostile import PUSH, push_body, shipped, signed

pytestmark = pytest.mark.bazaar_engines("postgres")


async def test_the_same_push_delivered_twice_at_once_is_applied_once(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    order_id, shipment_id, waybill = await shipped(m)
    m.kit.auto_run_due = False
    for code in ("PICKUP", "TRANSIT", "OFD", "SIGN_SELF"):
        m.kit.clock.advance(timedelta(minutes=1))
        body = push_body(waybill, code, m.kit.clock.now(), push_id=f"sbk_{code}")
        answers = await asyncio.gather(*[m.c.post(PUSH, content=body, headers=signed(m, body)) for _ in range(4)])
        assert [a.status_code for a in answers] == [200] * 4
    m.kit.auto_run_due = True
    await m.kit.run_due()
    scans = await m.rt.db.fetch("SELECT code FROM logistics_scan WHERE waybill = {} ORDER BY at", waybill)
    assert [s["code"] for s in scans] == ["BOOKED", "PICKUP", "TRANSIT", "OFD", "SIGN_SELF"]
    new = await m.rt.db.fetchrow("SELECT SUM(new_events) AS n, COUNT(*) AS pushes FROM logistics_push "
                                 "WHERE outcome = 'accepted'")
    assert int(new["n"]) == 5 and int(new["pushes"]) == 17
    assert len(await m.outbox("order.delivered")) == 1 and len(await m.outbox("shipment.delivered")) == 1
    assert (await m.order(order_id))["state"] == "delivered"


async def test_two_uploads_with_the_same_key_at_once_make_one_reconciliation(bazaar_factory: Any) -> None:
    m = await cod_market(bazaar_factory)
    order_id, waybill = await delivered_cod_order(m)
    total = (await m.order(order_id))["totals"]["total"]["amount"]
    csv = f"waybill,collected,fee,outcome,collected_at\n{waybill},{total / 100:.2f},1.00,collected,\n"
    answers = await asyncio.gather(*[upload(m, csv, "same-key") for _ in range(3)])
    assert [a.status_code for a in answers] == [201] * 3, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert answers[0].json()["counts"]["matched"] == 1
    rows = await m.rt.db.fetchrow("SELECT COUNT(*) AS n FROM logistics_cod_remittance")
    entries = await m.rt.db.fetchrow("SELECT COUNT(*) AS n FROM payments_entry WHERE order_id = {}", order_id)
    assert int(rows["n"]) == 1 and int(entries["n"]) == 1
    await m.assert_balanced()
