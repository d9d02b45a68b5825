"""The explained refund: a pure calculator answering a line-by-line breakdown whose sum is the refund.

Each promotion is shared over the lines it covers by their value, then over each line's
units, both by largest remainder (:func:`bazaar.sdk.money.allocate`), so every share is an
exact integer and the shares add up to the promotion. Units are numbered per line; units
refunded in earlier cases are the first ones, so several cases on one line never count a
share twice. Rules (policy keys in brackets):

* a returned unit refunds its price less its shares of the promotions;
* a bundle whose condition (``min_quantity`` units kept) breaks with this return charges
  back the shares of the units kept (``reprice_on_lost_promo``); a bundle broken earlier
  refunds later units at full price (their shares were charged back already);
* a gift whose qualifying goods all come back without it is charged at its marked
  price (``gift_missing_policy``);
* a partial return that drops the kept goods below the free-shipping threshold pays the
  outbound fee that was waived (``deduct_outbound_if_free_shipping_lost``);
* the outbound fee paid is refunded with the last goods of the order
  (``refund.outbound_on_full_return``: ``always``, or only for a ``quality_fault``);
* a diminished value found at inspection (eu) is deducted, capped at the line's refund;
* return shipping the merchant bears is *compensation* (money beyond the goods), listed apart;
* the refund is split over the original tenders pro rata (``refund.to_original_method``);
* deductions beyond a case's refund are not charged to the buyer but carried to the next
  case of the order (``uncollected`` -> ``carried_deduction``).
"""

from __future__ import annotations

from typing import Literal

import msgspec

from bazaar.sdk.money import allocate

PromotionKind = Literal["promotion", "coupon", "points", "bundle", "gift", "free_shipping"]


