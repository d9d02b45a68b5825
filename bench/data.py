"""Benchmark data: a dedicated PostgreSQL database per scale, migrated and bulk-loaded.

``python bench/data.py --scale 100k`` creates ``bazaar_bench_100k`` (dropping an old
one), migrates it with ``bazaar migrate`` and loads, through ``COPY`` (asyncpg):

* a category tree of 8 roots x 8 departments x 8 leaves (584 categories; products sit
  on leaves, the list scenario filters by a department = 1/64 of the catalogue);
* ``max(10, products // 500)`` active merchants;
* ``products`` live, visible products with 3 SKUs each (prices around 5-500 CNY, stock
  1,000,000 so reads never run out), names and descriptions drawn from a small
  vocabulary (English and Chinese) so text search has matches;
* ``CONTENDED_SKUS`` products whose SKUs hold only ``CONTENDED_STOCK`` units: the
  checkout flow buys them too, so the oversell check has something to check;
* ``USERS`` customers with bearer tokens (inserted hashed, as the login route does), and
  one operator (for the payments plugin's read views after the flows).

The base URL comes from ``BAZAAR_BENCH_PG_URL`` (else ``BAZAAR_TEST_PG_URL``); no
credentials are written anywhere. The ids the load generators need (departments,
product ids, SKUs, search terms, tokens) go to ``<workdir>/<scale>/``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse, urlunparse

import asyncpg
import msgspec

from bazaar.core.kernel.ids import new_id

SCALES = {"1k": 1_000, "100k": 100_000, "1m": 1_000_000}
GENERATOR_VERSION = 4
VARIANTS = 3
ROOTS, DEPARTMENTS, LEAVES = 8, 8, 8
USERS = 256
CONTENDED_SKUS = 50
CONTENDED_STOCK = 300
PLENTY = 1_000_000
SAMPLE_PRODUCTS = 20_000
SEED = 20261122

ADJECTIVES = [
    "red", "blue", "green", "black", "white", "silk", "cotton", "wool", "linen", "leather",
    "classic", "modern", "vintage", "slim", "warm", "light", "organic", "handmade", "travel", "mini",
]
NOUNS = [
    "dress", "shirt", "jacket", "scarf", "teapot", "kettle", "lamp", "chair", "backpack", "wallet",
    "notebook", "pen", "mug", "blanket", "pillow", "towel", "sneakers", "boots", "hat", "gloves",
    "headphones", "speaker", "charger", "camera", "tripod", "bicycle", "helmet", "tent", "stove", "knife",
    "连衣裙", "茶壶", "围巾", "背包", "耳机", "台灯", "毛衣", "钱包", "雨伞", "手表",
]


def base_url() -> str:
    url = os.environ.get("BAZAAR_BENCH_PG_URL") or os.environ.get("BAZAAR_TEST_PG_URL")
    if not url:
        raise SystemExit(
            "set BAZAAR_BENCH_PG_URL (or BAZAAR_TEST_PG_URL) to a PostgreSQL URL whose user may "
            "CREATE DATABASE, e.g. postgresql://postgres@127.0.0.1:5432/test"
        )
    return url


def db_url(name: str) -> str:
    """The base URL with its database replaced by ``name``."""
    parts = urlparse(base_url())
    return urlunparse(parts._replace(path=f"/{name}"))


def db_name(scale: str) -> str:
    return f"bazaar_bench_{scale}"


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(base_url())
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def drop_database(name: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def create_database(name: str) -> None:
    await drop_database(name)
    await _admin(f'CREATE DATABASE "{name}"')


async def loaded_meta(name: str) -> dict[str, Any] | None:
    """The ``bench_meta`` row of an already loaded database, if it exists."""
    try:
        conn = await asyncpg.connect(db_url(name))
    except (asyncpg.InvalidCatalogNameError, OSError):
        return None
    try:
        row = await conn.fetchrow("SELECT data FROM bench_meta")
        return msgspec.json.decode(row["data"]) if row else None
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await conn.close()


async def backend_pids(name: str) -> list[int]:
    """PostgreSQL backend processes connected to database ``name``."""
    conn = await asyncpg.connect(base_url())
    try:
        rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", name)
        return [r["pid"] for r in rows]
    finally:
        await conn.close()


def migrate(config_path: Path) -> None:
    """``bazaar migrate`` against the bench database, as an operator would run it."""
    subprocess.run(
        [str(Path(sys.executable).parent / "bazaar"), "--config", str(config_path), "migrate"],
        check=True, stdout=subprocess.DEVNULL, env=clean_env(),
    )


def clean_env() -> dict[str, str]:
    """The environment for bazaar processes: without the bench's own ``BAZAAR_BENCH_*``."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("BAZAAR_BENCH_", "BAZAAR_TEST_"))}


