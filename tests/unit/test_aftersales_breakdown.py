"""The explained refund: every breakdown sums to the refund; promotions, gifts, shipping and tenders."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bazaar.plugins.aftersales.breakdown import Deduction, Input, Line, Promotion, Tender, calculate

TEA = Line(id="tea", name="Tea", unit_price=1000, quantity=3)
CUP = Line(id="cup", name="Cup", unit_price=500, quantity=1)
BUNDLE = Promotion(code="B3", label="3 teas for 25.00", kind="bundle", amount=500, line_ids=("tea",), min_quantity=3)


def returning(line: Line, n: int, before: int = 0) -> Line:
    return Line(id=line.id, name=line.name, unit_price=line.unit_price, quantity=line.quantity, returned_before=before,
                returning=n)


def test_partial_return_of_a_bundle_reprices_the_kept_units():
    b = calculate(Input(currency="CNY", lines=(returning(TEA, 1), CUP), promotions=(BUNDLE,),
                        reprice_on_lost_promo=True))
    assert [(i.kind, i.amount) for i in b.items] == [("goods", 1000), ("bundle_share", -167), ("bundle_repriced", -333)]
    # paid 2500 for three; the two kept cost 2000 without the bundle: 500 comes back
    assert b.refund == 500 == sum(i.amount for i in b.items)
    assert b.per_line == {"tea": 500}
    # without re-pricing the returned unit only loses its own share
    plain = calculate(Input(currency="CNY", lines=(returning(TEA, 1), CUP), promotions=(BUNDLE,)))
    assert plain.refund == 833


def test_after_a_broken_bundle_later_units_come_back_at_full_price():
    first = calculate(Input(currency="CNY", lines=(returning(TEA, 1),), promotions=(BUNDLE,), reprice_on_lost_promo=True))
    second = calculate(Input(currency="CNY", lines=(returning(TEA, 2, before=1),), promotions=(BUNDLE,),
                             reprice_on_lost_promo=True))
    assert second.refund == 2000
    assert first.refund + second.refund == 2500  # exactly what was paid for the three


def test_coupon_shared_pro_rata_and_the_outbound_fee_when_free_shipping_is_lost():
    coupon = Promotion(code="C", label="coupon 3.00", kind="coupon", amount=300)
    free = Promotion(code="FREE", label="free shipping over 30.00", kind="free_shipping", amount=600, threshold=3000)
    b = calculate(Input(currency="CNY", lines=(returning(TEA, 1), CUP), promotions=(coupon, free),
                        deduct_outbound_if_free_shipping_lost=True))
    # coupon: 300 over tea 3000 and cup 500 -> 257 / 43; tea units 86, 86, 85
    # kept: two teas and the cup, 25.00, below the 30.00 threshold: the waived fee is paid
    assert [(i.kind, i.amount) for i in b.items] == [("goods", 1000), ("coupon_share", -86), ("outbound_shipping", -600)]
    assert b.refund == 314 == sum(i.amount for i in b.items) and b.outbound_settled


def test_whole_order_returned_refunds_the_outbound_fee_by_policy():
    lines = (returning(CUP, 1),)
    quality = calculate(Input(currency="CNY", lines=lines, shipping_paid=800, outbound_on_full_return="quality_fault",
                              quality_fault=True))
    assert quality.refund == 1300 and quality.shipping == 800 and quality.per_line == {"cup": 500}
    no_fault = calculate(Input(currency="CNY", lines=lines, shipping_paid=800, outbound_on_full_return="quality_fault"))
    assert no_fault.refund == 500 and no_fault.shipping == 0
    again = calculate(Input(currency="CNY", lines=lines, shipping_paid=800, outbound_on_full_return="always",
                            outbound_settled_before=True))
    assert again.refund == 500


def test_missing_gift_is_charged_at_its_marked_price():
    gift = Line(id="gift", name="Tea tin", unit_price=300, quantity=1)
    promo = Promotion(code="G", label="free tea tin", kind="gift", amount=300, line_ids=("tea",), gift_line_id="gift")
    b = calculate(Input(currency="CNY", lines=(returning(TEA, 3), gift), promotions=(promo,),
                        gift_missing_policy="charge_marked_price"))
    assert [(i.kind, i.amount) for i in b.items] == [("goods", 3000), ("gift_missing", -300)]
    assert b.refund == 2700
    with_gift = calculate(Input(currency="CNY", lines=(returning(TEA, 3), returning(gift, 1)), promotions=(promo,),
                                gift_missing_policy="charge_marked_price"))
    assert with_gift.refund == 3000  # the tin came back: its price and its 100% discount cancel out


def test_diminished_value_return_shipping_and_tenders():
    b = calculate(Input(
        currency="EUR", lines=(returning(TEA, 2),), deductions=(Deduction(line_id="tea", amount=250, label="worn"),),
        tenders=(Tender(method="card", amount=2000), Tender(method="points", amount=1000, in_kind=True)),
        return_shipping=690, return_shipping_payer="merchant",
    ))
    assert b.refund == 1750 and [i.kind for i in b.items] == ["goods", "diminished_value"]
    assert [(t.method, t.amount, t.in_kind) for t in b.tenders] == [("card", 1167, False), ("points", 583, True)]
    assert b.compensation == 690 and b.compensation_items[0].kind == "return_shipping"


def test_deductions_never_make_the_refund_negative():
    gift = Line(id="gift", name="Big gift", unit_price=5000, quantity=1)
    promo = Promotion(code="G", label="gift", kind="gift", amount=5000, line_ids=("cup",), gift_line_id="gift")
    b = calculate(Input(currency="CNY", lines=(returning(CUP, 1), gift), promotions=(promo,),
                        gift_missing_policy="charge_marked_price"))
    assert b.refund == 0 and b.items[-1].kind == "floor" and sum(i.amount for i in b.items) == 0
    assert b.uncollected == 4500  # carried to the next case of the order


@settings(max_examples=200, deadline=None)
@given(
    prices=st.lists(st.integers(1, 50_000), min_size=1, max_size=4),
    qty=st.lists(st.integers(1, 5), min_size=4, max_size=4),
    discount=st.integers(0, 10_000),
    cuts=st.lists(st.integers(1, 5), min_size=1, max_size=6),
)
def test_successive_cases_never_refund_more_than_was_paid(prices, qty, discount, cuts):
    lines = [Line(id=f"l{i}", name=f"L{i}", unit_price=p, quantity=qty[i]) for i, p in enumerate(prices)]
    subtotal = sum(ln.unit_price * ln.quantity for ln in lines)
    promo = Promotion(code="P", label="promo", kind="bundle", amount=min(discount, subtotal), min_quantity=2)
    done = {ln.id: 0 for ln in lines}
    total = carried = 0
    for cut in cuts:
        case = []
        for ln in lines:
            n = min(cut, ln.quantity - done[ln.id])
            case.append(Line(id=ln.id, name=ln.name, unit_price=ln.unit_price, quantity=ln.quantity,
                             returned_before=done[ln.id], returning=n))
        b = calculate(Input(currency="CNY", lines=tuple(case), promotions=(promo,), reprice_on_lost_promo=True,
                            carried_deduction=carried))
        carried = b.uncollected
        assert sum(i.amount for i in b.items) == b.refund == sum(b.per_line.values()) + b.shipping
        assert sum(t.amount for t in b.tenders) == b.refund
        total += b.refund
        for line in case:
            done[line.id] += line.returning
    assert total <= subtotal - promo.amount
    if all(done[ln.id] == ln.quantity for ln in lines):
        assert total == subtotal - promo.amount
