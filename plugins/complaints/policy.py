"""Pure rules of the complaints plugin: the policy table, categories, reopen window, figures.

Nothing here does I/O or awaits; the services feed it values and act on the answers.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from bazaar.sdk.calendar import Calendar
from bazaar.sdk.policy import PolicyTable, Rule

CATEGORIES = ["product_quality", "service", "false_advertising", "logistics", "after_sales", "privacy",
              "intellectual_property", "other"]
EVIDENCE_TYPES = ["image/jpeg", "image/png", "image/webp", "video/mp4", "application/pdf"]

RULES = PolicyTable([
    Rule("ack_hours", {"cn": 24, "eu": 24}, "practice (seed)", "practice",
         "a complaint is acknowledged within N hours of filing"),
    Rule("investigate_working_days", {"cn": 3, "eu": 5}, "practice (seed)", "practice",
         "the investigation report is due N working days after acknowledgement"),
    Rule("plan_working_days", {"cn": 2, "eu": 5}, "practice (seed)", "practice",
         "the resolution plan is due N working days after the report"),
    Rule("execute_working_days", {"cn": 3, "eu": 5}, "practice", "practice",
         "an accepted plan is carried out within N working days"),
    Rule("merchant_reply_hours", {"cn": 48, "eu": 48}, "practice (seed: complaints answered within 48 hours)",
         "practice", "a merchant answers an information request within N hours"),
    Rule("complainant_reply_working_days", {"cn": 5, "eu": 10}, "practice", "practice",
         "a complainant answers an information request (or a plan) within N working days"),
    Rule("warn_before_hours", {"cn": 4, "eu": 4}, "practice", "practice",
         "a running clock warns N hours before it breaches"),
    Rule("escalate_on_breach", {"cn": True, "eu": True}, "practice", "practice",
         "a breached clock escalates to the supervisor queue and is counted"),
    Rule("categories", {"cn": CATEGORIES, "eu": CATEGORIES}, "seeds", "practice"),
    Rule("duplicate_window_days", {"cn": 30, "eu": 30}, "practice", "practice",
         "a second open complaint of one complainant on one subject within N days is linked, not multiplied"),
    Rule("disclose_merchant_identity_on_request", {"cn": True, "eu": True}, "ECL 61, CPL 44", "law"),
    Rule("evidence_pack", {"cn": True, "eu": True}, "ECL 62", "law",
         "order, messages, ledger and shipment records exportable for a dispute"),
    Rule("appeal_window_days", {"cn": None, "eu": 183}, "DSA 20", "law",
         "appeal against a decision on a merchant or listing, reviewed by another person; null = no appeal"),
    Rule("satisfaction_survey", {"cn": True, "eu": True}, "practice (seed)", "practice",
         "1-5 after the plan is carried out; an unsatisfied complainant may reopen within reopen_days"),
    Rule("feedback_days", {"cn": 7, "eu": 7}, "practice", "practice",
         "days for feedback after resolution; then the complaint closes"),
    Rule("reopen_days", {"cn": 7, "eu": 7}, "practice (seed)", "practice"),
    Rule("reporter_confidential", {"cn": True, "eu": True}, "SAMR complaint rules Art. 33", "law",
         "the complainant's identity is hidden from the merchant"),
    Rule("followup_survey", {"cn": True, "eu": True}, "practice (seed)", "practice",
         "a satisfaction return visit after each completed order, optional for the buyer"),
    Rule("followup_window_days", {"cn": 15, "eu": 15}, "practice", "practice"),
    Rule("retention_days", {"cn": 1095, "eu": 1095}, "practice (by analogy with NTSM 31)", "practice"),
    Rule("ip.declaration_wait_days", {"cn": 15, "eu": None}, "ECL 43 / DSA 16-17", "law",
         "after forwarding a declaration the measure is lifted unless a complaint or lawsuit notice arrives; "
         "null = an operator decides with a statement of reasons"),
    Rule("ip.publish_notices", {"cn": True, "eu": True}, "ECL 44 / DSA 17", "law"),
    Rule("evidence.max_files", {"cn": 9, "eu": 9}, "practice", "practice"),
    Rule("evidence.max_bytes", {"cn": 10 * 1024 * 1024, "eu": 10 * 1024 * 1024}, "practice", "practice"),
    Rule("evidence.content_types", {"cn": EVIDENCE_TYPES, "eu": EVIDENCE_TYPES}, "practice", "practice"),
])


def effective(config: Any) -> dict[str, Any]:
    """Every key's value in force for ``config``."""
    return RULES.resolve(config)


def explain(config: Any) -> list[dict[str, Any]]:
    """Every key with value, origin and source (for ``bazaar plugins --policy``)."""
    return [msgspec.to_builtins(line) for line in RULES.explain(config)]


# --- clocks' terms -----------------------------------------------------------------------

#: clock name -> (unit, policy key of its amount, who must act)
CLOCKS: dict[str, tuple[str, str, str]] = {
    "ack": ("hours", "ack_hours", "platform"),
    "investigate": ("working_days", "investigate_working_days", "platform"),
    "plan": ("working_days", "plan_working_days", "platform"),
    "execute": ("working_days", "execute_working_days", "platform"),
    "merchant_reply": ("hours", "merchant_reply_hours", "merchant"),
}


def clock_terms(name: str, values: dict[str, Any]) -> dict[str, Any]:
    """What a clock pins when it starts: unit, amount, warning, escalation, actor."""
    unit, key, actor = CLOCKS[name]
    return {"unit": unit, "amount": int(values[key]), "warn_before_hours": int(values["warn_before_hours"]),
            "escalate_on_breach": bool(values["escalate_on_breach"]), "actor": actor, "key": key}


# --- windows -----------------------------------------------------------------------------


def reopen_deadline(calendar: Calendar, closed_at: datetime, days: int) -> datetime:
    """The end of the reopen window: ``days`` calendar days from the day after closure, to 24:00."""
    return calendar.add_days(closed_at, days)


def unsatisfied(score: int | None) -> bool:
    """A complainant who gave no score or 1-3 may reopen; 4-5 is satisfied."""
    return score is None or score <= 3


# --- figures -----------------------------------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); ``None`` when empty."""
    return float(statistics.median(values)) if values else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the value at rank ``ceil(p/100 * n)`` of the sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return float(ordered[rank - 1])


def rate(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to 4 places; ``None`` when nothing was counted."""
    return round(part / whole, 4) if whole else None
