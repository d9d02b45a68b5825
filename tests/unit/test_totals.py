"""Checkout arithmetic and parsing rules (pure)."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bazaar.core.checkout import policy
from bazaar.core.checkout.schemas import CheckoutCreate
from bazaar.sdk.errors import FieldProblem, ValidationFailed


def test_flat_shipping_until_free_threshold() -> None:
    assert policy.shipping_fee(9899, flat=1000, free_over=9900) == 1000
    assert policy.shipping_fee(9900, flat=1000, free_over=9900) == 0
    assert policy.shipping_fee(10**9, flat=1000, free_over=None) == 1000
    assert policy.shipping_fee(0, flat=0, free_over=None) == 0


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=10), st.integers(min_value=0, max_value=10**9))
def test_discount_is_summed_and_capped_at_subtotal(amounts: list[int], subtotal: int) -> None:
    discount = policy.capped_discount(amounts, subtotal)
    assert discount == min(sum(amounts), subtotal)
    assert 0 <= discount <= subtotal
    total = policy.order_total(subtotal, 1000, discount)
    assert total >= 1000  # never below the shipping fee


def test_one_kind_of_line_problem_gives_its_code_several_give_invalid_lines() -> None:
    one = policy.line_problems_error([("invalid_quantity", FieldProblem(field="lines[0].quantity", reason="x"))])
    assert one.code == "invalid_quantity" and one.status == 422
    mixed = policy.line_problems_error([
        ("invalid_quantity", FieldProblem(field="lines[0].quantity", reason="x")),
        ("sku_not_found", FieldProblem(field="lines[1].sku_id", reason="y")),
    ])
    assert mixed.code == "invalid_lines"
    assert [e.field for e in mixed.errors] == ["lines[0].quantity", "lines[1].sku_id"]


def test_parse_lines_query() -> None:
    assert policy.parse_lines_query("sku_a:2, sku_b:1,") == [("sku_a", 2), ("sku_b", 1)]
    assert policy.parse_lines_query("sku_a:-1") == [("sku_a", -1)]  # range is checked with the catalogue
    for bad in ("", "sku_a", "sku_a:x", "sku_a:99999999999"):
        with pytest.raises(ValidationFailed):
            policy.parse_lines_query(bad)


def test_request_hash_is_stable_and_sensitive() -> None:
    raw = {"lines": [{"sku_id": "sku_a", "quantity": 1, "unit_price": {"amount": 1, "currency": "CNY"}}],
           "shipping_address": {"name": "A", "phone": "13812345678", "country": "CN", "region": "R", "city": "C",
                                "line1": "L"},
           "payment_method": "testpay"}
    a = msgspec.convert(raw, CheckoutCreate)
    reordered = msgspec.convert(dict(reversed(list(raw.items()))), CheckoutCreate)
    assert policy.request_hash(a) == policy.request_hash(reordered)
    changed = msgspec.convert({**raw, "buyer_note": "x"}, CheckoutCreate)
    assert policy.request_hash(a) != policy.request_hash(changed)
