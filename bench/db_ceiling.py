"""The database ceiling: the SQL our list and detail endpoints run, straight through asyncpg.

One process of ``--concurrency`` tasks sharing a pool of at most ``--pool-max``
connections (the server's ``database.pool_max``), for ``--duration`` seconds;
``loadgen.drivers`` runs as many processes as the server has workers. A
"request" is the same group of statements the endpoint sends (copied from
``core/catalogue/storefront.py`` and ``categories.load``; keep them in step):

* list: the department's row, then one page of 20 (+1) newest products in its subtree
  joined to the merchant; the next page follows the last row's key with probability 0.8;
* detail: the product joined to its merchant, its active SKUs, its category breadcrumb.

Prints one JSON line: ok, failed, seconds, latencies_us.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from pathlib import Path

import asyncpg
import msgspec

COLUMNS = (
    "p.id, p.name, p.merchant_id, p.category_id, p.image_urls, p.currency, p.price_min_minor, p.price_max_minor, "
    "p.in_stock, p.created_at, m.name AS merchant_name, m.status AS merchant_status"
)
# the same statement the storefront sends for a department page (category membership, newest first)
PAGE = (
    f"SELECT {COLUMNS} FROM catalogue_product p JOIN catalogue_product_category l ON l.product_id = p.id "
    "JOIN core_merchant m ON m.id = p.merchant_id "
    "WHERE p.visible = TRUE AND l.category_id = $1 ORDER BY l.created_at DESC, l.product_id DESC LIMIT $2"
)
NEXT_PAGE = (
    f"SELECT {COLUMNS} FROM catalogue_product p JOIN catalogue_product_category l ON l.product_id = p.id "
    "JOIN core_merchant m ON m.id = p.merchant_id WHERE p.visible = TRUE AND l.category_id = $1 "
    "AND (l.created_at < $2 OR (l.created_at = $3 AND l.product_id < $4)) "
    "ORDER BY l.created_at DESC, l.product_id DESC LIMIT $5"
)
PRODUCT = (
    "SELECT p.*, m.name AS merchant_name, m.status AS merchant_status FROM catalogue_product p "
    "JOIN core_merchant m ON m.id = p.merchant_id WHERE p.id = $1 AND p.visible = TRUE"
)
SKUS = (
    "SELECT id, code, price_minor, currency, attributes, on_hand, reserved FROM catalogue_sku "
    "WHERE product_id = $1 AND active = TRUE ORDER BY created_at, id"
)
CRUMBS = "SELECT id, name, slug FROM catalogue_category WHERE id IN ({})"


async def list_visit(pool: asyncpg.Pool, departments: list[str], rng: random.Random,
                     latencies: list[int], deadline: float) -> None:
    """A visit: first page, then follow the cursor with probability 0.8."""
    dept = rng.choice(departments)
    key = None
    while time.perf_counter() < deadline:
        t0 = time.perf_counter_ns()
        async with pool.acquire() as conn:
            if key is None:
                rows = await conn.fetch(PAGE, dept, 21)
            else:
                rows = await conn.fetch(NEXT_PAGE, dept, key[0], key[0], key[1], 21)
        latencies.append((time.perf_counter_ns() - t0) // 1000)
        if len(rows) <= 20 or rng.random() > 0.8:
            break
        key = (rows[19]["created_at"], rows[19]["id"])


async def detail(pool: asyncpg.Pool, products: list[str], rng: random.Random, latencies: list[int]) -> None:
    t0 = time.perf_counter_ns()
    pid = rng.choice(products)
    async with pool.acquire() as conn:
        row = await conn.fetchrow(PRODUCT, pid)
        await conn.fetch(SKUS, pid)
        path = [p for p in row["category_path"].split("/") if p]
        await conn.fetch(CRUMBS.format(", ".join(f"${i + 1}" for i in range(len(path)))), *path)
    latencies.append((time.perf_counter_ns() - t0) // 1000)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--files", type=Path, required=True)
    parser.add_argument("--scenario", choices=["list", "detail"], required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--pool-max", type=int, default=16)
    parser.add_argument("--part", type=int, default=0)
    args = parser.parse_args()
    departments = (args.files / "departments.txt").read_text().split()
    products = (args.files / "products.txt").read_text().split()
    # the server's pool: at most pool_max (16) connections per process, shared by the tasks
    size = min(args.concurrency, args.pool_max)
    pool = await asyncpg.create_pool(args.url, min_size=size, max_size=size)
    latencies: list[int] = []

    async def task(n: int) -> None:
        rng = random.Random(args.part * 1000 + n)
        while time.perf_counter() < deadline:
            if args.scenario == "list":
                await list_visit(pool, departments, rng, latencies, deadline)
            else:
                await detail(pool, products, rng, latencies)

    # warm the statement caches, then measure
    deadline = time.perf_counter() + 0.5
    await asyncio.gather(*(task(i) for i in range(args.concurrency)))
    latencies.clear()
    started = time.perf_counter()
    deadline = started + args.duration
    await asyncio.gather(*(task(i) for i in range(args.concurrency)))
    seconds = time.perf_counter() - started
    await pool.close()
    print(msgspec.json.encode({"ok": len(latencies), "failed": 0, "seconds": seconds,
                               "latencies_us": latencies}).decode())


if __name__ == "__main__":
    asyncio.run(main())
