"""Documents: size and type limits, sha256, served only to the merchant's staff and operators."""

from __future__ import annotations

import hashlib

from qualification_helpers import BASE, PDF, PNG, PROBLEM, cn_fields, count, upload


async def test_upload_and_download_by_staff_and_operator(qkit):
    kit = qkit
    mid, owner = await kit.merchant(activate=False)
    r = await upload(kit, owner, mid, content=PNG, content_type="image/png", filename="scan.png")
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["sha256"] == hashlib.sha256(PNG).hexdigest() and doc["size_bytes"] == len(PNG)
    r = await kit.client.get(f"{BASE}/merchants/{mid}/documents/{doc['id']}", headers=owner.headers)
    assert r.status_code == 200 and r.content == PNG and r.headers["content-type"] == "image/png"
    assert r.headers["x-content-type-options"] == "nosniff"
    operator = await kit.operator()
    r = await kit.client.get(f"{BASE}/admin/merchants/{mid}/documents/{doc['id']}", headers=operator.headers)
    assert r.status_code == 200 and r.content == PNG
    r = await kit.client.get(f"{BASE}/merchants/{mid}/documents", headers=owner.headers)
    assert [d["id"] for d in r.json()] == [doc["id"]]


async def test_refused_uploads_store_nothing(bazaar_factory):
    kit = await bazaar_factory(plugins=["qualification"],
                               config={"qualification": {"preset": "cn", "documents": {"max_bytes": 2048}}})
    mid, owner = await kit.merchant(activate=False)
    cases = [
        (dict(content=PDF + b"x" * 3000), 413, "file_too_large"),
        (dict(content=b"GIF89a....", content_type="image/gif"), 415, "file_type_refused"),
        (dict(content=b"MZ not really a pdf", content_type="application/pdf"), 415, "file_type_refused"),
        (dict(content=PNG, content_type="application/pdf", filename="scan.pdf"), 415, "file_type_refused"),
        (dict(content=b""), 422, "qualification.document_invalid"),
        (dict(filename="../../etc/passwd"), 422, "qualification.document_invalid"),
    ]
    for kwargs, status, code in cases:
        r = await upload(kit, owner, mid, **kwargs)
        assert r.status_code == status, (kwargs, r.text)
        assert r.headers["content-type"].startswith(PROBLEM) and r.json()["code"] == code
    r = await upload(kit, owner, mid, "passport_photo")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "kind"
    assert await count(kit, "qualification_document") == 0
    assert await count(kit, "kernel_file") == 0


async def test_documents_of_another_merchant_are_out_of_reach(qkit):
    kit = qkit
    mid_a, owner_a = await kit.merchant(activate=False)
    mid_b, owner_b = await kit.merchant(activate=False)
    doc_a = (await upload(kit, owner_a, mid_a)).json()["id"]
    # B's staff cannot reach A's documents through A's path ...
    r = await kit.client.get(f"{BASE}/merchants/{mid_a}/documents/{doc_a}", headers=owner_b.headers)
    assert r.status_code == 403 and r.json()["code"] == "not_merchant_staff"
    # ... nor through its own path
    r = await kit.client.get(f"{BASE}/merchants/{mid_b}/documents/{doc_a}", headers=owner_b.headers)
    assert r.status_code == 404 and r.json()["code"] == "qualification.document_not_found"
    # ... nor upload into A, nor use A's document in its own dossier
    r = await upload(kit, owner_b, mid_a)
    assert r.status_code == 403
    r = await kit.client.post(f"{BASE}/merchants/{mid_b}/dossiers", headers=owner_b.headers,
                              json={"fields": cn_fields(doc_a)})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "fields.business_licence_doc", "reason": "no such document of this merchant"}]
    r = await kit.client.get(f"{BASE}/merchants/{mid_a}/documents/{doc_a}")
    assert r.status_code == 401
    assert await count(kit, "qualification_dossier") == 0
