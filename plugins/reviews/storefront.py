"""What shoppers see: a product's summary (one statement) and its review list (one statement).

The list is newest first with a keyset cursor (the last ``created_at`` and id), filters
``rating`` (counted ratings of that star) and ``with_photos`` (shown reviews with photos),
each served by an index that starts with the product, so a page costs the same whether
the product has ten reviews or a million. Each review carries its follow-up (a join: one
per review at most) and its reply (a column); photos are ids on the row.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import msgspec

from bazaar.plugins.reviews.schemas import ReviewOut
from bazaar.plugins.reviews.views import FOLLOWUP_SELECT, followup_from, review_out
from bazaar.sdk.api import Actor
from bazaar.sdk.errors import FieldProblem, ValidationFailed
from bazaar.sdk.runtime import PluginRuntime

SHOWN = "('published', 'reinstated')"


def encode_cursor(created_at: datetime, review_id: str) -> str:
    raw = msgspec.json.encode([created_at.isoformat(), review_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The key in a cursor; a tampered or foreign one is ``422 reviews.invalid_cursor``."""
    try:
        data = msgspec.json.decode(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(data, list) or len(data) != 2 or not all(isinstance(v, str) for v in data):
            raise ValueError("shape")
        at = datetime.fromisoformat(data[0])
        if at.tzinfo is None:
            raise ValueError("naive")
        return at, data[1]
    except (ValueError, TypeError, msgspec.DecodeError):
        raise ValidationFailed(
            "the cursor is invalid", code="reviews.invalid_cursor",
            errors=[FieldProblem(field="cursor", reason="not a cursor of this list", value=cursor[:60])],
        ) from None


async def page(rt: PluginRuntime, where: list[str], args: list[Any], *, limit: int, cursor: str | None,
               viewer: Actor | None, with_order: bool = False) -> tuple[list[ReviewOut], str | None]:
    """One keyset page of reviews (kind ``review``) matching ``where``, newest first, with follow-ups."""
    clauses = ["r.kind = 'review'", *where]
    params = list(args)
    if cursor is not None:
        at, last_id = decode_cursor(cursor)
        clauses.append("(r.created_at < {} OR (r.created_at = {} AND r.id < {}))")
        params += [at, at, last_id]
    order_join = "LEFT JOIN reviews_order o ON o.order_id = r.order_id " if with_order else ""
    order_col = ", o.completed_at AS order_completed_at" if with_order else ""
    rows = await rt.db.fetch(
        f"SELECT r.*, {FOLLOWUP_SELECT}{order_col} FROM reviews_review r "
        f"LEFT JOIN reviews_review f ON f.parent_id = r.id {order_join}"
        f"WHERE {' AND '.join(clauses)} ORDER BY r.created_at DESC, r.id DESC LIMIT {{}}",
        *params, limit + 1,
    )
    items = [
        review_out(rt, r, viewer, followup=followup_from(r), completed_at=r.get("order_completed_at"))
        for r in rows[:limit]
    ]
    last = rows[limit - 1] if len(rows) > limit else None
    return items, (encode_cursor(last["created_at"], last["id"]) if last else None)


async def product_reviews(rt: PluginRuntime, product_id: str, *, rating: int | None, with_photos: bool,
                          limit: int, cursor: str | None, viewer: Actor | None) -> tuple[list[ReviewOut], str | None]:
    """A product's reviews for the storefront: hidden ones appear with their published reason."""
    where: list[str] = ["r.product_id = {}"]
    args: list[Any] = [product_id]
    if rating is not None:
        where.append("r.rating = {} AND r.counts = TRUE")
        args.append(rating)
    if with_photos:
        where.append(f"r.has_photos = TRUE AND r.state IN {SHOWN}")
    return await page(rt, where, args, limit=limit, cursor=cursor, viewer=viewer)
