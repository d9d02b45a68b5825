"""The promotions recorded with an order: each discount granted (scaled to the cap), and the
shipping fee waived by the free-shipping threshold, so a refund can be explained later."""

from __future__ import annotations

import msgspec

from bazaar.sdk.money import Money, allocate
from bazaar.sdk.types import Discount, OrderPromotion


def record(granted: list[tuple[str, Discount]], discount: int, *, currency: str, waived: int,
           threshold: int | None) -> str:
    """The order's promotions as JSON: discounts share the (capped) total by largest remainder."""
    parts = allocate(discount, [d.amount.amount for _, d in granted]) if granted else []
    out = [
        OrderPromotion(code=d.code, label=d.label, kind=d.kind, amount=Money(amount=part, currency=currency),
                       sku_ids=d.sku_ids, min_quantity=d.min_quantity, gift_sku_id=d.gift_sku_id, plugin=plugin)
        for (plugin, d), part in zip(granted, parts, strict=True) if part
    ]
    if waived:
        out.append(OrderPromotion(code="free_shipping", label="free shipping", kind="free_shipping",
                                  amount=Money(amount=waived, currency=currency), threshold=threshold))
    return msgspec.json.encode(out).decode()
