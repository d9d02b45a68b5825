"""The per-product aggregate (count, sum, histogram, reviews with photos): one row, one read.

Every change that moves a rating in or out of the average (a new review, a hide on the
ground ``fake``, a reinstatement) adjusts the row in its own transaction, so the
storefront summary never scans reviews, however many there are.
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.reviews import policy
from bazaar.plugins.reviews.schemas import SummaryOut
from bazaar.sdk.runtime import PluginRuntime


async def adjust(rt: PluginRuntime, product_id: str, merchant_id: str, *, rating: int, counted: int,
                 photo: int) -> None:
    """Add ``counted`` (+1, -1 or 0) ratings of ``rating`` and ``photo`` reviews with photos."""
    if not counted and not photo:
        return
    stars = [counted if rating == star else 0 for star in range(1, 6)]
    await rt.db.execute(
        "INSERT INTO reviews_summary (product_id, merchant_id, review_count, rating_sum, r1, r2, r3, r4, r5, "
        "photo_reviews, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
        "ON CONFLICT (product_id) DO UPDATE SET "
        "review_count = reviews_summary.review_count + EXCLUDED.review_count, "
        "rating_sum = reviews_summary.rating_sum + EXCLUDED.rating_sum, "
        "r1 = reviews_summary.r1 + EXCLUDED.r1, r2 = reviews_summary.r2 + EXCLUDED.r2, "
        "r3 = reviews_summary.r3 + EXCLUDED.r3, r4 = reviews_summary.r4 + EXCLUDED.r4, "
        "r5 = reviews_summary.r5 + EXCLUDED.r5, "
        "photo_reviews = reviews_summary.photo_reviews + EXCLUDED.photo_reviews, "
        "updated_at = EXCLUDED.updated_at",
        product_id, merchant_id, counted, counted * rating, *stars, photo, rt.clock.now(),
    )


def summary_out(product_id: str, row: dict[str, Any] | None) -> SummaryOut:
    """The storefront summary from the aggregate row (zeros when the product has no reviews)."""
    if row is None:
        return SummaryOut(product_id=product_id, average=None, count=0,
                          histogram={str(star): 0 for star in range(1, 6)}, with_photos=0)
    count = int(row["review_count"])
    return SummaryOut(
        product_id=product_id, average=policy.average(int(row["rating_sum"]), count), count=count,
        histogram={str(star): int(row[f"r{star}"]) for star in range(1, 6)},
        with_photos=int(row["photo_reviews"]),
    )


async def read(rt: PluginRuntime, product_id: str) -> SummaryOut:
    """One statement: the product's aggregate row."""
    row = await rt.db.fetchrow("SELECT * FROM reviews_summary WHERE product_id = {}", product_id)
    return summary_out(product_id, row)
