"""Money: integer minor units, explicit rounding, parts that add up to the whole."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bazaar.sdk.errors import ValidationFailed
from bazaar.sdk.money import Money, allocate, bps_share


def cny(amount: int) -> Money:
    return Money(amount=amount, currency="CNY")


def test_arithmetic_in_one_currency():
    assert cny(1999) + cny(1) == cny(2000)
    assert cny(1999) - cny(2000) == cny(-1)
    assert cny(250).times(3) == cny(750)
    assert Money.zero("EUR") == Money(amount=0, currency="EUR")


def test_mixing_currencies_raises():
    with pytest.raises(ValidationFailed) as info:
        cny(1) + Money(amount=1, currency="EUR")
    assert info.value.code == "currency_mismatch"
    with pytest.raises(ValidationFailed):
        cny(1) - Money(amount=1, currency="EUR")


def test_json_shape_and_validation():
    assert msgspec.json.encode(cny(1999)) == b'{"amount":1999,"currency":"CNY"}'
    assert msgspec.json.decode(b'{"amount":5,"currency":"EUR"}', type=Money) == Money(amount=5, currency="EUR")
    for bad in (b'{"amount":1.5,"currency":"CNY"}', b'{"amount":1,"currency":"cny"}', b'{"amount":1}'):
        with pytest.raises(msgspec.ValidationError):
            msgspec.json.decode(bad, type=Money)


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (10, [1, 1], [5, 5]),
        (1, [1, 1, 1], [1, 0, 0]),
        (101, [50, 50], [51, 50]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (1000, [0, 3, 7], [0, 300, 700]),
        (5, [0, 0], [5, 0]),
        (999, [333, 333, 334], [333, 333, 333]),
    ],
)
def test_allocate_examples(total, weights, parts):
    assert allocate(total, weights) == parts


@given(
    total=st.integers(min_value=-(10**12), max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12),
)
def test_allocate_parts_always_add_up(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    whole = sum(weights)
    if whole:
        for part, weight in zip(parts, weights, strict=True):
            exact = total * weight / whole
            assert abs(part - exact) < 1 + 1e-9


def test_allocate_refuses_bad_weights():
    with pytest.raises(ValueError):
        allocate(10, [])
    with pytest.raises(ValueError):
        allocate(10, [1, -1])


@pytest.mark.parametrize(("amount", "bps", "share"), [(10_000, 500, 500), (199, 500, 10), (190, 500, 10), (189, 500, 9), (0, 500, 0), (100, 0, 0), (100, 10_000, 100)])
def test_bps_share_rounds_half_up(amount, bps, share):
    assert bps_share(amount, bps) == share


@pytest.mark.parametrize("bps", [-1, 10_001])
def test_bps_share_refuses_out_of_range(bps):
    with pytest.raises(ValueError):
        bps_share(100, bps)
