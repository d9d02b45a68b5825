"""A calendar changed mid-clock: running clocks keep the version they started on; new ones take the new one."""

from __future__ import annotations

from typing import Any

from complaints_market import API, SPRING_2026, Market, at, clock, cst, make_market

from bazaar.plugins.complaints import calendars

PLAIN = {"timezone": "Asia/Shanghai", "holidays": [], "workdays": []}


async def test_running_clocks_keep_their_calendar_version(bazaar_factory: Any) -> None:
    market: Market = await make_market(bazaar_factory, calendar=PLAIN, start=cst(2, 12, 15))
    body = await market.op((await market.file())["id"], "acknowledge")
    old = clock(body, "investigate")
    assert at(old["due_at"]) == cst(2, 18)  # Fri 13, Mon 16, Tue 17: no holiday known yet

    # the operator publishes the Spring Festival: a second app on the same database and clock
    after = await bazaar_factory(plugins=["complaints", "testing.payments"],
                                 config={"complaints": {"preset": "cn"}, "testing.payments": {"start_status": "paid"}},
                                 settings={"calendar": SPRING_2026}, clock=market.kit.clock)
    assert after.runtime.calendar.version != old["calendar_version"]
    market.kit = after  # from now on every request goes to the new app
    calendars._BY_VERSION.clear()  # as in a new process: the old calendar comes back from its stored snapshot

    # paused Fri 16:00 -> Mon 10:00: on the old calendar 8 h of Friday + 10 h of Monday = 18 h
    await market.until(cst(2, 13, 16))
    await market.op(body["id"], "info-requests", {"party": "complainant", "question": "Which model?"})
    await market.until(cst(2, 16, 10))
    body = await market.me(body["id"], "answer", {"body": "Model K-2"})
    running = clock(body, "investigate")
    assert running["calendar_version"] == old["calendar_version"]
    assert at(running["due_at"]) == cst(2, 18, 18)
    marks = await market.rows("SELECT kind FROM complaints_clock_mark WHERE clock_id = {} ORDER BY seq", old["id"])
    assert [m["kind"] for m in marks] == ["started", "paused", "resumed"]

    # a complaint acknowledged now counts on the new calendar (Feb 16-23 off there)
    fresh = await market.op((await market.file(category="service"))["id"], "acknowledge")
    assert clock(fresh, "investigate")["calendar_version"] == after.runtime.calendar.version
    assert at(clock(fresh, "investigate")["due_at"]) == cst(2, 27)  # Tue 24, Wed 25, Thu 26

    listed = await market.c.get(f"{API}/admin/calendars", headers=market.operator.headers)
    versions = {c["version"]: c for c in listed.json()}
    assert set(versions) == {old["calendar_version"], after.runtime.calendar.version}
    assert versions[after.runtime.calendar.version]["workdays"] == ["2026-02-14", "2026-02-28"]
    assert versions[old["calendar_version"]]["holidays"] == []
