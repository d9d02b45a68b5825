"""Pure rules of ``logistics`` and ``logistics.cod``: the policy tables, ship-by, proofs, masking.

No I/O and no ``await`` here: the services feed values in and act on the answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import msgspec

from bazaar.sdk.calendar import Calendar
from bazaar.sdk.policy import PolicyTable, Rule

CN_CARRIERS = {"SF": "SF Express", "JD": "JD Logistics", "ZTO": "ZTO Express", "YTO": "YTO Express",
               "STO": "STO Express", "YUNDA": "Yunda Express", "EMS": "China Post EMS"}
EU_CARRIERS = {"DHL": "DHL Parcel", "DPD": "DPD", "GLS": "GLS", "UPS": "UPS", "POST": "National post"}
CN_COUNTS = ["recipient_signed", "proxy_signed", "locker_with_consent", "operator_manual"]
EU_COUNTS = [*CN_COUNTS, "locker_without_consent"]

RULES = PolicyTable([
    Rule("carriers", {"cn": sorted(CN_CARRIERS), "eu": sorted(EU_CARRIERS)}, "deployment (carrier contracts)",
         "contract", "carrier codes offered; [[plugins.logistics.carriers]] replaces the list"),
    Rule("ship_within_hours", {"cn": 48, "eu": None}, "practice (seeds: 72 h or 24 h; no statute) / CRD 18",
         "practice", "working hours from payment (COD: from order) on the merchant's calendar; "
         "null = no ship-by (CRD 18: deliver within 30 days unless agreed)"),
    Rule("delivery_event", {"cn": "recipient_signed", "eu": "physical_possession"}, "ECL 51 / CRD 9", "law",
         "what delivery means; the proofs that satisfy it are delivery_proof.counts"),
    Rule("delivery_proof.counts", {"cn": CN_COUNTS, "eu": EU_COUNTS}, "ECL 51, Express Market Rules 2024 / CRD 9",
         "law", "proof kinds that count as delivered for return windows and escrow"),
    Rule("waybill.mask_pii", {"cn": True, "eu": True}, "EXP 22, 34", "law",
         "labels print a masked name and phone, never an ID number"),
    Rule("carrier_complaint_days", {"cn": 7, "eu": None}, "EXP 28", "law",
         "days for the carrier to answer a claim on a lost or damaged parcel"),
    Rule("fake_shipment_hours", {"cn": 48, "eu": 48}, "practice", "practice",
         "a waybill without a carrier scan after N hours is flagged"),
    Rule("late_ship.compensation", {"cn": None, "eu": None}, "practice (Taobao/Douyin late-shipment compensation)",
         "practice", "null = off; {bps, cap_minor} of the order paid to the buyer on a breach"),
    Rule("late_ship.buyer_may_cancel", {"cn": True, "eu": True}, "practice / CRD 18", "practice",
         "the buyer may cancel an unshipped order past its ship-by for a full refund"),
    Rule("late_ship.consent_to_ship_late", {"cn": True, "eu": False}, "practice (Taobao dispute rules Art. 27)",
         "practice", "shipping after the deadline needs the buyer's recorded consent"),
])

COD_RULES = PolicyTable([
    Rule("enabled", {"cn": True, "eu": False}, "ECL 52", "law", "cash on delivery offered at checkout"),
    Rule("max_order_amount", {"cn": 500_000, "eu": None}, "practice", "practice",
         "minor units (CNY 5,000); null = no limit"),
    Rule("remittance_working_days", {"cn": 3, "eu": None}, "carrier contract", "contract",
         "working days after delivery within which the carrier remits; later = missing"),
    Rule("refund_method", {"cn": "consumer_choice_with_consent", "eu": None}, "7DR 14", "law",
         "a COD refund goes by a method the consumer chooses, with stored consent"),
    Rule("refusal_is_return", {"cn": True, "eu": True}, "practice (Taobao)", "practice",
         "refusing a COD parcel of returnable goods counts as a return (no money moves)"),
])


def explain(table: PolicyTable, config: msgspec.Struct) -> dict[str, Any]:
    """``{key: {"value", "origin", "source", "basis"}}`` for ``Plugin.policy``."""
    return {
        line.key: {"value": line.value, "origin": line.origin, "source": line.source, "basis": line.basis}
        for line in table.explain(config)
    }


def carrier_names(preset: str) -> dict[str, str]:
    """The preset's carrier codes and display names."""
    return dict(CN_CARRIERS if preset == "cn" else EU_CARRIERS)


