"""Public ids: opaque, prefixed, time-ordered, never sequential integers."""

from __future__ import annotations

from unittest import mock

from bazaar.core.kernel.ids import looks_like, new_id


def test_shape():
    value = new_id("ord")
    assert value.startswith("ord_") and len(value) == 4 + 26
    assert looks_like(value, "ord")
    assert not looks_like(value, "usr")
    assert not looks_like("ord_123", "ord")
    assert not looks_like("ord_" + "I" * 26, "ord"), "Crockford base32 has no I, L, O, U"


def test_unique():
    ids = {new_id("x") for _ in range(10_000)}
    assert len(ids) == 10_000


def test_time_ordered_across_milliseconds():
    with mock.patch("time.time_ns", return_value=1_700_000_000_000_000_000):
        earlier = new_id("x")
    with mock.patch("time.time_ns", return_value=1_700_000_000_001_000_000):
        later = new_id("x")
    assert earlier < later
    assert earlier[:12] != later[:12]


def test_not_sequential_within_a_millisecond():
    with mock.patch("time.time_ns", return_value=1_700_000_000_000_000_000):
        a, b = new_id("x"), new_id("x")
    assert a[:12] == b[:12], "same time prefix"
    assert a != b, "random tail"


def test_ids_from_one_process_strictly_increase_within_a_millisecond():
    from bazaar.core.kernel.ids import new_id

    made = [new_id("evt") for _ in range(5000)]
    assert made == sorted(made) and len(set(made)) == len(made)
