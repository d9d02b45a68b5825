"""Storefront reads: search and list visible products, product detail.

Each request costs at most three SQL statements (a benchmark counts them):

* list: **one** query for the page, joined to the merchants (plus, only when a category
  filter finds nothing, one lookup that tells an unknown category, 404, from an empty one);
  no per-row queries. A category filter reads the subtree from
  ``catalogue_product_category`` (one row per ancestor category and visible product, kept by
  triggers) in index order, so a page costs the same however large the subtree;
* detail: the product joined to its merchant, its active SKUs, its category breadcrumb.

Pagination is keyset only: the cursor holds the sort key of the last row and the id.

* ``newest`` — ``(created_at, id)`` descending;
* ``price_asc`` / ``price_desc`` — ``(price_min_minor, id)`` (the "from" price);
* ``relevance`` (only with ``q``) — text score plus the summed
  ``bazaar_collect_ranking_adjustments`` deltas. Deltas come from plugins, not SQL, so the
  best :data:`RELEVANCE_WINDOW` text matches are fetched, adjusted, ordered by
  ``(score desc, id)`` and cut after the cursor's ``(score, id)``. Walking past the window
  needs a narrower query or another sort.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from bazaar.core.catalogue import categories, cursors, policy
from bazaar.core.catalogue.schemas import (
    CategoryCrumb,
    MerchantBrief,
    ProductCard,
    ProductDetail,
    Variant,
)
from bazaar.core.catalogue.search import backend, parse_terms
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.merchants.service import badges
from bazaar.sdk.errors import FieldProblem, NotFound, ValidationFailed
from bazaar.sdk.money import Money
from bazaar.sdk.types import ProductSummary

Sort = Literal["relevance", "newest", "price_asc", "price_desc"]
RELEVANCE_WINDOW = 1000

_COLUMNS = (
    "p.id, p.name, p.merchant_id, p.category_id, p.image_urls, p.currency, p.price_min_minor, p.price_max_minor, "
    "p.in_stock, p.created_at, m.name AS merchant_name, m.status AS merchant_status"
)

#: sort -> (ORDER BY, keyset condition after the cursor, key columns, key types)
_ORDERS: dict[str, tuple[str, str, tuple[str, str], tuple[type, type]]] = {
    "newest": (
        "p.created_at DESC, p.id DESC",
        "(p.created_at < {} OR (p.created_at = {} AND p.id < {}))",
        ("created_at", "id"),
        (datetime, str),
    ),
    "price_asc": (
        "p.price_min_minor ASC, p.id ASC",
        "(p.price_min_minor > {} OR (p.price_min_minor = {} AND p.id > {}))",
        ("price_min_minor", "id"),
        (int, str),
    ),
    "price_desc": (
        "p.price_min_minor DESC, p.id DESC",
        "(p.price_min_minor < {} OR (p.price_min_minor = {} AND p.id < {}))",
        ("price_min_minor", "id"),
        (int, str),
    ),
}


def _card(row: dict[str, Any], score: float | None = None) -> ProductCard:
    images = row["image_urls"]
    images = msgspec.json.decode(images) if isinstance(images, str | bytes) else images
    return ProductCard(
        id=row["id"],
        name=row["name"],
        merchant=MerchantBrief(id=row["merchant_id"], name=row["merchant_name"], status=row["merchant_status"]),
        category_id=row["category_id"],
        image_url=images[0] if images else None,
        price_min=Money(amount=row["price_min_minor"], currency=row["currency"]),
        price_max=Money(amount=row["price_max_minor"], currency=row["currency"]),
        in_stock=bool(row["in_stock"]),
        created_at=row["created_at"],
        score=score,
    )


async def list_products(
    rt: Runtime,
    *,
    q: str | None = None,
    category_id: str | None = None,
    merchant_id: str | None = None,
    price_min: int | None = None,
    price_max: int | None = None,
    in_stock: bool | None = None,
    sort: Sort | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> tuple[list[ProductCard], str | None]:
    """One page of visible products matching the text and filters, in the chosen order.

    The price filter keeps products with some variant in ``[price_min, price_max]``.
    ``sort`` defaults to ``relevance`` with ``q`` and ``newest`` without; ``relevance``
    without ``q`` is ``newest``.
    """
    if price_min is not None and price_max is not None and price_min > price_max:
        raise ValidationFailed(
            "price_min is above price_max", code="invalid_price_range",
            errors=[FieldProblem(field="price_min", reason="must not exceed price_max", value=price_min)],
        )
    terms = parse_terms(q)
    order = sort or ("relevance" if terms else "newest")
    if order == "relevance" and not terms:
        order = "newest"
    where: list[str] = ["p.visible = TRUE"]
    args: list[Any] = []
    membership = ""
    if category_id is not None:
        # the subtree through the membership table (kept by triggers): one index range in key order;
        # an unknown category is told apart from an empty one only when the page is empty
        membership = "JOIN catalogue_product_category l ON l.product_id = p.id "
        where.append("l.category_id = {}")
        args.append(category_id)
    if merchant_id is not None:
        where.append("p.merchant_id = {}")
        args.append(merchant_id)
    if price_min is not None:
        where.append("p.price_max_minor >= {}")
        args.append(price_min)
    if price_max is not None:
        where.append("p.price_min_minor <= {}")
        args.append(price_max)
    if in_stock is not None:
        where.append("p.in_stock = {}")
        args.append(in_stock)
    search = backend(rt.db.is_sqlite).sql(terms) if terms else None
    select, select_args, join, join_args = _COLUMNS, [], "", []
    if search is not None:
        select += f", {search.score} AS score"
        select_args = search.score_args
        join, join_args = search.join, search.join_args
        where.append(search.where)
        args += search.where_args
    sql_from = f"FROM catalogue_product p {membership}JOIN core_merchant m ON m.id = p.merchant_id {join}"

    if order == "relevance":
        assert search is not None
        rows = await rt.db.fetch(
            f"SELECT {select} {sql_from} WHERE {' AND '.join(where)} ORDER BY score DESC, p.id LIMIT {{}}",
            *select_args, *join_args, *args, RELEVANCE_WINDOW,
        )
        if not rows and category_id is not None:
            await categories.load(rt, category_id)  # 404 category_not_found
        ranked, nxt = await _rank(rt, rows, limit, cursor)
        return await _with_badges(rt, ranked), nxt

    order_by, after, key_columns, key_types = _ORDERS[order]
    if membership:  # order and page on the membership row's copy of the keys (its index)
        for column in ("created_at", "price_min_minor"):
            order_by, after = order_by.replace(f"p.{column}", f"l.{column}"), after.replace(f"p.{column}", f"l.{column}")
        order_by, after = order_by.replace("p.id", "l.product_id"), after.replace("p.id", "l.product_id")
    if cursor:
        first, last_id = cursors.decode(cursor, order, key_types)
        where.append(after)
        args += [first, first, last_id]
    rows = await rt.db.fetch(
        f"SELECT {select} {sql_from} WHERE {' AND '.join(where)} ORDER BY {order_by} LIMIT {{}}",
        *select_args, *join_args, *args, limit + 1,
    )
    if not rows and category_id is not None:
        await categories.load(rt, category_id)  # 404 category_not_found
    page = rows[:limit]
    items = [_card(r, float(r["score"]) if search else None) for r in page]
    nxt = None
    if len(rows) > limit:
        nxt = cursors.encode(order, *(page[-1][c] for c in key_columns))
    return await _with_badges(rt, items), nxt


async def _with_badges(rt: Runtime, items: list[Any]) -> list[Any]:
    """Put the plugins' merchant badges on each item's merchant (no work when no plugin gives any)."""
    if not items or not rt.plugins.impls("bazaar_collect_merchant_badges"):
        return items
    marks = await badges(rt, [item.merchant.id for item in items])
    return [
        msgspec.structs.replace(item, merchant=msgspec.structs.replace(item.merchant, badges=marks[item.merchant.id]))
        if item.merchant.id in marks
        else item
        for item in items
    ]


async def _rank(
    rt: Runtime, rows: list[dict[str, Any]], limit: int, cursor: str | None
) -> tuple[list[ProductCard], str | None]:
    """Add the plugins' ranking deltas to the text scores, order, and cut after the cursor."""
    deltas: dict[str, float] = {}
    if rows and rt.plugins.impls("bazaar_collect_ranking_adjustments"):
        summaries = [
            ProductSummary(id=r["id"], merchant_id=r["merchant_id"], category_id=r["category_id"],
                           price_min=r["price_min_minor"], created_at=r["created_at"])
            for r in rows
        ]
        for _plugin, answer in await rt.plugins.collect(
            "bazaar_collect_ranking_adjustments", ctx=rt.context(), products=summaries
        ):
            for product_id, delta in (answer or {}).items():
                deltas[product_id] = deltas.get(product_id, 0.0) + float(delta)
    scored = sorted(
        ((round(float(r["score"]) + deltas.get(r["id"], 0.0), 9), r) for r in rows),
        key=lambda pair: (-pair[0], pair[1]["id"]),
    )
    if cursor:
        last_score, last_id = cursors.decode(cursor, "relevance", (float, str))
        scored = [(s, r) for s, r in scored if s < last_score or (s == last_score and r["id"] > last_id)]
    page = scored[:limit]
    nxt = cursors.encode("relevance", page[-1][0], page[-1][1]["id"]) if len(scored) > limit else None
    return [_card(r, s) for s, r in page], nxt


