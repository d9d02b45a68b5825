"""The after-sales policy table (POLICIES.md "aftersales"): every number with its cn/eu value and source.

Pure: no I/O. ``RULES.resolve(config)`` gives the values in force; ``explain(config)`` each
value's origin and source for ``bazaar plugins --policy`` and ``GET /aftersales/policy``.
"""

from __future__ import annotations

from typing import Any

import msgspec

from bazaar.sdk.policy import PolicyTable, Rule

CN_EXCLUDED = ["custom_made", "perishable", "digital_unsealed", "newspapers"]
EU_EXCLUDED = ["personalised", "perishable", "hygiene_unsealed", "media_unsealed", "newspapers", "dated_leisure"]
CN_CONFIRMABLE = ["unsealing_affects_safety", "activation_devalues", "near_expiry_or_flawed_disclosed"]
INTACT_CLASSES = {
    "default": ["used_beyond_inspection", "parts_missing", "damaged_by_buyer"],
    "apparel": ["tags_removed", "worn_or_washed"],
    "electronics": ["device_activated", "seal_broken"],
    "cosmetics": ["seal_broken"],
    "food": ["seal_broken"],
}
EVIDENCE_TYPES = ["image/jpeg", "image/png", "image/webp", "video/mp4", "application/pdf"]

