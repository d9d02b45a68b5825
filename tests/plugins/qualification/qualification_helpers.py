"""Helpers for the qualification plugin's tests: uploads, complete dossiers, counting rows."""

from __future__ import annotations

from typing import Any

from bazaar.plugins.qualification.policy import uscc_check_char

PROBLEM = "application/problem+json"
PDF = b"%PDF-1.4\n% a tiny test document\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
BASE = "/api/v1/qualification"


def uscc(first17: str = "91310000MA1FL1234") -> str:
    """A valid USCC made from 17 characters with our own check-character function."""
    return first17 + uscc_check_char(first17)


async def count(kit: Any, table: str, where: str = "1 = 1", *args: Any) -> int:
    row = await kit.runtime.db.fetchrow(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", *args)
    return int(row["n"])


async def upload(kit: Any, session: Any, merchant_id: str, kind: str = "business_licence", *,
                 content: bytes = PDF, content_type: str = "application/pdf", filename: str = "licence.pdf") -> Any:
    return await kit.client.post(
        f"{BASE}/merchants/{merchant_id}/documents",
        params={"kind": kind, "filename": filename},
        content=content,
        headers={**session.headers, "Content-Type": content_type},
    )


def cn_fields(doc_id: str, **over: Any) -> dict[str, Any]:
    fields = {
        "legal_name": "上海测试贸易有限公司",
        "uscc": uscc(),
        "legal_representative": "张三",
        "licence_expires_on": "2099-12-31",
        "business_scope": "日用百货销售",
        "registered_address": "上海市浦东新区世纪大道 100 号",
        "contact_phone": "+86 21 5555 0000",
        "settlement_account": {"holder": "上海测试贸易有限公司", "bank": "中国银行", "number": "6217000010001234567"},
        "business_licence_doc": doc_id,
    }
    fields.update(over)
    return {k: v for k, v in fields.items() if v is not None}


async def pending_merchant(kit: Any) -> tuple[str, Any]:
    return await kit.merchant(activate=False)




async def category(kit: Any, operator: Any, name: str, licence_kind: str | None = None) -> str:
    slug = name.lower().replace(" ", "-")
    r = await kit.client.post("/api/v1/admin/categories", headers=operator.headers,
                              json={"name": name, "slug": slug, "licence_kind": licence_kind})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def submit_product(kit: Any, owner: Any, merchant_id: str, category_id: str | None, **over: Any) -> Any:
    """Create a listing (valid unless ``over`` says otherwise) and submit it; the submit response."""
    body = {
        "name": "Cotton towel", "description": "Soft cotton towel", "category_id": category_id,
        "image_urls": ["https://img.example.com/towel.jpg"],
        "skus": [{"code": "T-1", "price": {"amount": 1999, "currency": "CNY"}, "on_hand": 5}],
    }
    body.update(over)
    r = await kit.client.post(f"/api/v1/merchants/{merchant_id}/products", headers=owner.headers, json=body)
    assert r.status_code == 201, r.text
    return await kit.client.post(f"/api/v1/merchants/{merchant_id}/products/{r.json()['id']}/submit",
                                 headers=owner.headers)
