"""Bulk loading of categories, products and SKUs for demo data, benchmarks and tests.

It writes rows directly (no review hooks, no events): use it for seeding, never for
merchant-facing changes, which go through the catalogue service.
"""

from __future__ import annotations

from typing import Any

import msgspec

from bazaar.core.inventory.service import record_initial
from bazaar.core.kernel.ids import new_id


async def category(rt: Any, name: str, *, parent_id: str | None = None, licence_kind: str | None = None,
                   no_reason_return_excluded: bool = False) -> str:
    """Insert a category (under ``parent_id``) and return its id."""
    category_id = new_id("cat")
    parent_path = "/"
    if parent_id:
        row = await rt.db.fetchrow("SELECT path FROM catalogue_category WHERE id = {}", parent_id)
        parent_path = row["path"]
    async with rt.unit_of_work():
        await rt.db.execute(
            "INSERT INTO catalogue_category (id, parent_id, name, slug, path, position, licence_kind, "
            "no_reason_return_excluded, created_at) VALUES ({}, {}, {}, {}, {}, 0, {}, {}, {})",
            category_id,
            parent_id,
            name,
            f"{name.lower().replace(' ', '-')}-{category_id[-6:].lower()}",
            f"{parent_path}{category_id}/",
            licence_kind,
            no_reason_return_excluded,
            rt.clock.now(),
        )
    return category_id


async def product(
    rt: Any,
    merchant_id: str,
    *,
    name: str = "Test product",
    description: str = "",
    prices: list[int] | None = None,
    stock: int | list[int] = 10,
    category_id: str | None = None,
    status: str = "live",
    currency: str = "CNY",
    image_urls: list[str] | None = None,
) -> dict[str, Any]:
    """Insert a product with one SKU per price; returns ``{"id", "skus": [ids]}``."""
    prices = prices or [1999]
    stocks = stock if isinstance(stock, list) else [stock] * len(prices)
    product_id = new_id("prd")
    now = rt.clock.now()
    path = ""
    if category_id:
        row = await rt.db.fetchrow("SELECT path FROM catalogue_category WHERE id = {}", category_id)
        path = row["path"]
    merchant = await rt.db.fetchrow("SELECT status FROM core_merchant WHERE id = {}", merchant_id)
    visible = status == "live" and merchant is not None and merchant["status"] in ("active", "restricted")
    sku_ids = []
    async with rt.unit_of_work():
        await rt.db.execute(
            "INSERT INTO catalogue_product (id, merchant_id, category_id, category_path, name, description, status, "
            "visible, image_urls, attributes, currency, price_min_minor, price_max_minor, in_stock, review_reasons, "
            "created_at, updated_at, published_at) VALUES "
            "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, '[]', {}, {}, {})",
            product_id,
            merchant_id,
            category_id,
            path,
            name,
            description,
            status,
            visible,
            msgspec.json.encode(image_urls or ["https://img.example.com/p.jpg"]).decode(),
            "{}",
            currency,
            min(prices),
            max(prices),
            any(s > 0 for s in stocks),
            now,
            now,
            now if status == "live" else None,
        )
        for i, (price, qty) in enumerate(zip(prices, stocks, strict=True)):
            sku_id = new_id("sku")
            sku_ids.append(sku_id)
            await rt.db.execute(
                "INSERT INTO catalogue_sku (id, product_id, merchant_id, code, price_minor, currency, attributes, "
                "position, on_hand, reserved, active, created_at, updated_at) "
                "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, 0, {}, {}, {})",
                sku_id,
                product_id,
                merchant_id,
                f"SKU-{i + 1}",
                price,
                currency,
                msgspec.json.encode({"variant": str(i + 1)}).decode(),
                i,
                qty,
                True,
                now,
                now,
            )
        # the opening stock is a movement like any other (the stock history starts at zero)
        await record_initial(rt, [{"id": sku_id, "merchant_id": merchant_id, "on_hand": qty, "reserved": 0}
                                  for sku_id, qty in zip(sku_ids, stocks, strict=True)], actor_id=None)
    return {"id": product_id, "skus": sku_ids}