class Line(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    unit_price: int
    quantity: int
    #: units refunded in earlier cases, and units coming back in this one
    returned_before: int = 0
    returning: int = 0


class Promotion(msgspec.Struct, frozen=True, kw_only=True):
    """A discount as the order recorded it. ``line_ids`` empty: every line but gifts."""

    code: str
    label: str
    kind: PromotionKind = "promotion"
    amount: int
    line_ids: tuple[str, ...] = ()
    min_quantity: int | None = None
    gift_line_id: str | None = None
    threshold: int | None = None


class Tender(msgspec.Struct, frozen=True, kw_only=True):
    method: str
    amount: int
    #: points or a coupon: refunded in kind, not as money
    in_kind: bool = False


class Deduction(msgspec.Struct, frozen=True, kw_only=True):
    line_id: str
    amount: int
    label: str


class Input(msgspec.Struct, frozen=True, kw_only=True):
    currency: str
    lines: tuple[Line, ...]
    promotions: tuple[Promotion, ...] = ()
    shipping_paid: int = 0
    tenders: tuple[Tender, ...] = ()
    quality_fault: bool = False
    reprice_on_lost_promo: bool = False
    gift_missing_policy: str | None = None
    deduct_outbound_if_free_shipping_lost: bool = False
    outbound_on_full_return: Literal["always", "quality_fault", "never"] = "never"
    outbound_settled_before: bool = False
    deductions: tuple[Deduction, ...] = ()
    return_shipping: int = 0
    return_shipping_payer: Literal["merchant", "consumer"] = "consumer"
    #: deductions an earlier case could not take (its refund was floored at zero)
    carried_deduction: int = 0


class Item(msgspec.Struct, frozen=True, kw_only=True):
    """One line of the breakdown: what it is, for which order line, and its signed amount."""

    kind: str
    label: str
    amount: int
    order_line_id: str | None = None
    quantity: int | None = None


class TenderShare(msgspec.Struct, frozen=True, kw_only=True):
    method: str
    amount: int
    in_kind: bool = False


class Breakdown(msgspec.Struct, frozen=True, kw_only=True):
    currency: str
    items: list[Item]
    #: the sum of ``items``: what goes back to the buyer
    refund: int
    compensation_items: list[Item]
    compensation: int
    tenders: list[TenderShare]
    #: the goods refund attributed to each order line (for the per-line cap), and the outbound fee part
    per_line: dict[str, int]
    shipping: int
    #: the outbound fee was refunded or charged in this case (so later cases do not again)
    outbound_settled: bool = False
    #: deductions this case could not take (carried to the next case of the order)
    uncollected: int = 0


def unit_shares(lines: tuple[Line, ...], promo: Promotion) -> dict[str, list[int]]:
    """The promotion's share of every unit of every covered line (exact, by largest remainder)."""
    covered = [ln for ln in lines if (ln.id in promo.line_ids if promo.line_ids else ln.id != promo.gift_line_id)]
    if promo.kind == "gift" and promo.gift_line_id:
        covered = [ln for ln in lines if ln.id == promo.gift_line_id]
    if not covered:
        return {}
    per_line = allocate(promo.amount, [ln.unit_price * ln.quantity for ln in covered])
    return {ln.id: allocate(share, [1] * ln.quantity) for ln, share in zip(covered, per_line, strict=True)}


def _bought(lines: tuple[Line, ...], ids: tuple[str, ...]) -> int:
    return sum(ln.quantity for ln in lines if not ids or ln.id in ids)


def _kept(lines: tuple[Line, ...], ids: tuple[str, ...], *, after: bool) -> int:
    chosen = [ln for ln in lines if not ids or ln.id in ids]
    return sum(ln.quantity - ln.returned_before - (ln.returning if after else 0) for ln in chosen)


def calculate(data: Input) -> Breakdown:
    """The breakdown of one case's refund (see the module doc for the rules)."""
    items: list[Item] = []
    gross: dict[str, int] = {}
    by_id = {ln.id: ln for ln in data.lines}
    for ln in data.lines:
        if ln.returning:
            amount = ln.unit_price * ln.returning
            items.append(Item(kind="goods", label=f"{ln.name}: {ln.returning} x {ln.unit_price}", amount=amount,
                              order_line_id=ln.id, quantity=ln.returning))
            gross[ln.id] = amount
    for promo in data.promotions:
        if promo.kind == "free_shipping":
            continue
        shares = unit_shares(data.lines, promo)
        reprices = (promo.kind == "bundle" and promo.min_quantity is not None and data.reprice_on_lost_promo
                    and _bought(data.lines, promo.line_ids) >= promo.min_quantity)
        bundle_lost_before = reprices and _kept(data.lines, promo.line_ids, after=False) < (promo.min_quantity or 0)
        for line_id, units in shares.items():
            ln = by_id[line_id]
            share = sum(units[ln.returned_before:ln.returned_before + ln.returning])
            if share and not bundle_lost_before:
                items.append(Item(kind=f"{promo.kind}_share", label=f"{promo.label}: share of the returned units",
                                  amount=-share, order_line_id=line_id, quantity=ln.returning))
                gross[line_id] -= share
        if reprices and not bundle_lost_before and _kept(data.lines, promo.line_ids, after=True) < (promo.min_quantity or 0):
            kept_share = sum(sum(units[by_id[i].returned_before + by_id[i].returning:]) for i, units in shares.items())
            if kept_share:
                items.append(Item(kind="bundle_repriced", label=f"{promo.label}: condition broken, the kept units "
                                  "lose their discount", amount=-kept_share))
        if promo.kind == "gift" and promo.gift_line_id and data.gift_missing_policy == "charge_marked_price":
            gift = by_id.get(promo.gift_line_id)
            qualifying = tuple(i for i in (promo.line_ids or tuple(by_id)) if i != promo.gift_line_id)
            all_back = _kept(data.lines, qualifying, after=True) == 0
            completes = any(by_id[i].returning for i in qualifying if i in by_id)
            if gift is not None and all_back and completes:
                missing = gift.quantity - gift.returned_before - gift.returning
                if missing > 0:
                    items.append(Item(kind="gift_missing", label=f"gift {gift.name} not returned: charged at its "
                                      f"marked price", amount=-gift.unit_price * missing, order_line_id=gift.id,
                                      quantity=missing))
    for cut in data.deductions:
        if cut.line_id in gross and cut.amount > 0:
            amount = min(cut.amount, max(gross[cut.line_id], 0))
            items.append(Item(kind="diminished_value", label=cut.label, amount=-amount, order_line_id=cut.line_id))
            gross[cut.line_id] -= amount
    shipping, settled = 0, data.outbound_settled_before
    kept_after = sum(ln.quantity - ln.returned_before - ln.returning for ln in data.lines if ln.unit_price > 0)
    if not settled:
        for promo in data.promotions:
            if promo.kind != "free_shipping" or not data.deduct_outbound_if_free_shipping_lost:
                continue
            kept_value = sum(ln.unit_price * (ln.quantity - ln.returned_before - ln.returning) for ln in data.lines)
            before = sum(ln.unit_price * (ln.quantity - ln.returned_before) for ln in data.lines)
            if kept_after > 0 and promo.threshold is not None and kept_value < promo.threshold <= before:
                items.append(Item(kind="outbound_shipping", label=f"{promo.label}: the kept goods no longer ship free",
                                  amount=-promo.amount))
                settled = True
        wants = data.outbound_on_full_return == "always" or (
            data.outbound_on_full_return == "quality_fault" and data.quality_fault)
        if kept_after == 0 and data.shipping_paid > 0 and wants:
            items.append(Item(kind="outbound_shipping", label="outbound shipping refunded with the whole order",
                              amount=data.shipping_paid))
            shipping, settled = data.shipping_paid, True
    if data.carried_deduction > 0:
        items.append(Item(kind="carried_deduction", label="deductions an earlier case could not take",
                          amount=-data.carried_deduction))
    total = sum(item.amount for item in items)
    uncollected = 0
    if total < 0:
        uncollected = -total
        items.append(Item(kind="floor", label="deductions beyond the refund are not charged", amount=-total))
        total = 0
    goods = total - shipping
    if goods < 0:  # the outbound fee absorbed deductions: attribute what is left to the fee
        shipping, goods = total, 0
    weights = [max(gross.get(ln.id, 0), 0) for ln in data.lines]
    parts = allocate(goods, weights) if any(weights) else [0] * len(data.lines)
    per_line = {ln.id: part for ln, part in zip(data.lines, parts, strict=True) if ln.returning or part}
    compensation_items = []
    if data.return_shipping > 0 and data.return_shipping_payer == "merchant":
        compensation_items.append(Item(kind="return_shipping", label="return shipping, borne by the merchant",
                                       amount=data.return_shipping))
    tenders = data.tenders or (Tender(method="original", amount=max(total, 1)),)
    split = allocate(total, [t.amount for t in tenders])
    return Breakdown(
        currency=data.currency, items=items, refund=total, compensation_items=compensation_items,
        compensation=sum(i.amount for i in compensation_items),
        tenders=[TenderShare(method=t.method, amount=a, in_kind=t.in_kind) for t, a in zip(tenders, split, strict=True)],
        per_line=per_line, shipping=shipping, outbound_settled=settled, uncollected=uncollected,
    )
