"""Statistics: recomputed from the recorded clock marks they equal the live figures; CSV and monthly report."""

from __future__ import annotations

import csv
import io

from complaints_market import API, Market, cst

from bazaar.plugins.complaints import calendars


async def busy_month(market: Market) -> list[str]:
    """February 2026: an ack breach, a paused investigation over the holiday, a withdrawal, a closed complaint."""
    await market.until(cst(2, 10, 9))
    late = await market.file(category="service")
    order_id = await market.order()
    paused = await market.file(subject={"type": "order", "id": order_id}, category="logistics", channel="app")
    gone = await market.file(subject={"type": "merchant", "id": market.merchant_id}, category="false_advertising")
    done = await market.file(category="privacy")
    await market.op(paused["id"], "acknowledge")
    await market.op(done["id"], "acknowledge")
    await market.op(done["id"], "report", {"findings": "Data shown to another user.", "upheld": True,
                                           "responsible_party": "platform"})
    await market.op(done["id"], "plan", {"remedies": [{"kind": "apology"}]})
    await market.me(done["id"], "plan/accept")
    await market.op(done["id"], "complete", {})
    await market.me(done["id"], "feedback", {"score": 4})
    await market.me(gone["id"], "withdraw")
    await market.until(cst(2, 13, 16))
    await market.op(paused["id"], "info-requests", {"party": "complainant", "question": "Tracking number?"})
    await market.op(paused["id"], "info-requests", {"party": "merchant", "question": "Proof of dispatch?"})
    await market.until(cst(2, 24, 11))
    await market.me(paused["id"], "answer", {"body": "SF123"})
    await market.op(paused["id"], "report", {"findings": "Lost in transit.", "upheld": False,
                                             "responsible_party": "none"})
    await market.op(late["id"], "acknowledge")
    return [late["id"], paused["id"], gone["id"], done["id"]]


async def test_figures_recomputed_from_clock_events_equal_the_live_figures(market: Market) -> None:
    await busy_month(market)
    params = {"start": "2026-02-01", "end": "2026-02-28"}
    live = (await market.c.get(f"{API}/admin/stats", params=params, headers=market.operator.headers)).json()
    calendars._BY_VERSION.clear()  # recompute on the stored calendar snapshots
    again = (await market.c.get(f"{API}/admin/stats", params={**params, "source": "events"},
                                headers=market.operator.headers)).json()
    assert live.pop("source") == "live" and again.pop("source") == "events"
    assert live == again

    assert live["complaints"] == 4
    assert live["by_category"] == {"false_advertising": 1, "logistics": 1, "privacy": 1, "service": 1}
    assert live["by_channel"] == {"app": 1, "web": 3}
    assert live["by_outcome"] == {"open": 2, "resolved": 1, "withdrawn": 1}
    assert live["by_merchant"] == {market.merchant_id: 2, "platform": 2}
    assert live["reported"] == 2 and live["upheld"] == 1 and live["upheld_rate"] == 0.5
    ack = live["clocks"]["ack"]
    assert (ack["started"], ack["fulfilled"], ack["on_time"], ack["breached"], ack["stopped"]) == (4, 3, 2, 1, 1)
    # the paused investigation used Tue 10 09:00 -> Fri 13 16:00 and Tue 24 00:00 -> 11:00 of working time
    investigate = live["clocks"]["investigate"]
    assert investigate["fulfilled"] == 2 and investigate["running"] == 1
    merchant_reply = live["clocks"]["merchant_reply"]
    assert merchant_reply["breached"] == 1 and merchant_reply["running"] == 1
    assert live["breaches"]["by_clock"] == {"ack": 1, "merchant_reply": 1}
    assert live["breaches"]["by_merchant"] == {market.merchant_id: 1, "platform": 1}
    assert live["escalations"] == {"breach": 2}
    assert live["satisfaction"] == {"answers": 1, "mean": 4.0, "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}}


async def test_paused_working_time_is_left_out_of_the_figures(market: Market) -> None:
    ids = await busy_month(market)
    clock = (await market.rows("SELECT used_seconds, paused_seconds FROM complaints_clock WHERE complaint_id = {} "
                               "AND name = 'investigate'", ids[1]))[0]
    # acknowledged Tue 10 09:00, paused Fri 13 16:00 (15 + 24 + 24 + 16 h), resumed and reported Tue 24 11:00
    assert clock["used_seconds"] == 79 * 3600
    # paused over Fri 8 h + make-up Sat 24 h + Tue 11 h (the holiday counts nothing)
    assert clock["paused_seconds"] == 43 * 3600


async def test_csv_export_and_printable_monthly_report(market: Market) -> None:
    await busy_month(market)
    r = await market.c.get(f"{API}/admin/stats", headers=market.operator.headers,
                           params={"start": "2026-02-01", "end": "2026-02-28", "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = dict(csv.reader(io.StringIO(r.text)))
    assert rows["complaints"] == "4" and rows["clocks.ack.breached"] == "1" and rows["upheld_rate"] == "0.5"
    html = await market.c.get(f"{API}/admin/reports/monthly", params={"month": "2026-02"},
                              headers=market.operator.headers)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Complaints report 2026-02" in html.text and "match the live figures" in html.text
    assert "2026-02-14" in html.text  # the make-up day of the calendar the clocks were counted on
    bad = await market.c.get(f"{API}/admin/stats", params={"start": "2026-03-01", "end": "2026-02-01"},
                             headers=market.operator.headers)
    assert bad.status_code == 422 and bad.json()["code"] == "complaints.period_invalid"
    refused = await market.c.get(f"{API}/admin/stats", params={"start": "2026-02-01", "end": "2026-02-28"},
                                 headers=market.customer.headers)
    assert refused.status_code == 403
