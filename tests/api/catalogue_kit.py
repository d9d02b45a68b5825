"""Shared helpers of the catalogue and inventory API tests (bodies, row counts, problem checks)."""

from __future__ import annotations

import copy
from typing import Any

COUNTED = (
    "catalogue_category",
    "catalogue_product",
    "catalogue_sku",
    "catalogue_product_status_change",
    "inventory_movement",
    "kernel_outbox",
)


async def counts(rt: Any) -> dict[str, int]:
    """Row counts of every table the catalogue and inventory write (to prove nothing changed)."""
    out = {}
    for table in COUNTED:
        row = await rt.db.fetchrow(f"SELECT COUNT(*) AS n FROM {table}")
        out[table] = row["n"]
    return out


def sku(code: str = "S", amount: int = 1999, on_hand: int = 5, **extra: Any) -> dict[str, Any]:
    return {"code": code, "price": {"amount": amount, "currency": "CNY"}, "on_hand": on_hand, **extra}


def product_body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Linen shirt",
        "description": "A plain linen shirt",
        "image_urls": ["https://img.example.com/shirt.jpg"],
        "attributes": {"material": "linen"},
        "skus": [sku("S", 1999, 5), sku("M", 2999, 10)],
    }
    body.update(copy.deepcopy(over))
    return body


async def create(kit: Any, merchant_id: str, owner: Any, **over: Any) -> dict[str, Any]:
    r = await kit.client.post(f"/api/v1/merchants/{merchant_id}/products", json=product_body(**over), headers=owner.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def live(kit: Any, merchant_id: str, owner: Any, **over: Any) -> dict[str, Any]:
    """A product created and submitted (with no review plugin it goes live)."""
    p = await create(kit, merchant_id, owner, **over)
    r = await kit.client.post(f"/api/v1/merchants/{merchant_id}/products/{p['id']}/submit", headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "live", r.text
    return r.json()


def problem(r: Any, status: int, code: str) -> dict[str, Any]:
    """Assert a problem+json answer with ``status`` and ``code``; return its body."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers["content-type"]
    body = r.json()
    assert body["code"] == code, body
    return body


BAD_ID = "prd_01ARZ3NDEKTSV4RRFFQ69G5FAV"  # well-formed, never issued
