"""Listing transition table, review combination, availability levels, cursors, search terms."""

from datetime import UTC, datetime

import pytest

from bazaar.core.catalogue import cursors, policy, states
from bazaar.core.catalogue.search import Fts5Search, TrigramSearch, like_pattern, parse_terms
from bazaar.sdk.errors import Conflict, InvalidTransition, ValidationFailed
from bazaar.sdk.types import ReviewFinding

S, E = states.ListingStatus, states.ListingEvent


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("event", list(E))
def test_every_status_event_pair_is_allowed_or_refused_by_the_table(status, event):
    expected = states.TRANSITIONS.get((status, event))
    if expected is None:
        with pytest.raises(InvalidTransition) as info:
            states.LISTING.transition(status, event)
        assert info.value.extra["allowed"] == states.LISTING.allowed_events(status)
    else:
        assert states.LISTING.transition(status, event) == expected


def test_lifecycle_paths():
    transition = states.LISTING.transition
    assert transition("draft", "submit") == "in_review"
    assert transition("in_review", "approve") == "live"
    assert transition("in_review", "reject") == "rejected"
    assert transition("rejected", "edit") == "draft"
    assert transition("live", "delist") == "delisted"
    assert transition("delisted", "submit") == "in_review"
    assert transition("live", "revise") == "in_review"
    assert transition("delisted", "reinstate") == "live"
    with pytest.raises(InvalidTransition):
        transition("bogus", "submit")


def test_the_merchant_is_offered_only_its_own_actions():
    assert states.LISTING.allowed_actions("live", ("merchant",)) == ["delist", "revise"]
    assert states.LISTING.allowed_actions("live", ("operator",)) == ["take_down"]
    assert states.LISTING.allowed_actions("delisted", ("merchant",)) == ["submit"]
    assert states.LISTING.allowed_actions("delisted", ("system",)) == ["reinstate"]


def finding(outcome, field="name", reason="r"):
    return ReviewFinding(outcome=outcome, field=field, reason=reason)


def test_combine_review_rule_is_order_independent():
    a = ("a", [finding("review", "images", "blurry")])
    b = ("b", [finding("reject", "name", "banned word"), finding("reject", "description", "claims")])
    outcome1, findings1 = policy.combine_review([a, b])
    outcome2, findings2 = policy.combine_review([b, a])
    assert outcome1 == outcome2 == "reject"
    assert findings1 == findings2
    assert [f["field"] for f in findings1] == ["description", "images", "name"]
    assert policy.combine_review([a])[0] == "review"
    assert policy.combine_review([("a", [])]) == ("approve", [])
    assert policy.combine_review([]) == ("approve", [])


def test_availability_levels():
    assert policy.availability(0, 5) == "out"
    assert policy.availability(-1, 5) == "out"
    assert policy.availability(5, 5) == "low"
    assert policy.availability(6, 5) == "in_stock"
    assert policy.availability(1, 0) == "in_stock"


@pytest.mark.parametrize("status", ["pending", "restricted", "suspended", "closed"])
def test_only_active_merchants_submit(status):
    with pytest.raises(Conflict) as info:
        policy.check_may_submit(status)
    assert info.value.code == f"merchant_{status}"
    policy.check_may_submit("active")


def test_visibility():
    assert policy.is_visible("live", "active")
    assert policy.is_visible("live", "restricted")
    assert not policy.is_visible("live", "suspended")
    assert not policy.is_visible("in_review", "active")


def test_cursor_round_trip_and_refusals():
    at = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    c = cursors.encode("newest", at, "prd_X")
    assert cursors.decode(c, "newest", (datetime, str)) == [at, "prd_X"]
    assert cursors.decode(cursors.encode("relevance", 1.25, "p"), "relevance", (float, str)) == [1.25, "p"]
    for bad in [c + "x", "!!!", cursors.encode("price_asc", 5, "p")]:
        with pytest.raises(ValidationFailed) as info:
            cursors.decode(bad, "newest", (datetime, str))
        assert info.value.code == "invalid_cursor"
    with pytest.raises(ValidationFailed):
        cursors.decode(cursors.encode("price_asc", "5", "p"), "price_asc", (int, str))


def test_search_terms_and_patterns():
    assert parse_terms("  Dress dress  连衣 ") == ["Dress", "连衣"]
    assert parse_terms(None) == []
    assert len(parse_terms(" ".join(f"t{i}" for i in range(20)))) == 8
    assert like_pattern("50%_off\\") == "%50\\%\\_off\\\\%"


def test_fts5_sends_short_terms_to_like_and_long_ones_to_match():
    sql = Fts5Search().sql(["连衣", "dress"])
    assert "MATCH" in sql.where and "LIKE" in sql.where
    assert sql.where_args[0] == '"dress"'
    only_short = Fts5Search().sql(["连衣"])
    assert "MATCH" not in only_short.where and only_short.join == ""
    assert "ILIKE" in TrigramSearch().sql(["连衣"]).where
