"""Clock stories with the clock moved: acknowledgement at 24 h, the Spring Festival, pauses, breaches.

Every test runs on SQLite and PostgreSQL (the kit's engines); time moves with the
kit's ManualClock, never by sleeping.
"""

from __future__ import annotations

from datetime import timedelta

from complaints_market import API, Market, at, clock, cst

MINUTE = timedelta(minutes=1)


async def test_acknowledgement_breaches_at_24_hours_and_escalates(market: Market) -> None:
    filed = market.kit.clock.now()
    body = await market.file()
    ack = clock(body, "ack")
    assert at(ack["due_at"]) == filed + timedelta(hours=24)
    assert body["whose_move"] == {"party": "platform", "action": "acknowledge", "due_at": ack["due_at"]}
    assert body["state"] == "received" and body["allowed_actions"] == ["withdraw"]

    await market.until(filed + timedelta(hours=24) - MINUTE)
    body = await market.get(body["id"])
    assert clock(body, "ack")["breached_at"] is None and not body["escalated"]

    await market.until(filed + timedelta(hours=24))
    body = await market.get(body["id"])
    assert at(clock(body, "ack")["breached_at"]) == filed + timedelta(hours=24)
    assert body["escalated"] is True
    queue = await market.c.get(f"{API}/admin/escalations", headers=market.operator.headers)
    assert [(e["complaint_id"], e["reason"]) for e in queue.json()] == [(body["id"], "breach")]

    # a late acknowledgement is accepted; the breach stands and the investigation clock starts
    await market.until(filed + timedelta(hours=30))
    body = await market.op(body["id"], "acknowledge")
    ack = clock(body, "ack")
    assert ack["state"] == "fulfilled" and ack["breached_at"] is not None
    assert clock(body, "investigate")["state"] == "running"
    marks = await market.rows("SELECT kind FROM complaints_clock_mark WHERE clock_id = {} ORDER BY seq", ack["id"])
    assert [m["kind"] for m in marks] == ["started", "warned", "breached", "fulfilled"]


async def test_investigation_over_the_spring_festival_counts_the_make_up_saturday(market: Market) -> None:
    await market.until(cst(2, 13, 10))  # Friday before the holiday
    body = await market.file()
    body = await market.op(body["id"], "acknowledge")
    investigate = clock(body, "investigate")
    # Sat 14 (make-up) is working day 1, Feb 15-23 are off, Tue 24 is day 2, Wed 25 day 3: due at its 24:00
    assert at(investigate["due_at"]) == cst(2, 26)
    assert investigate["unit"] == "working_days" and investigate["amount"] == 3
    assert body["whose_move"]["party"] == "platform" and at(body["whose_move"]["due_at"]) == cst(2, 26)

    await market.until(cst(2, 26) - MINUTE)
    assert clock(await market.get(body["id"]), "investigate")["breached_at"] is None
    await market.until(cst(2, 26))
    assert at(clock(await market.get(body["id"]), "investigate")["breached_at"]) == cst(2, 26)


async def test_waiting_on_the_complainant_moves_the_due_time_by_exactly_the_paused_working_time(market: Market) -> None:
    await market.until(cst(2, 12, 15))  # Thursday
    body = await market.file()
    body = await market.op(body["id"], "acknowledge")
    assert at(clock(body, "investigate")["due_at"]) == cst(2, 25)  # Fri 13, Sat 14, Tue 24

    await market.until(cst(2, 13, 16))
    body = await market.op(body["id"], "info-requests", {"party": "complainant", "question": "A photo of the leak?"})
    assert body["state"] == "awaiting_complainant"
    investigate = clock(body, "investigate")
    assert investigate["paused"] is True and investigate["due_at"] is None
    # the complainant's own due time: 5 working days (Sat 14, Tue 24, Wed 25, Thu 26, Fri 27)
    assert body["whose_move"] == {"party": "complainant", "action": "answer", "due_at": body["whose_move"]["due_at"]}
    assert at(body["whose_move"]["due_at"]) == cst(2, 28)

    # paused: 8 h of Friday, 24 h of the make-up Saturday, nothing over the holiday, 10 h of Tuesday = 42 h
    await market.until(cst(2, 24, 10))
    body = await market.me(body["id"], "answer", {"body": "Photo attached in the next message."})
    investigate = clock(body, "investigate")
    assert investigate["paused"] is False
    assert at(investigate["due_at"]) == cst(2, 25) + timedelta(hours=24) + timedelta(hours=18)  # Thu 26 18:00
    assert body["whose_move"]["party"] == "platform"

    await market.until(cst(2, 26, 18) - MINUTE)
    assert clock(await market.get(body["id"]), "investigate")["breached_at"] is None
    await market.until(cst(2, 26, 18))
    assert at(clock(await market.get(body["id"]), "investigate")["breached_at"]) == cst(2, 26, 18)
