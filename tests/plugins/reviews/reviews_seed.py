"""Fast seeding for storefront tests: completed orders recorded as the event handlers record them,
then reviews written through the plugin's service (the same path as ``POST /api/v1/reviews``)."""

from __future__ import annotations

from typing import Any

from bazaar.plugins.reviews import facts, service
from bazaar.plugins.reviews.schemas import ReviewCreate
from bazaar.sdk.api import Actor, new_id


async def reviews(rt: Any, merchant_id: str, product_id: str, ratings: list[int], **body: Any) -> list[str]:
    """One completed order per rating, by a new buyer each, reviewed with that rating; the review ids."""
    ids = []
    for rating in ratings:
        customer_id, order_id, line_id = new_id("usr"), new_id("ord"), new_id("oln")
        now = rt.clock.now()
        async with rt.unit_of_work():
            await facts.record_order(rt, order_id, merchant_id=merchant_id, customer_id=customer_id,
                                     paid_at=now, paid_via="online", completed_at=now)
            await rt.db.execute(
                "INSERT INTO reviews_line (line_id, order_id, product_id, sku_id, name) VALUES ({}, {}, {}, {}, {})",
                line_id, order_id, product_id, new_id("sku"), "Seeded item",
            )
        out = await service.create_review(rt, Actor(kind="user", user_id=customer_id),
                                          ReviewCreate(line_id=line_id, rating=rating, **body))
        ids.append(out.id)
    return ids