async def get_product(rt: Runtime, product_id: str) -> ProductDetail:
    """A visible product with its variants (stock as a level), merchant and category breadcrumb."""
    row = await rt.db.fetchrow(
        "SELECT p.*, m.name AS merchant_name, m.status AS merchant_status FROM catalogue_product p "
        "JOIN core_merchant m ON m.id = p.merchant_id WHERE p.id = {} AND p.visible = TRUE",
        product_id,
    )
    if row is None:
        raise NotFound("no such product", code="product_not_found")
    skus = await rt.db.fetch(
        "SELECT id, code, price_minor, currency, attributes, on_hand, reserved FROM catalogue_sku "
        "WHERE product_id = {} AND active = TRUE ORDER BY position, id",
        product_id,
    )
    path = [p for p in row["category_path"].split("/") if p]
    crumbs: list[CategoryCrumb] = []
    if path:
        found = await rt.db.fetch(
            f"SELECT id, name, slug FROM catalogue_category WHERE id IN ({', '.join(['{}'] * len(path))})", *path
        )
        by_id = {c["id"]: c for c in found}
        crumbs = [CategoryCrumb(id=i, name=by_id[i]["name"], slug=by_id[i]["slug"]) for i in path if i in by_id]
    settings = rt.settings.checkout

    def decode(value: Any) -> Any:
        return msgspec.json.decode(value) if isinstance(value, str | bytes) else value

    variants = [
        Variant(
            id=s["id"],
            code=s["code"],
            price=Money(amount=s["price_minor"], currency=s["currency"]),
            attributes=decode(s["attributes"]) or {},
            availability=policy.availability(s["on_hand"] - s["reserved"], settings.low_stock_threshold),
            available=max(s["on_hand"] - s["reserved"], 0) if settings.show_stock_counts else None,
        )
        for s in skus
    ]
    detail = ProductDetail(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        merchant=MerchantBrief(id=row["merchant_id"], name=row["merchant_name"], status=row["merchant_status"]),
        category_id=row["category_id"],
        categories=crumbs,
        image_urls=decode(row["image_urls"]) or [],
        attributes=decode(row["attributes"]) or {},
        price_min=Money(amount=row["price_min_minor"], currency=row["currency"]),
        price_max=Money(amount=row["price_max_minor"], currency=row["currency"]),
        in_stock=bool(row["in_stock"]),
        variants=variants,
        published_at=row["published_at"],
        created_at=row["created_at"],
    )
    return (await _with_badges(rt, [detail]))[0]