@dataclass
class Loaded:
    scale: str
    products: int
    seconds: float
    files: Path


async def load(scale: str, products: int, files: Path, *, rng: random.Random | None = None) -> Loaded:
    """Bulk-load a migrated, empty database with the catalogue and customers."""
    rng = rng or random.Random(SEED)
    files.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    now = datetime.now(UTC)
    conn = await asyncpg.connect(db_url(db_name(scale)))
    try:
        # categories
        categories: list[tuple[Any, ...]] = []
        departments: list[str] = []
        leaves: list[tuple[str, str]] = []
        for r in range(ROOTS):
            root = new_id("cat")
            categories.append((root, None, f"Root {r}", f"root-{r}", f"/{root}/", r, now))
            for d in range(DEPARTMENTS):
                dep = new_id("cat")
                dep_path = f"/{root}/{dep}/"
                departments.append(dep)
                categories.append((dep, root, f"Dept {r}.{d}", f"dept-{r}-{d}", dep_path, d, now))
                for leaf_no in range(LEAVES):
                    leaf = new_id("cat")
                    path = f"{dep_path}{leaf}/"
                    leaves.append((leaf, path))
                    categories.append((leaf, dep, f"Leaf {r}.{d}.{leaf_no}", f"leaf-{r}-{d}-{leaf_no}", path, leaf_no, now))
        await conn.copy_records_to_table(
            "catalogue_category", records=categories,
            columns=["id", "parent_id", "name", "slug", "path", "position", "created_at"],
        )
        # merchants
        merchants = [new_id("mer") for _ in range(max(10, products // 500))]
        await conn.copy_records_to_table(
            "core_merchant",
            records=[(m, f"Merchant {i}", "active", new_id("usr"), now, now) for i, m in enumerate(merchants)],
            columns=["id", "name", "status", "owner_id", "created_at", "updated_at"],
        )
        # products and SKUs, in chunks
        product_cols = ["id", "merchant_id", "category_id", "category_path", "name", "description", "status",
                        "visible", "image_urls", "attributes", "currency", "price_min_minor", "price_max_minor",
                        "in_stock", "review_reasons", "created_at", "updated_at", "published_at"]
        sku_cols = ["id", "product_id", "merchant_id", "code", "price_minor", "currency", "attributes",
                    "on_hand", "reserved", "active", "created_at", "updated_at"]
        sample: list[str] = []
        contended: list[tuple[str, int]] = []
        plentiful: list[tuple[str, int]] = []
        chunk = 20_000
        made = 0
        while made < products:
            batch_p: list[tuple[Any, ...]] = []
            batch_s: list[tuple[Any, ...]] = []
            for _ in range(min(chunk, products - made)):
                pid = new_id("prd")
                merchant = merchants[made % len(merchants)]
                leaf, path = leaves[rng.randrange(len(leaves))]
                noun = rng.choice(NOUNS)
                name = f"{rng.choice(ADJECTIVES)} {rng.choice(ADJECTIVES)} {noun} {made}"
                description = " ".join(rng.choice(ADJECTIVES + NOUNS) for _ in range(12))
                created = now - timedelta(seconds=rng.randrange(365 * 86_400))
                base = rng.randrange(500, 50_000)
                prices = [base + 100 * v for v in range(VARIANTS)]
                stock = CONTENDED_STOCK if made < CONTENDED_SKUS // VARIANTS + 1 else PLENTY
                batch_p.append((
                    pid, merchant, leaf, path, name, description, "live", True,
                    '["https://img.example.com/p.jpg"]', '{"brand": "bench"}', "CNY", prices[0], prices[-1],
                    True, "[]", created, created, created,
                ))
                for v, price in enumerate(prices):
                    sid = new_id("sku")
                    batch_s.append((sid, pid, merchant, f"SKU-{v + 1}", price, "CNY",
                                    f'{{"size": "{"SML"[v % 3]}"}}', stock, 0, True, created, created))
                    (contended if stock == CONTENDED_STOCK else plentiful).append((sid, price))
                if len(sample) < SAMPLE_PRODUCTS:
                    sample.append(pid)
                elif rng.random() < SAMPLE_PRODUCTS / (made + 1):
                    sample[rng.randrange(SAMPLE_PRODUCTS)] = pid
                made += 1
            await conn.copy_records_to_table("catalogue_product", records=batch_p, columns=product_cols)
            await conn.copy_records_to_table("catalogue_sku", records=batch_s, columns=sku_cols)
        # customers with tokens
        tokens: list[str] = []
        users, auth = [], []
        for i in range(USERS):
            uid = new_id("usr")
            token = secrets.token_urlsafe(32)
            tokens.append(token)
            users.append((uid, f"bench{i}@example.com", f"Bench {i}", "!", "active", now))
            auth.append((new_id("tok"), uid, hashlib.sha256(token.encode()).hexdigest(), now,
                         now + timedelta(days=7)))
        # one operator, for the plugin's read views (trial balance) after the flows
        operator_id, operator_token = new_id("usr"), secrets.token_urlsafe(32)
        users.append((operator_id, "bench-operator@example.com", "Bench operator", "!", "active", now))
        auth.append((new_id("tok"), operator_id, hashlib.sha256(operator_token.encode()).hexdigest(), now,
                     now + timedelta(days=7)))
        await conn.copy_records_to_table(
            "core_user", records=users, columns=["id", "email", "name", "password_hash", "status", "created_at"])
        await conn.execute("UPDATE core_user SET is_operator = TRUE, operator_rights = '[\"*\"]' WHERE id = $1",
                           operator_id)
        await conn.copy_records_to_table(
            "core_auth_token", records=auth, columns=["id", "user_id", "token_hash", "created_at", "expires_at"])
        await conn.execute("ANALYZE")
        seconds = time.perf_counter() - started
        await conn.execute("CREATE TABLE bench_meta (data text NOT NULL)")
        meta = {"version": GENERATOR_VERSION, "scale": scale, "products": products, "seconds": round(seconds, 1)}
        await conn.execute("INSERT INTO bench_meta VALUES ($1)", msgspec.json.encode(meta).decode())
    finally:
        await conn.close()

    rng.shuffle(sample)
    rng.shuffle(plentiful)
    write_lines(files / "departments.txt", departments)
    write_lines(files / "leaves.txt", [f"{leaf} {path.split('/')[2]}" for leaf, path in leaves])
    write_lines(files / "products.txt", sample)
    write_lines(files / "terms.txt", [quote(t) for t in search_terms()])
    write_lines(files / "tokens.txt", tokens)
    write_lines(files / "operator_token.txt", [operator_token])
    write_lines(files / "skus_contended.txt", [f"{s} {p}" for s, p in contended])
    write_lines(files / "skus.txt", [f"{s} {p}" for s, p in plentiful[:20_000]])
    return Loaded(scale, products, seconds, files)


def search_terms() -> list[str]:
    """Single nouns, and adjective + noun pairs (two terms must both match)."""
    return NOUNS + [f"{a} {n}" for a in ADJECTIVES[:5] for n in NOUNS[:10]]


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def files_ready(files: Path) -> bool:
    return all((files / f).exists() for f in ("departments.txt", "leaves.txt", "products.txt", "terms.txt", "tokens.txt", "operator_token.txt",
                                               "skus.txt", "skus_contended.txt"))


async def prepare(scale: str, config_path: Path, files: Path, *, reuse: bool, log: Any = print) -> Loaded:
    """A loaded database for ``scale``: reused when ``reuse`` and it is complete, else rebuilt."""
    products = SCALES[scale]
    name = db_name(scale)
    meta = await loaded_meta(name) if reuse else None
    if meta and meta.get("version") == GENERATOR_VERSION and files_ready(files):
        log(f"  reusing {name} ({products:,} products, loaded earlier)")
        migrate(config_path)  # new migrations since (idempotent)
        return Loaded(scale, products, float(meta.get("seconds", 0)), files)
    log(f"  creating {name} and loading {products:,} products x {VARIANTS} SKUs ...")
    await create_database(name)
    migrate(config_path)
    loaded = await load(scale, products, files)
    log(f"  loaded in {loaded.seconds:.1f} s")
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="1k")
    parser.add_argument("--workdir", type=Path, default=Path(__file__).parent / "results" / "work")
    args = parser.parse_args()
    from servers import write_config  # noqa: PLC0415  (bench/ is on sys.path when run as a script)

    files = args.workdir / args.scale
    config = write_config(files, db_url(db_name(args.scale)), plugins=[])
    asyncio.run(prepare(args.scale, config, files, reuse=False))


if __name__ == "__main__":
    main()
