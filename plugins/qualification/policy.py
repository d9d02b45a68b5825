"""Pure rules of the qualification plugin: presets, the USCC check, dossier fields, claims, credit.

Nothing here does I/O or awaits; the service feeds it values and acts on the answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from fractions import Fraction
from typing import Any

import msgspec

from bazaar.sdk.files import FileRules
from bazaar.sdk.policy import PolicyTable, Rule

# --- the policy table ------------------------------------------------------------------

CN_FIELDS = [
    "legal_name", "uscc", "legal_representative", "licence_expires_on", "business_scope",
    "registered_address", "contact_phone", "settlement_account", "business_licence_doc",
]
EU_FIELDS = [
    "legal_name", "registered_address", "contact_phone", "contact_email", "id_document_doc",
    "settlement_account", "trade_register_number", "self_certification",
]
CN_CLAIMS = ["国家级", "最高级", "最佳", "第一", "唯一", "顶级", "极品", "首选", "全网最低", "万能"]
EU_CLAIMS = ["miracle", "guaranteed cure", "cures all", "risk-free", "100% safe", "no side effects",
             "clinically proven", "best in the world"]
WEIGHTS = {"on_time_shipping": 30, "cancellation": 15, "return_rate": 15, "upheld_complaints": 25, "review_score": 15}

RULES = PolicyTable([
    Rule("required_fields", {"cn": CN_FIELDS, "eu": EU_FIELDS}, "ECL 27, NTSM 24 / DSA 30(1)", "law",
         "dossier fields a business must give (individuals skip the business-only ones)"),
    Rule("review_working_days", {"cn": 5, "eu": 5}, "practice", "practice", "operator review target"),
    Rule("reject_lists_all_defects", {"cn": True, "eu": True}, "practice (seed)", "practice",
         "a refusal names every missing or wrong item at once"),
    Rule("reverify_interval_days", {"cn": 182, "eu": None}, "NTSM 24 / DSA 30(3)", "law",
         "re-verification every N days; null = only on indications"),
    Rule("reverify_grace_days", {"cn": 15, "eu": 15}, "practice", "practice",
         "days to answer a re-verification before restriction, then again before suspension"),
    Rule("license_expiry_warning_days", {"cn": 30, "eu": 30}, "practice", "practice"),
    Rule("suspend_on_unremedied", {"cn": True, "eu": True}, "DSA 30(3)", "law",
         "a restriction still unremedied after the grace period becomes a suspension"),
    Rule("unregistered_individual_turnover_cap", {"cn": 10_000_000, "eu": None}, "NTSM 8", "law",
         "minor units per year; individuals below it may declare exemption; null = no exemption"),
    Rule("badge_unregistered", {"cn": True, "eu": False}, "NTSM 27", "law"),
    Rule("listing_review_mode", {"cn": "category_based", "eu": "post_publish_monitor"},
         "NTSM 29; FSL 62, DAL 62", "law"),
    Rule("category_licences", {"cn": ["food", "drugs", "medical_devices", "cosmetics"], "eu": ["*"]},
         "FSL 62, DAL 62, ECL 38", "law", "licence kinds that need an approved licence; * = every flagged category"),
    Rule("banned_claims", {"cn": CN_CLAIMS, "eu": EU_CLAIMS}, "Advertising Law Art. 9 / practice", "law"),
    Rule("sanction_publish_working_days", {"cn": 1, "eu": None}, "NTSM 30 / DSA 17", "law",
         "public record within N working days; null = statement of reasons to the merchant only"),
    Rule("termination_notice_days", {"cn": None, "eu": 30}, "P2B 4", "law"),
    Rule("exit_notice_days", {"cn": 30, "eu": None}, "ECL 16", "law",
         "a merchant closing shop announces it N days ahead"),
    Rule("credit.rules_public", {"cn": True, "eu": True}, "ECL 39", "law"),
    Rule("credit.weights", {"cn": WEIGHTS, "eu": WEIGHTS}, "practice", "practice",
         "points per component; the score is the weighted sum of component qualities (0..1)"),
    Rule("credit.grades", {"cn": {"A": 90, "B": 75, "C": 60}, "eu": {"A": 90, "B": 75, "C": 60}},
         "practice", "practice", "lowest score of each grade; below the last is D"),
    Rule("credit.ranking_boost", {"cn": {"A": 0.3, "B": 0.1, "C": 0.0, "D": -0.3},
                                  "eu": {"A": 0.3, "B": 0.1, "C": 0.0, "D": -0.3}},
         "practice", "practice", "added to relevance ranking per grade"),
    Rule("credit.window_days", {"cn": 180, "eu": 180}, "practice", "practice", "events counted"),
    Rule("documents.max_bytes", {"cn": 5 * 1024 * 1024, "eu": 5 * 1024 * 1024}, "practice", "practice"),
    Rule("documents.content_types", {"cn": ["application/pdf", "image/jpeg", "image/png"],
                                     "eu": ["application/pdf", "image/jpeg", "image/png"]}, "practice", "practice"),
    Rule("reviews.platform_may_delete", {"cn": False, "eu": False}, "ECL 39, NTSM 15", "law",
         "this plugin never deletes customer reviews"),
])


def effective(config: Any) -> dict[str, Any]:
    """Every key's value in force for ``config``."""
    return RULES.resolve(config)


