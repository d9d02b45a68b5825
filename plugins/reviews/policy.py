"""Pure rules of the reviews plugin: the policy table, windows, grounds, averages, signals.

Nothing here does I/O or awaits; the services feed it values and act on the answers.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import msgspec

from bazaar.sdk.calendar import Calendar
from bazaar.sdk.policy import PolicyTable, Rule

#: the closed list of grounds on which an operator may hide a review (never delete it)
GROUNDS = ("personal_data", "illegal_content", "obscenity", "threats", "advertising", "fake")
#: the one ground that takes the rating out of the product's average
UNCOUNTED_GROUND = "fake"

RULES = PolicyTable([
    Rule("window_days", {"cn": 15, "eu": 30}, "practice (Taobao 15)", "practice",
         "a buyer may review a line of a completed order within N days of completion"),
    Rule("followup_days", {"cn": 180, "eu": 180}, "practice (Taobao)", "practice",
         "one follow-up review per line within N days of completion"),
    Rule("platform_may_delete", {"cn": False, "eu": False}, "ECL 39, NTSM 15 / DSA 17", "law",
         "fixed: there is no delete; only unlawful content is hidden, with a published reason and an appeal"),
    Rule("hide_grounds", {"cn": list(GROUNDS), "eu": list(GROUNDS)}, "NTSM 15 / DSA 16", "law",
         "the closed list of grounds for hiding; only 'fake' takes the rating out of the average"),
    Rule("appeal_window_days", {"cn": 15, "eu": 183}, "practice / DSA 20(1)", "law",
         "the reviewer may appeal a hide within N days (eu: at least six months)"),
    Rule("verified_purchase_only", {"cn": True, "eu": True}, "ECL 17 / UCPD Annex I 23b", "law",
         "fixed: reviews only from completed orders that were paid or cash-on-delivery collected"),
    Rule("merchant_staff_may_review", {"cn": False, "eu": False}, "ECL 17 / UCPD Annex I 23b", "law",
         "fixed: a merchant's own staff never review its store"),
    Rule("photos.max_count", {"cn": 9, "eu": 9}, "practice", "practice"),
    Rule("photos.max_bytes", {"cn": 5 * 1024 * 1024, "eu": 5 * 1024 * 1024}, "practice", "practice"),
    Rule("photos.content_types", {"cn": ["image/jpeg", "image/png", "image/webp"],
                                  "eu": ["image/jpeg", "image/png", "image/webp"]}, "practice", "practice"),
    Rule("signals.burst_count", {"cn": 20, "eu": 20}, "practice", "practice",
         "this many reviews of one product within signals.burst_hours raise a burst signal"),
    Rule("signals.burst_hours", {"cn": 24, "eu": 24}, "practice", "practice"),
    Rule("signals.refund_after_review_days", {"cn": 15, "eu": 15}, "ECL 17 (paid-for praise)", "practice",
         "a refund or cash-back on an order within N days after its five-star review raises a signal"),
])


def effective(config: Any) -> dict[str, Any]:
    """Every key's value in force for ``config``."""
    return RULES.resolve(config)


def explain(config: Any) -> list[dict[str, Any]]:
    """Every key with value, origin and source (for ``bazaar plugins --policy``)."""
    return [msgspec.to_builtins(line) for line in RULES.explain(config)]


# --- who may review, and until when -------------------------------------------------------


def window_end(calendar: Calendar, completed_at: datetime, days: int) -> datetime:
    """End of a period of ``days`` after completion: 24:00 of the last day, rolled past rest days."""
    return calendar.add_days(completed_at, days)


def open_until(now: datetime, end: datetime) -> bool:
    """Whether a window ending at ``end`` is still open at ``now`` (the end itself is closed)."""
    return now < end


def counts_in_rating(ground: str | None) -> bool:
    """A hidden review's rating still counts unless it was hidden as fake."""
    return ground != UNCOUNTED_GROUND


# --- what the storefront shows ------------------------------------------------------------


def pseudonym(customer_id: str) -> str:
    """A stable public name for a reviewer that reveals nothing about them."""
    return "buyer-" + hashlib.sha256(customer_id.encode()).hexdigest()[:8]


def average(rating_sum: int, count: int) -> float | None:
    """The mean rating rounded half up to two decimals; ``None`` without ratings."""
    if count <= 0:
        return None
    hundredths = (rating_sum * 200 + count) // (2 * count)
    return hundredths / 100


def month_of(calendar: Calendar, moment: datetime) -> str:
    """``YYYY-MM`` of ``moment`` in the platform's calendar zone (the transparency bucket)."""
    return calendar.local_date(moment).strftime("%Y-%m")


def burst_bucket(moment: datetime, hours: int) -> int:
    """The fixed window of ``hours`` that ``moment`` falls in (one burst signal per window)."""
    return int(moment.timestamp()) // (hours * 3600)


def is_burst(recent: int, threshold: int) -> bool:
    """Whether ``recent`` reviews of one product within the window reach the threshold."""
    return recent >= threshold
