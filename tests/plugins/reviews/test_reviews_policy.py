"""The policy in force: presets, overrides, the law's fixed keys, refusals at start, the public rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec
import pytest
from reviews_market import make_market

from bazaar.plugins.reviews import policy
from bazaar.plugins.reviews.config import ReviewsConfig
from bazaar.plugins.reviews.states import MODERATION, ModerationEvent, ModerationState
from bazaar.sdk.calendar import Calendar
from bazaar.sdk.errors import ConfigError, InvalidTransition


def test_presets_follow_the_policy_table():
    cn = policy.effective(ReviewsConfig(preset="cn"))
    eu = policy.effective(ReviewsConfig(preset="eu"))
    assert (cn["window_days"], cn["followup_days"], cn["appeal_window_days"]) == (15, 180, 15)
    assert (eu["window_days"], eu["followup_days"], eu["appeal_window_days"]) == (30, 180, 183)
    for values in (cn, eu):
        assert values["platform_may_delete"] is False
        assert values["verified_purchase_only"] is True
        assert values["merchant_staff_may_review"] is False
        assert values["hide_grounds"] == list(policy.GROUNDS)
    sources = {line.key: line.source for line in policy.RULES.explain(ReviewsConfig())}
    assert sources["platform_may_delete"] == "ECL 39, NTSM 15 / DSA 17"
    assert sources["verified_purchase_only"] == "ECL 17 / UCPD Annex I 23b"


def test_the_law_keys_cannot_be_configured_and_bad_values_are_refused():
    for bad in ({"platform_may_delete": True}, {"verified_purchase_only": False}, {"window_days": 0},
                {"hide_grounds": ["rude"]}, {"hide_grounds": []}, {"photos": {"max_count": 50}}):
        with pytest.raises(msgspec.ValidationError):
            msgspec.convert({"preset": "cn", **bad}, ReviewsConfig)


def test_pure_rules():
    assert policy.average(16, 5) == 3.2 and policy.average(7, 3) == 2.33 and policy.average(5, 3) == 1.67
    assert policy.average(0, 0) is None
    assert policy.counts_in_rating("fake") is False and policy.counts_in_rating("threats") is True
    assert policy.pseudonym("usr_A") == policy.pseudonym("usr_A") != policy.pseudonym("usr_B")
    cal = Calendar("Asia/Shanghai", holidays=[date(2026, 1, 26)])
    friday = datetime(2026, 1, 9, 2, tzinfo=UTC)
    assert policy.window_end(cal, friday, 15) == datetime(2026, 1, 27, 16, tzinfo=UTC)  # Sat -> Sun -> holiday
    assert policy.month_of(cal, datetime(2026, 1, 31, 17, tzinfo=UTC)) == "2026-02"  # 01:00 on 1 Feb locally


def test_the_moderation_machine():
    assert MODERATION.transition(ModerationState.published, ModerationEvent.hide) == ModerationState.hidden
    assert MODERATION.allowed_actions("hidden", {"customer"}) == ["appeal"]
    assert MODERATION.allowed_actions("hidden", {"operator"}) == ["reinstate"]
    assert MODERATION.allowed_actions("published", {"merchant", "customer"}) == []
    with pytest.raises(InvalidTransition):
        MODERATION.transition(ModerationState.published, ModerationEvent.appeal)


async def test_the_policy_route_prints_values_origins_and_sources(bazaar_factory):
    m = await make_market(bazaar_factory, window_days=10, photos={"max_count": 3})
    r = await m.c.get("/api/v1/reviews/admin/policy", headers=m.operator.headers)
    assert r.status_code == 200, r.text
    lines = {line["key"]: line for line in r.json()}
    assert (lines["window_days"]["value"], lines["window_days"]["origin"]) == (10, "override")
    assert (lines["followup_days"]["value"], lines["followup_days"]["origin"]) == (180, "preset:cn")
    assert lines["photos.max_count"]["value"] == 3
    assert lines["platform_may_delete"]["basis"] == "law"
    assert (await m.c.get("/api/v1/reviews/admin/policy", headers=m.owner.headers)).status_code == 403

    rules = (await m.c.get("/api/v1/reviews/rules")).json()
    assert rules["window_days"] == 10 and rules["platform_may_delete"] is False
    assert rules["uncounted_ground"] == "fake" and "advertising" in rules["hide_grounds"]


async def test_a_bad_config_stops_the_start(bazaar_factory):
    with pytest.raises(ConfigError) as refused:
        await bazaar_factory(plugins=["reviews"], config={"reviews": {"preset": "cn", "followup_days": -1}})
    assert "followup_days" in str(refused.value)