#: the file store use of KYB documents (``rt.files``)
DOCUMENT_USE = "qualification.kyb"


def document_rules(values: Mapping[str, Any]) -> FileRules:
    """The file store limits of KYB documents: ``documents.max_bytes`` and ``documents.content_types``.

    No retention date at upload: identity documents are kept while the merchant trades and
    for a period counted from its exit (NTSM 31 / DSA 30(5)), set with ``rt.files.set_retention``
    when it leaves, never from the upload date.
    """
    return FileRules(max_bytes=values["documents.max_bytes"], content_types=tuple(values["documents.content_types"]))


def explain(config: Any) -> list[dict[str, Any]]:
    """Every key with value, origin and source (for ``bazaar plugins --policy``)."""
    return [msgspec.to_builtins(line) for line in RULES.explain(config)]


# --- Unified Social Credit Code (GB 32100-2015) ------------------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """The check character for the first 17 characters: ``31 - (sum(value * 3**i mod 31)) mod 31``."""
    if len(first17) != 17 or any(c not in USCC_CHARSET for c in first17):
        raise ValueError("need 17 characters of the USCC character set")
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 18-character USCC, or ``None`` when it is."""
    if len(code) != 18:
        return f"must be 18 characters (got {len(code)})"
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        return f"characters not allowed: {''.join(bad)} (digits and A-Y without I, O, S, V, Z)"
    if not code[2:8].isdigit():
        return "characters 3-8 must be the digits of an administrative division code"
    if uscc_check_char(code[:17]) != code[17]:
        return "check character does not match (GB 32100-2015)"
    return None


# --- IBAN (ISO 13616, for eu settlement accounts) ------------------------------------------


def iban_ok(value: str) -> bool:
    iban = value.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}", iban):
        return False
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


# --- dossier fields --------------------------------------------------------------------------

#: fields only businesses give (an individual skips them)
BUSINESS_ONLY = frozenset({"uscc", "legal_representative", "licence_expires_on", "business_scope",
                           "business_licence_doc", "trade_register_number"})
#: document fields and the document kind each must reference
DOCUMENT_FIELDS = {"business_licence_doc": "business_licence", "id_document_doc": "id_document"}
#: every field a dossier may carry
KNOWN_FIELDS = frozenset(CN_FIELDS + EU_FIELDS + ["declared_annual_turnover_minor", "id_document_doc"])
#: fields encrypted at rest and masked for staff who are not the owner
SENSITIVE = frozenset({"settlement_account", "contact_phone", "contact_email", "legal_representative"})

_PHONE = re.compile(r"^\+?[0-9 ()-]{5,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Defect(msgspec.Struct, frozen=True, kw_only=True):
    """One missing or wrong item: the field and why."""

    field: str
    reason: str


def required_for(required: Iterable[str], entity: str, exempt: bool) -> list[str]:
    """The fields a dossier must carry: businesses all; individuals skip business-only ones."""
    fields = list(required)
    if entity == "individual":
        fields = [f for f in fields if f not in BUSINESS_ONLY]
        if "id_document_doc" not in fields and "uscc" in required:
            fields.append("id_document_doc")  # an unregistered individual proves identity instead
        if exempt:
            fields.append("declared_annual_turnover_minor")
    return fields


def _text(value: Any, lo: int, hi: int) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty text"
    if not lo <= len(value.strip()) <= hi:
        return f"must be {lo}-{hi} characters"
    return None


def field_problem(name: str, value: Any, *, preset: str, today: date, cap: int | None) -> str | None:
    """Why one field value is wrong, or ``None`` (documents are checked by the service)."""
    if name == "uscc":
        return "must be a text" if not isinstance(value, str) else uscc_problem(value.strip().upper())
    if name == "licence_expires_on":
        try:
            expiry = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            expiry = None
        if expiry is None:
            return "must be a date YYYY-MM-DD"
        return "the licence has expired" if expiry <= today else None
    if name == "contact_phone":
        return None if isinstance(value, str) and _PHONE.match(value) else "must be a phone number"
    if name == "contact_email":
        return None if isinstance(value, str) and _EMAIL.match(value) and len(value) <= 254 else "must be an email"
    if name == "settlement_account":
        if not isinstance(value, dict) or set(value) - {"holder", "bank", "number"}:
            return "must be an object with holder, bank and number"
        for part in ("holder", "bank", "number"):
            if _text(value.get(part), 1, 100):
                return f"{part} is missing"
        number = str(value["number"]).replace(" ", "")
        if preset == "eu":
            return None if iban_ok(number) else "number must be a valid IBAN"
        return None if re.fullmatch(r"[0-9]{8,30}", number) else "number must be 8-30 digits"
    if name == "self_certification":
        return None if value is True else "you must certify that you offer only compliant products"
    if name == "declared_annual_turnover_minor":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return "must be a non-negative amount in minor units"
        if cap is None:
            return "this policy has no exemption for unregistered individuals"
        return f"above the exemption cap of {cap}: register a business" if value > cap else None
    if name in DOCUMENT_FIELDS:
        return None if isinstance(value, str) else "must be a document id"
    limits = {"legal_name": (1, 200), "legal_representative": (1, 100), "business_scope": (1, 2000),
              "registered_address": (5, 500), "trade_register_number": (2, 64)}
    lo, hi = limits.get(name, (1, 500))
    return _text(value, lo, hi)


def check_dossier(
    fields: Mapping[str, Any], *, required: Iterable[str], entity: str, exempt: bool, preset: str,
    today: date, cap: int | None,
) -> list[Defect]:
    """Every defect of a dossier at once: missing required fields, wrong values, unknown fields."""
    defects: list[Defect] = []
    if entity != "individual" and exempt:
        defects.append(Defect(field="exempt", reason="only individuals may declare exemption"))
    if entity == "individual" and cap is None and exempt:
        defects.append(Defect(field="exempt", reason="this policy has no exemption for unregistered individuals"))
    if entity == "individual" and "uscc" in required and not exempt:
        defects.append(Defect(field="exempt", reason="an individual without a business licence must declare exemption"))
    needed = required_for(required, entity, exempt)
    for name in sorted(set(fields) - KNOWN_FIELDS):
        defects.append(Defect(field=f"fields.{name}", reason="unknown field"))
    for name in needed:
        value = fields.get(name)
        if value is None or value == "":
            defects.append(Defect(field=f"fields.{name}", reason="required"))
            continue
        problem = field_problem(name, value, preset=preset, today=today, cap=cap)
        if problem:
            defects.append(Defect(field=f"fields.{name}", reason=problem))
    for name in sorted(set(fields) & KNOWN_FIELDS - set(needed)):
        if fields[name] is not None:
            problem = field_problem(name, fields[name], preset=preset, today=today, cap=cap)
            if problem:
                defects.append(Defect(field=f"fields.{name}", reason=problem))
    return defects


def mask(name: str, value: Any) -> Any:
    """A sensitive value as staff who are not the owner see it."""
    if name == "settlement_account" and isinstance(value, dict):
        number = str(value.get("number", ""))
        return {**value, "number": "*" * max(0, len(number) - 4) + number[-4:]}
    if isinstance(value, str) and len(value) > 2:
        return value[0] + "*" * (len(value) - 2) + value[-1]
    return "*" * len(str(value))


# --- listing review ------------------------------------------------------------------------


class ClaimHit(msgspec.Struct, frozen=True, kw_only=True):
    field: str
    claim: str
    position: int


def scan_claims(texts: Mapping[str, str], claims: Iterable[str]) -> list[ClaimHit]:
    """Every occurrence of every banned claim (case-insensitive), with its character position."""
    hits: list[ClaimHit] = []
    for field, text in texts.items():
        folded = text.casefold()
        for claim in claims:
            needle = claim.casefold()
            start = folded.find(needle)
            while start >= 0:
                hits.append(ClaimHit(field=field, claim=claim, position=start))
                start = folded.find(needle, start + 1)
    return sorted(hits, key=lambda h: (h.field, h.position, h.claim))


def licence_required(licence_kinds: Iterable[str], configured: Iterable[str]) -> list[str]:
    """The licence kinds (of a category and its ancestors) that need an approved licence."""
    configured = set(configured)
    return sorted({k for k in licence_kinds if k and ("*" in configured or k in configured)})


# --- credit rating ----------------------------------------------------------------------------

#: component -> (what is measured, whether higher is better)
COMPONENTS: dict[str, tuple[str, bool]] = {
    "on_time_shipping": ("orders shipped by their ship-by time / orders shipped", True),
    "cancellation": ("orders cancelled by the merchant's doing (its request, late shipment) / orders", False),
    "return_rate": ("returns approved / orders", False),
    "upheld_complaints": ("complaints upheld against the merchant / orders", False),
    "review_score": ("(average review rating - 1) / 4, ratings 1-5", True),
}


class CreditCounts(msgspec.Struct, frozen=True, kw_only=True):
    orders: int = 0
    shipped: int = 0
    shipped_on_time: int = 0
    cancelled: int = 0
    returned: int = 0
    complaints_upheld: int = 0
    reviews: int = 0
    rating_sum: int = 0


def qualities(c: CreditCounts) -> dict[str, Fraction]:
    """Each component's quality in 0..1 (1 is best); no observations count as 1."""

    def rate(num: int, den: int) -> Fraction:
        return Fraction(min(num, den), den) if den else Fraction(0)

    return {
        "on_time_shipping": rate(c.shipped_on_time, c.shipped) if c.shipped else Fraction(1),
        "cancellation": 1 - rate(c.cancelled, c.orders),
        "return_rate": 1 - rate(c.returned, c.orders),
        "upheld_complaints": 1 - rate(c.complaints_upheld, c.orders),
        "review_score": Fraction(c.rating_sum - c.reviews, 4 * c.reviews) if c.reviews else Fraction(1),
    }


