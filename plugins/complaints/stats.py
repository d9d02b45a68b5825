"""Statistics for a period, live (from the stored rows) or recomputed from the recorded clock marks.

Complaints count when they were filed in the period (days in the calendar's zone, both
ends included). Every figure is defined in docs/complaints.md; in short:

* counts by category, merchant, channel and outcome (``open`` while not closed);
* ``upheld_rate`` = upheld reports / reports;
* per clock: started, fulfilled, ``on_time`` (fulfilled, never breached), breached,
  running, paused, stopped; ``median_hours`` and ``p90_hours`` (nearest rank) of the
  running time fulfilled clocks used (real hours for ``hours`` clocks, working hours for
  ``working_days`` clocks, pauses left out);
* breaches by clock, category and who was due (the merchant for ``merchant_reply``,
  else ``platform``); escalations by reason;
* satisfaction: answers, mean, 1-5 distribution; follow-up surveys per merchant.

:func:`live` reads the clock rows as they were kept; :func:`recompute` folds every
clock's marks again on the calendar version it started with. Both must agree.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from bazaar.plugins.complaints import calendars, clockwork, policy
from bazaar.plugins.complaints.clocks import fold
from bazaar.plugins.complaints.errors import PeriodInvalid
from bazaar.sdk.errors import FieldProblem
from bazaar.sdk.runtime import PluginRuntime

Period = tuple[datetime, datetime, str, str]
CLOCK_NAMES = tuple(policy.CLOCKS)


def period(rt: PluginRuntime, start: str, end: str) -> Period:
    """``[00:00 of start, 24:00 of end)`` in the calendar's zone (``422`` when reversed or longer than 3 years)."""
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise PeriodInvalid("dates must be YYYY-MM-DD", errors=[FieldProblem(field="start", reason="a date")]) from None
    if last < first or (last - first).days > 3 * 366:
        raise PeriodInvalid("the period must run forwards and span at most three years",
                            errors=[FieldProblem(field="end", reason="on or after start, within three years")])
    return rt.calendar.start_of_day(first), rt.calendar.end_of_day(last), start, end


def _hours(seconds: list[int]) -> dict[str, float | None]:
    values = [s / 3600 for s in seconds]
    med, p90 = policy.median(values), policy.percentile(values, 90)
    return {"median_hours": round(med, 2) if med is not None else None,
            "p90_hours": round(p90, 2) if p90 is not None else None}


