"""Evidence files in the shared file store (``complaints.evidence``): limits, ownership, who may read, the pack."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from complaints_market import API, Market, cst, make_market

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def upload(market: Market, who, data: bytes, name: str, content_type: str, expect: int = 201) -> dict:
    r = await market.c.post(f"{API}/evidence", params={"filename": name}, content=data,
                            headers={**who.headers, "Content-Type": content_type})
    assert r.status_code == expect, r.text
    return r.json()


async def test_evidence_is_checked_cited_and_read_only_by_the_parties_who_may(market: Market) -> None:
    receipt = await upload(market, market.customer, PDF, "receipt.pdf", "application/pdf")
    assert receipt["sha256"] == hashlib.sha256(PDF).hexdigest() and receipt["content_type"] == "application/pdf"
    photo = await upload(market, market.customer, PNG, "leak.png", "image/png")
    refused = await upload(market, market.customer, b"#!/bin/sh\nrm -rf /\n", "run.sh", "text/plain", expect=415)
    assert refused["code"] == "file_type_refused"
    order_id = await market.order()
    body = await market.file(subject={"type": "order", "id": order_id}, evidence_ids=[receipt["id"], photo["id"]])
    assert body["evidence_ids"] == [receipt["id"], photo["id"]]

    # someone else's file, an unknown one, or one cited twice: refused whole
    other = await market.user()
    theirs = await upload(market, other, PNG + b"x", "x.png", "image/png")
    r = await market.c.post(API, headers=market.customer.headers, json={
        "category": "service", "subject": {"type": "platform"}, "description": "x",
        "evidence_ids": [theirs["id"], receipt["id"], receipt["id"]]})
    assert r.status_code == 422 and r.json()["code"] == "complaints.evidence_invalid"
    assert {e["field"] for e in r.json()["errors"]} == {"evidence_ids", "evidence_ids[0]"}

    got = await market.c.get(f"{API}/{body['id']}/evidence/{receipt['id']}", headers=market.customer.headers)
    assert got.status_code == 200 and got.content == PDF and "attachment" in got.headers["content-disposition"]
    assert (await market.c.get(f"{API}/{body['id']}/evidence/{receipt['id']}", headers=market.operator.headers)
            ).status_code == 200
    assert (await market.c.get(f"{API}/{body['id']}/evidence/{theirs['id']}", headers=market.customer.headers)
            ).status_code == 404
    assert (await market.c.get(f"{API}/{body['id']}/evidence/{receipt['id']}", headers=other.headers)
            ).status_code == 404

    pack = await market.c.get(f"{API}/{body['id']}/evidence-pack", headers=market.operator.headers)
    archive = zipfile.ZipFile(io.BytesIO(pack.content))
    manifest = json.loads(archive.read("manifest.json"))
    by_name = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert by_name[f"evidence/{receipt['id']}-receipt.pdf"] == hashlib.sha256(PDF).hexdigest()
    assert archive.read(f"evidence/{photo['id']}-leak.png") == PNG


async def test_too_many_files_are_refused(bazaar_factory) -> None:
    market = await make_market(bazaar_factory, start=cst(1, 5, 9), config={"evidence": {"max_files": 1}})
    ids = [(await upload(market, market.customer, PNG + bytes([i]), f"{i}.png", "image/png"))["id"] for i in range(2)]
    r = await market.c.post(API, headers=market.customer.headers, json={
        "category": "service", "subject": {"type": "platform"}, "description": "x", "evidence_ids": ids})
    assert r.status_code == 422 and r.json()["errors"] == [{"field": "evidence_ids", "reason": "at most 1 files"}]