def credit_score(c: CreditCounts, weights: Mapping[str, int]) -> int | None:
    """``round(100 * sum(w * quality) / sum(w))`` (half up); ``None`` before the first order."""
    if c.orders == 0:
        return None
    q = qualities(c)
    total = sum(weights.values())
    if total == 0:
        return None
    value = Fraction(100) * sum((Fraction(w) * q[k] for k, w in weights.items() if k in q), Fraction(0)) / total
    return int(value + Fraction(1, 2))


def grade(score: int | None, grades: Mapping[str, int]) -> str:
    """The first grade whose floor the score reaches (highest floor first); else ``D``; ``N`` unrated."""
    if score is None:
        return "N"
    for name, floor in sorted(grades.items(), key=lambda kv: -kv[1]):
        if score >= floor:
            return name
    return "D"


#: ``aftersales.case_closed`` outcomes that count as a return against the merchant
RETURN_OUTCOMES = frozenset({"refunded", "returned"})
#: ``order.cancelled`` reasons the merchant caused (``bazaar.sdk.events.MERCHANT_CAUSED``)
MERCHANT_CAUSED_CANCELS = frozenset({"merchant_request", "late_shipment"})
#: the event types the credit rating subscribes to (besides ``order.*``)
CREDIT_EVENTS = ("shipment.late", "aftersales.case_closed", "complaints.upheld", "reviews.created")