# --- ship-by ------------------------------------------------------------------------------


def add_working_hours(calendar: Calendar, start: datetime, hours: int) -> datetime:
    """``start`` plus ``hours`` counted only on working days of ``calendar`` (in its zone).

    Time on rest days does not count: an order paid on Friday at 15:00 with 48 hours is due
    on Tuesday at 15:00; one paid on Saturday starts counting on Monday at 00:00.
    """
    left = timedelta(hours=hours)
    moment = start.astimezone(calendar.zone)
    while True:
        day = moment.date()
        day_end = calendar.end_of_day(day).astimezone(calendar.zone)
        if calendar.is_working_day(day):
            room = day_end - moment
            if left <= room:
                return (moment + left).astimezone(start.tzinfo)
            left -= room
        moment = day_end


def is_late(ship_by: datetime | None, shipped_at: datetime) -> bool:
    """Whether a hand-over at ``shipped_at`` missed ``ship_by`` (no ship-by: never late)."""
    return ship_by is not None and shipped_at > ship_by


def handed_over_at(first_scan: datetime | None, waybill_at: datetime | None, clicked_at: datetime | None) -> datetime | None:
    """When an order counts as shipped (Taobao dispute rules Art. 25): the carrier's first scan;
    without one, the later of the waybill's creation and the merchant's click."""
    if first_scan is not None:
        return first_scan
    if waybill_at is None or clicked_at is None:
        return None
    return max(waybill_at, clicked_at)


def proof_counts(proof: str | None, counts: Iterable[str]) -> bool:
    """Whether a proof kind counts as delivered under ``delivery_proof.counts``."""
    return proof is not None and proof in set(counts)


def compensation(total_minor: int, rule: dict[str, Any] | None) -> int:
    """Late-shipment compensation for an order total (0 when off), capped."""
    if not rule:
        return 0
    amount = (total_minor * int(rule["bps"]) + 5_000) // 10_000
    cap = rule.get("cap_minor")
    return min(amount, int(cap)) if cap is not None else amount


# --- labels -------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """``张三丰`` -> ``张**``; ``Zhang San`` -> ``Z********``: the first character only."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_phone(phone: str) -> str:
    """``13812345678`` -> ``138****5678``; short numbers keep only the last two digits."""
    digits = phone.strip()
    if len(digits) >= 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


# --- cash on delivery -----------------------------------------------------------------------

LINE_KINDS = ("matched", "short", "over", "unexpected", "duplicate", "refused_but_remitted")
EXCEPTION_KINDS = ("short", "over", "missing", "unexpected", "duplicate", "refused_but_remitted")


def classify_line(*, expected: int | None, collection_state: str | None, collected: int, outcome: str,
                  seen_before: bool) -> str:
    """What one remittance line is (the SQL in ``cod/remittance.py`` applies the same rule to a file).

    ``duplicate``: the waybill was already remitted (earlier file, or earlier in this file);
    ``unexpected``: no expected collection; ``refused_but_remitted``: the parcel was refused
    yet cash is remitted; otherwise ``matched`` / ``short`` / ``over`` by amount (a refusal
    line with nothing collected for a refused parcel matches).
    """
    if expected is None:
        return "unexpected"
    if seen_before:
        return "duplicate"
    if collection_state == "refused":
        return "refused_but_remitted" if collected > 0 else "matched"
    if outcome == "refused":
        return "short" if collected < expected else "matched"
    if collected == expected:
        return "matched"
    return "short" if collected < expected else "over"


def cod_offered(*, enabled: bool, total_minor: int, max_amount: int | None, merchant_accepts: bool,
                country: str | None, served: Iterable[str]) -> str | None:
    """Why COD is not offered for an order, or ``None`` when it is."""
    served = list(served)
    if not enabled:
        return "cash on delivery is off"
    if max_amount is not None and total_minor > max_amount:
        return "the order total is above the cash-on-delivery limit"
    if not merchant_accepts:
        return "the merchant does not accept cash on delivery"
    if served and (country or "") not in served:
        return "cash on delivery is not available at this address"
    return None
