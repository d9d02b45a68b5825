"""The printable monthly report (HTML, print-ready CSS) an operator can hand to a regulator.

It shows the month's figures (:mod:`.stats`, live) beside the same clock figures
recomputed from the recorded marks, the policy values in force, and the calendar
versions the month's clocks were counted on.
"""

from __future__ import annotations

from html import escape
from typing import Any

from bazaar.plugins.complaints import calendars, policy, stats
from bazaar.sdk.runtime import PluginRuntime

STYLE = """
body { font: 11pt/1.4 "Noto Sans", "Helvetica Neue", Arial, sans-serif; margin: 2cm; color: #111; }
h1 { font-size: 18pt; margin-bottom: 0; } h2 { font-size: 13pt; margin-top: 1.4em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; page-break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; } td.n { text-align: right; }
.muted { color: #555; font-size: 9pt; } .ok { color: #060; } .bad { color: #a00; }
@page { size: A4; margin: 1.5cm; }
"""


def _table(head: list[str], rows: list[list[Any]]) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f'<td class="{"n" if isinstance(v, int | float) else ""}">{escape("-" if v is None else str(v))}</td>'
                         for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body or '<tr><td>none</td></tr>'}</tbody></table>"


def _counts(title: str, counts: dict[str, Any]) -> str:
    return f"<h2>{escape(title)}</h2>" + _table(["", "complaints"], [[k, v] for k, v in counts.items()])


async def monthly(rt: PluginRuntime, month: str) -> str:
    """The report of ``month`` (``YYYY-MM``) as one HTML page."""
    p = stats.month_period(rt, month)
    live = await stats.live(rt, p)
    again = await stats.recompute(rt, p)
    same = live["clocks"] == again["clocks"] and live["breaches"] == again["breaches"]
    config = rt.plugin_config("complaints")
    keys = ("ack_hours", "investigate_working_days", "plan_working_days", "execute_working_days",
            "merchant_reply_hours", "escalate_on_breach", "reopen_days", "reporter_confidential")
    lines = {line["key"]: line for line in policy.explain(config)}
    versions = {r["calendar_version"] for r in await rt.db.fetch(
        "SELECT DISTINCT k.calendar_version FROM complaints_clock k JOIN complaints_complaint c ON c.id = k.complaint_id "
        "WHERE c.created_at >= {} AND c.created_at < {}", p[0], p[1])}
    recorded = [c for c in await calendars.recorded(rt) if c["version"] in versions]
    clock_rows = [[name, f["started"], f["fulfilled"], f["on_time"], f["breached"], f["running"] + f["paused"],
                   f["median_hours"], f["p90_hours"]] for name, f in live["clocks"].items()]
    parts = [
        f"<h1>Complaints report {escape(month)}</h1>",
        f'<p class="muted">Complaints filed {escape(p[2])} to {escape(p[3])} ({escape(rt.calendar.timezone)}); '
        f"generated {escape(rt.clock.now().isoformat())}.</p>",
        "<h2>Summary</h2>",
        _table(["figure", "value"], [
            ["complaints", live["complaints"]], ["duplicates linked", live["duplicates_linked"]],
            ["reports issued", live["reported"]], ["upheld", live["upheld"]], ["upheld rate", live["upheld_rate"]],
            ["breaches", live["breaches"]["total"]],
            ["satisfaction answers", live["satisfaction"]["answers"]], ["mean satisfaction", live["satisfaction"]["mean"]],
        ]),
        _counts("By category", live["by_category"]), _counts("By channel", live["by_channel"]),
        _counts("By outcome", live["by_outcome"]), _counts("By merchant", live["by_merchant"]),
        "<h2>Clocks</h2>",
        _table(["clock", "started", "fulfilled", "on time", "breached", "open", "median h", "p90 h"], clock_rows),
        f'<p class="{"ok" if same else "bad"}">Clock figures recomputed from the recorded clock events '
        f'{"match" if same else "DO NOT match"} the live figures.</p>',
        "<h2>Breaches by merchant</h2>",
        _table(["merchant", "breaches"], [[k, v] for k, v in live["breaches"]["by_merchant"].items()]),
        "<h2>Follow-up surveys</h2>",
        _table(["merchant", "sent", "answered", "mean"],
               [[m, v["sent"], v["answered"], v["mean"]] for m, v in live["followup_surveys"].items()]),
        "<h2>Policy in force</h2>",
        _table(["key", "value", "origin", "source"],
               [[k, lines[k]["value"], lines[k]["origin"], lines[k]["source"]] for k in keys if k in lines]),
        "<h2>Calendars the clocks were counted on</h2>",
        _table(["version", "zone", "holidays", "make-up working days"],
               [[c["version"], c["timezone"], ", ".join(c["holidays"]) or "-", ", ".join(c["workdays"]) or "-"]
                for c in recorded]),
        '<p class="muted">Working-day clocks count from the day after they start and end at 24:00 of the last '
        "working day; make-up working days count; paused time (waiting on the complainant, suspension) is left "
        "out. Medians are the middle value; p90 is the nearest-rank 90th percentile.</p>",
    ]
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Complaints report {escape(month)}'
            f"</title><style>{STYLE}</style></head><body>{''.join(parts)}</body></html>")