def credit_fact(event_type: str, data: Mapping[str, Any]) -> tuple[str, int] | None:
    """What one domain event counts towards (fact kind, value), or ``None``.

    ``order.<state>`` counts the order. ``order.shipped`` is on time unless ``on_time`` is
    false (or ``shipped_at`` is after ``ship_by``); absent means on time. ``shipment.late``
    (logistics: the ship-by deadline passed) marks the order shipped late. ``order.cancelled``
    counts against the merchant only when the merchant caused it (``cancel_reason``
    ``merchant_request`` or ``late_shipment``); a customer's own cancellation, an unpaid
    timeout or an operator's action does not. ``aftersales.case_closed`` with ``outcome``
    ``refunded`` or ``returned`` counts a return; ``complaints.upheld`` an upheld complaint;
    ``reviews.created`` a review with its ``rating`` (1-5); a follow-up (``followup`` true)
    repeats the first review's rating and counts nothing.
    """
    if event_type == "order.shipped":
        on_time = data.get("on_time")
        if on_time is None and data.get("ship_by") and data.get("shipped_at"):
            on_time = str(data["shipped_at"]) <= str(data["ship_by"])
        return ("shipped_on_time" if on_time in (None, True) else "shipped_late", 1)
    if event_type == "order.cancelled":
        return ("cancelled", 1) if data.get("cancel_reason") in MERCHANT_CAUSED_CANCELS else ("order", 1)
    if event_type.startswith("order."):
        return ("order", 1)
    if event_type == "shipment.late":
        return ("shipped_late", 1)
    if event_type == "aftersales.case_closed":
        return ("returned", 1) if data.get("outcome") in RETURN_OUTCOMES else None
    if event_type == "complaints.upheld":
        return ("complaint_upheld", 1)
    if event_type == "reviews.created" and not data.get("followup"):
        rating = data.get("rating")
        if isinstance(rating, int) and not isinstance(rating, bool) and 1 <= rating <= 5:
            return ("review", rating)
    return None
