"""Pure rules: the USCC check character, claims with positions, the credit formula, presets."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import msgspec
import pytest

from bazaar.plugins.qualification import policy
from bazaar.plugins.qualification.config import QualificationConfig

PUBLISHED = [
    "91350100M000100Y43",  # the example printed in GB 32100-2015
    "9144030071526726XG",  # Tencent Technology (Shenzhen)
    "914403001922038216",  # Huawei Technologies
    "91330100716105852F",
]


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    assert policy.uscc_problem(code) is None
    assert policy.uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("base", ["91310000MA1FL1234", "12100000400000624", "5111010800000000A", "Y1440300MA5F00001"])
def test_codes_made_from_a_base_are_valid_and_any_other_check_char_is_not(base):
    good = base + policy.uscc_check_char(base)
    assert policy.uscc_problem(good) is None
    for other in policy.USCC_CHARSET:
        if other != good[17]:
            assert "check character" in policy.uscc_problem(base + other)


def test_check_char_by_hand():
    # 9 1 3 5 0 1 0 0 M(21) 0 0 0 1 0 0 Y(30) 4 with weights 3^i mod 31
    values = [9, 1, 3, 5, 0, 1, 0, 0, 21, 0, 0, 0, 1, 0, 0, 30, 4]
    total = sum(v * pow(3, i, 31) for i, v in enumerate(values))
    assert policy.USCC_CHARSET[(31 - total % 31) % 31] == "3" == policy.uscc_check_char("91350100M000100Y4")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("91350100M000100Y4", "18 characters"),  # too short
        ("91350100M000100Y433", "18 characters"),  # too long
        ("91350100I000100Y43", "not allowed: I"),  # I is not in the charset
        ("91350100O000100Y43", "not allowed: O"),
        ("9135010SM000100Y43", "not allowed: S"),
        ("91350100m000100y43", "not allowed"),  # lower case (the service upper-cases input first)
        ("913501A0M000100Y43", "administrative division"),
        ("91350100M000100Y44", "check character"),
    ],
)
def test_invalid_codes_say_why(code, words):
    assert words in policy.uscc_problem(code)


def test_banned_claims_report_every_hit_with_position():
    hits = policy.scan_claims(
        {"name": "最佳毛巾 第一品牌", "description": "全国第一，最佳选择，不是第一次"},
        ["最佳", "第一"],
    )
    assert [(h.field, h.claim, h.position) for h in hits] == [
        ("description", "第一", 2), ("description", "最佳", 5), ("description", "第一", 12),
        ("name", "最佳", 0), ("name", "第一", 5),
    ]
    assert policy.scan_claims({"name": "A MIRACLE towel"}, ["miracle"])[0].position == 2


def test_credit_formula():
    weights = {"on_time_shipping": 30, "cancellation": 15, "return_rate": 15, "upheld_complaints": 25, "review_score": 15}
    c = policy.CreditCounts(orders=10, shipped=8, shipped_on_time=6, cancelled=2, returned=1, complaints_upheld=1,
                            reviews=2, rating_sum=9)
    expected = (30 * Fraction(6, 8) + 15 * Fraction(8, 10) + 15 * Fraction(9, 10) + 25 * Fraction(9, 10)
                + 15 * Fraction(9 - 2, 8)) * 100 / 100
    assert policy.credit_score(c, weights) == int(expected + Fraction(1, 2)) == 84  # 83.625 rounds up
    assert policy.grade(84, {"A": 90, "B": 75, "C": 60}) == "B"
    assert policy.grade(59, {"A": 90, "B": 75, "C": 60}) == "D"
    assert policy.credit_score(policy.CreditCounts(), weights) is None
    assert policy.grade(None, {"A": 90}) == "N"


@pytest.mark.parametrize("preset", ["cn", "eu"])
def test_both_presets_resolve_every_key(preset):
    config = msgspec.convert({"preset": preset}, QualificationConfig)
    values = policy.effective(config)
    assert set(values) == set(policy.RULES.rules)
    lines = policy.explain(config)
    assert all(line["origin"] == f"preset:{preset}" and line["source"] for line in lines)
    assert values["listing_review_mode"] == {"cn": "category_based", "eu": "post_publish_monitor"}[preset]
    assert values["reverify_interval_days"] == {"cn": 182, "eu": None}[preset]


def test_dossier_check_names_every_defect():
    defects = policy.check_dossier(
        {"uscc": "123", "contact_phone": "call me", "surprise": 1},
        required=policy.CN_FIELDS, entity="business", exempt=False, preset="cn", today=date(2026, 1, 1), cap=10_000_000,
    )
    fields = [d.field for d in defects]
    assert "fields.surprise" in fields and "fields.uscc" in fields and "fields.contact_phone" in fields
    assert len(fields) == len(set(fields)) == 1 + len(policy.CN_FIELDS)


def test_iban():
    assert policy.iban_ok("DE89 3704 0044 0532 0130 00")
    assert not policy.iban_ok("DE89 3704 0044 0532 0130 01")