RULES = PolicyTable([
    Rule("no_reason.window_days", {"cn": 7, "eu": 14}, "CPL 25 / CRD 9", "law",
         "calendar days, counted from the day after the start, ending 24:00, rolled past a rest day"),
    Rule("no_reason.window_start", {"cn": "recipient_signed", "eu": "physical_possession"}, "7DR 10 / CRD 9", "law",
         "the delivery proof that starts the window (the last item of a split delivery)"),
    Rule("no_reason.deadline_applies_to", {"cn": "request_sent", "eu": "request_sent"}, "7DR 10 / CRD 11", "law",
         "a request sent within the window counts"),
    Rule("no_reason.excluded", {"cn": CN_EXCLUDED, "eu": EU_EXCLUDED}, "CPL 25, 7DR 6 / CRD 16", "law",
         "kinds of goods excluded without any confirmation"),
    Rule("no_reason.confirmable", {"cn": CN_CONFIRMABLE, "eu": None}, "CPL 25, 7DR 7, CPL-IR 19", "law",
         "kinds excluded only when the buyer ticked a confirmation at checkout (never pre-ticked)"),
    Rule("intact_rules", {"cn": {"mode": "refuse_beyond_inspection", "classes": INTACT_CLASSES},
                          "eu": {"mode": "deduct_diminished_value", "classes": INTACT_CLASSES}},
         "7DR 8-9 / CRD 14", "law",
         "findings per goods class; cn refuses goods handled beyond inspection, eu deducts the diminished value"),
    Rule("merchant_response_hours", {"cn": 48, "eu": 48}, "practice", "practice",
         "accept, reject with reason or ask once for what is missing; silence accepts"),
    Rule("return_address_hours", {"cn": 48, "eu": 48}, "7DR 11 (promptly)", "law",
         "after acceptance; silence escalates to the platform"),
    Rule("buyer_ship_back_days", {"cn": 7, "eu": 14}, "practice / CRD 14", "practice",
         "after the return address is given; silence lapses the case"),
    Rule("buyer_reply_hours", {"cn": 72, "eu": 72}, "practice", "practice",
         "the buyer supplies what the merchant asked for; silence lapses the case"),
    Rule("buyer_escalation_days", {"cn": 7, "eu": 14}, "practice", "practice",
         "after a rejection or a refused inspection; silence closes the case as the merchant said"),
    Rule("merchant_receipt_days", {"cn": 10, "eu": 14}, "practice (Taobao) / CRD 13", "practice",
         "from the buyer's shipment; silence counts the goods as received intact and refunds"),
    Rule("intercept_hours", {"cn": 48, "eu": 48}, "practice", "practice",
         "waiting for the carrier to stop a parcel in transit; silence hands the case to the merchant"),
    Rule("return_shipping_payer", {"cn": "consumer_unless_quality_fault", "eu": "consumer_if_informed"},
         "CPL 25, 7DR 18 / CRD 14", "law", "the merchant pays return shipping for quality faults"),
    Rule("deduct_outbound_if_free_shipping_lost", {"cn": True, "eu": False}, "7DR 18 / CRD 13", "law",
         "a partial return that drops the order below the free-shipping threshold pays the outbound fee"),
    Rule("gift_missing_policy", {"cn": "charge_marked_price", "eu": None}, "7DR 12", "law",
         "a gift not sent back with the goods it came with is charged at its marked price"),
    Rule("reprice_on_lost_promo", {"cn": True, "eu": None}, "7DR 17", "law",
         "a bundle discount is re-priced when a partial return breaks its condition"),
    Rule("quality.return_days", {"cn": 7, "eu": 730}, "CPL 24, 7DR 35 / SGD 10", "law"),
    Rule("quality.exchange_days", {"cn": 15, "eu": 730}, "CPL 24 (三包) / SGD 10", "law"),
    Rule("quality.repair_days", {"cn": 365, "eu": 730}, "三包 warranty practice / SGD 10", "practice"),
    Rule("platform_intervention", {"cn": True, "eu": True}, "7DR 24, ECL 61", "law",
         "either party may ask the platform to rule on the evidence"),
    Rule("evidence.max_files", {"cn": 9, "eu": 9}, "practice", "practice", "per party per case"),
    Rule("evidence.max_bytes", {"cn": 10 * 1024 * 1024, "eu": 10 * 1024 * 1024}, "practice", "practice"),
    Rule("evidence.types", {"cn": EVIDENCE_TYPES, "eu": EVIDENCE_TYPES}, "practice", "practice",
         "sniffed from the bytes, never trusted from the name"),
    Rule("repair.days", {"cn": 30, "eu": None}, "practice (JD) / SGD 14 (reasonable time)", "practice",
         "a repair comes back within; null = no clock"),
    Rule("repair.max_failures", {"cn": 2, "eu": None}, "CPL 24 / SGD 13", "law",
         "after this many failed repairs the buyer chooses an exchange or a refund; null = after the first"),
    Rule("exchange.reship_hours", {"cn": 72, "eu": 72}, "practice (JD: 72 h after receipt)", "practice",
         "the replacement ships within; silence turns the exchange into a refund"),
    Rule("exchange.confirm_days", {"cn": 10, "eu": 14}, "practice", "practice",
         "the buyer confirms the replacement; silence confirms"),
    Rule("evidence_window_hours", {"cn": 24, "eu": 72}, "practice (JD: 24 h)", "practice",
         "a party asked for evidence during platform intervention answers within"),
    Rule("appeal_window_days", {"cn": 7, "eu": 14}, "practice (JD)", "practice",
         "one appeal against a ruling; the ruling is executed when final"),
    Rule("ruling_working_days", {"cn": 3, "eu": 3}, "practice (seed 002: investigation in 3 working days)",
         "practice", "the platform's target to rule; overdue cases top the operator queue"),
    Rule("withdrawal_function", {"cn": False, "eu": True}, "CRD 11a (from 2026-06-19)", "law",
         "a 'withdraw from contract here' action, a confirmation step and a durable acknowledgement"),
    Rule("refund.deadline_days", {"cn": 7, "eu": 14}, "CPL 25, 7DR 13 / CRD 13", "law"),
    Rule("refund.anchor", {"cn": "return_received", "eu": "withdrawal_notice"}, "CPL 25, 7DR 13 / CRD 13", "law",
         "eu: may be withheld until the goods (or proof of return) arrive"),
    Rule("refund.penalty_line_days", {"cn": 15, "eu": None}, "7DR 31", "law",
         "a refund later than this after receipt is shown to the operator as penalty exposure"),
    Rule("refund.to_original_method", {"cn": True, "eu": True}, "7DR 14-15 / CRD 13", "law",
         "several tenders are refunded pro rata; coupons and points back in kind"),
    Rule("refund.outbound_on_full_return", {"cn": "quality_fault", "eu": "always"}, "CPL 24 / CRD 13(1)", "law",
         "when the outbound shipping fee is refunded with a return of the whole order"),
    Rule("retention.aftersales_days", {"cn": 1095, "eu": 3650}, "ECL 31, NTSM 31 / VAT Directive 242a", "law",
         "cases, messages and evidence are kept for this long after closing"),
])


def values(config: msgspec.Struct) -> dict[str, Any]:
    """Every key's value in force for ``config``."""
    return RULES.resolve(config)


def explain(config: msgspec.Struct) -> dict[str, Any]:
    """``{key: {"value", "origin", "source", "basis"}}`` for ``Plugin.policy``."""
    return {
        line.key: {"value": line.value, "origin": line.origin, "source": line.source, "basis": line.basis}
        for line in RULES.explain(config)
    }


def intact_findings(rules: dict[str, Any], intact_class: str) -> list[str]:
    """The findings that make goods of ``intact_class`` not intact (the class's plus the defaults)."""
    classes = (rules.get("intact_rules") or {}).get("classes", {})
    found = list(classes.get("default", []))
    for name in classes.get(intact_class, []) if intact_class != "default" else []:
        if name not in found:
            found.append(name)
    return found