def _clock_figures(clocks: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-clock figures from clock records with ``name``, ``state``, ``breached``, ``used_seconds``."""
    out: dict[str, Any] = {}
    for name in CLOCK_NAMES:
        mine = [c for c in clocks if c["name"] == name]
        used = [c["used_seconds"] for c in mine if c["state"] == "fulfilled"]
        out[name] = {
            "started": len(mine),
            "fulfilled": len(used),
            "on_time": sum(1 for c in mine if c["state"] == "fulfilled" and not c["breached"]),
            "breached": sum(1 for c in mine if c["breached"]),
            "running": sum(1 for c in mine if c["state"] == "running"),
            "paused": sum(1 for c in mine if c["state"] == "paused"),
            "stopped": sum(1 for c in mine if c["state"] == "stopped"),
            **_hours(used),
        }
    return out


def _breaches(clocks: list[dict[str, Any]]) -> dict[str, Any]:
    late = [c for c in clocks if c["breached"]]
    return {"total": len(late),
            "by_clock": dict(sorted(Counter(c["name"] for c in late).items())),
            "by_category": dict(sorted(Counter(c["category"] for c in late).items())),
            "by_merchant": dict(sorted(Counter(
                c["merchant_id"] if c["actor"] == "merchant" and c["merchant_id"] else "platform" for c in late).items()))}


async def _complaints(rt: PluginRuntime, p: Period) -> list[dict[str, Any]]:
    return await rt.db.fetch(
        "SELECT id, category, merchant_id, channel, outcome, upheld, satisfaction, duplicates, state "
        "FROM complaints_complaint WHERE created_at >= {} AND created_at < {} ORDER BY id", p[0], p[1])


async def _common(rt: PluginRuntime, p: Period, source: str, complaints: list[dict[str, Any]]) -> dict[str, Any]:
    reported = [c for c in complaints if c["upheld"] is not None]
    upheld = [c for c in reported if c["upheld"]]
    scores = [int(c["satisfaction"]) for c in complaints if c["satisfaction"] is not None]
    ids = [c["id"] for c in complaints]
    escalated: Counter[str] = Counter()
    if ids:
        marks = ", ".join("{}" for _ in ids)
        for e in await rt.db.fetch(f"SELECT reason FROM complaints_escalation WHERE complaint_id IN ({marks})", *ids):
            escalated[e["reason"]] += 1
    surveys: dict[str, dict[str, Any]] = defaultdict(lambda: {"sent": 0, "answered": 0, "score_sum": 0})
    for s in await rt.db.fetch("SELECT merchant_id, score FROM complaints_survey WHERE opened_at >= {} AND "
                               "opened_at < {}", p[0], p[1]):
        line = surveys[s["merchant_id"]]
        line["sent"] += 1
        if s["score"] is not None:
            line["answered"] += 1
            line["score_sum"] += int(s["score"])
    return {
        "source": source, "period": {"start": p[2], "end": p[3], "timezone": rt.calendar.timezone},
        "complaints": len(complaints),
        "duplicates_linked": sum(int(c["duplicates"]) for c in complaints),
        "by_category": dict(sorted(Counter(c["category"] for c in complaints).items())),
        "by_merchant": dict(sorted(Counter(c["merchant_id"] or "platform" for c in complaints).items())),
        "by_channel": dict(sorted(Counter(c["channel"] for c in complaints).items())),
        "by_outcome": dict(sorted(Counter(c["outcome"] or "open" for c in complaints).items())),
        "reported": len(reported), "upheld": len(upheld), "upheld_rate": policy.rate(len(upheld), len(reported)),
        "escalations": dict(sorted(escalated.items())),
        "satisfaction": {"answers": len(scores),
                         "mean": round(sum(scores) / len(scores), 2) if scores else None,
                         "distribution": {str(k): scores.count(k) for k in range(1, 6)}},
        "followup_surveys": {m: {"sent": v["sent"], "answered": v["answered"],
                                 "mean": round(v["score_sum"] / v["answered"], 2) if v["answered"] else None}
                             for m, v in sorted(surveys.items())},
    }


async def _clock_rows(rt: PluginRuntime, complaints: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [c["id"] for c in complaints]
    if not ids:
        return []
    marks = ", ".join("{}" for _ in ids)
    return await rt.db.fetch(f"SELECT * FROM complaints_clock WHERE complaint_id IN ({marks}) ORDER BY id", *ids)


async def live(rt: PluginRuntime, p: Period) -> dict[str, Any]:
    """Figures from the rows as kept (clock rows: state, breached_at, used_seconds)."""
    complaints = await _complaints(rt, p)
    clocks = [{"name": c["name"], "state": c["state"], "breached": c["breached_at"] is not None,
               "used_seconds": c["used_seconds"], "category": c["category"], "merchant_id": c["merchant_id"],
               "actor": c["actor"]}
              for c in await _clock_rows(rt, complaints)]
    return {**await _common(rt, p, "live", complaints), "clocks": _clock_figures(clocks),
            "breaches": _breaches(clocks)}


async def recompute(rt: PluginRuntime, p: Period) -> dict[str, Any]:
    """The same figures with every clock folded again from its recorded marks on its own calendar version."""
    complaints = await _complaints(rt, p)
    clocks = []
    for row in await _clock_rows(rt, complaints):
        calendar = await calendars.by_version(rt, row["calendar_version"])
        view = fold(await clockwork.marks(rt, row["id"]), calendar, clockwork.terms_of(row))
        clocks.append({"name": row["name"], "state": view.state, "breached": view.breached_at is not None,
                       "used_seconds": int(view.used.total_seconds()) if view.used is not None else None,
                       "category": row["category"], "merchant_id": row["merchant_id"],
                       "actor": clockwork.terms_of(row).actor})
    return {**await _common(rt, p, "events", complaints), "clocks": _clock_figures(clocks),
            "breaches": _breaches(clocks)}


def _flat(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flat(f"{prefix}.{key}" if prefix else str(key), inner, out)
    else:
        out.append((prefix, "" if value is None else str(value)))


def to_csv(figures: dict[str, Any]) -> str:
    """One ``figure,value`` line per number (dotted names: ``clocks.ack.median_hours``)."""
    rows: list[tuple[str, str]] = []
    _flat("", figures, rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("figure", "value"))
    writer.writerows(rows)
    return buffer.getvalue()


def month_period(rt: PluginRuntime, month: str) -> Period:
    """The calendar month ``YYYY-MM`` as a period."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise PeriodInvalid("month must be YYYY-MM", errors=[FieldProblem(field="month", reason="YYYY-MM")]) from None
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return period(rt, first.isoformat(), last.isoformat())
