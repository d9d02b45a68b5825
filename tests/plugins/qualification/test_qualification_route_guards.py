"""Every qualification route: who may call it, malformed ids, and no change on refusal."""

from __future__ import annotations

import re

from qualification_helpers import BASE, PROBLEM

TABLES = ["qualification_merchant", "qualification_dossier", "qualification_document", "kernel_file",
          "qualification_licence", "qualification_listing_review", "qualification_sanction", "qualification_credit_fact"]
PREFIX = {"merchant_id": "mch", "dossier_id": "dos", "document_id": "doc", "licence_id": "lic", "product_id": "prd",
          "sanction_id": "snc"}


def routes(kit):
    for route in kit.app.routes:
        if not route.path.startswith(BASE):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods):
                if method in ("OPTIONS", "HEAD"):
                    continue
                yield method, route.path, handler.opt["auth"], handler


def fill(path, merchant_id, bad=None):
    def one(m):
        name = m.group(1)
        if name == bad:
            return "not-an-id"
        return merchant_id if name == "merchant_id" else f"{PREFIX[name]}_{'0' * 26}"
    return re.sub(r"\{(\w+)(?::\w+)?\}", one, path)


async def snapshot(kit):
    out = {}
    for table in TABLES:
        row = await kit.runtime.db.fetchrow(f"SELECT COUNT(*) AS n FROM {table}")
        out[table] = row["n"]
    return out


async def test_every_route_declares_auth_and_documents_problems(qkit):
    found = list(routes(qkit))
    assert len(found) >= 25
    for _method, path, auth, handler in found:
        assert auth in ("public", "operator", "merchant", "merchant_owner"), path
        assert handler.operation_id and handler.operation_id.startswith("qualification_"), path
        assert handler.fn.__doc__, path
        assert handler.responses is not None, path


async def test_callers_without_the_right_are_refused_and_nothing_changes(qkit):
    kit = qkit
    mid, owner = await kit.merchant(activate=False)
    stranger = await kit.user()
    kit.auto_run_due = False  # nothing is scheduled by refusals; keep the loop fast
    before = await snapshot(kit)
    for method, path, auth, _ in routes(kit):
        url = fill(path, mid)
        anonymous = await kit.client.request(method, url, json={})
        as_stranger = await kit.client.request(method, url, json={}, headers=stranger.headers)
        as_owner = await kit.client.request(method, url, json={}, headers=owner.headers)
        if auth == "public":
            assert anonymous.status_code not in (401, 403), (method, url)
            continue
        assert anonymous.status_code == 401, (method, url, anonymous.text)
        assert anonymous.headers["content-type"].startswith(PROBLEM)
        assert as_stranger.status_code == 403, (method, url, as_stranger.text)
        if auth == "operator":
            assert as_owner.status_code == 403, (method, url)
    assert await snapshot(kit) == before


async def test_malformed_ids_are_422_invalid_id_and_change_nothing(qkit):
    kit = qkit
    mid, _ = await kit.merchant(activate=False)
    operator = await kit.operator()
    kit.auto_run_due = False
    before = await snapshot(kit)
    checked = 0
    for method, path, _, _ in routes(kit):
        for name in re.findall(r"\{(\w+)", path):
            r = await kit.client.request(method, fill(path, mid, bad=name), json={}, headers=operator.headers)
            if method == "POST" and r.status_code == 422 and r.json()["code"] == "validation_failed":
                continue  # the body was refused first: also a 422 problem
            assert r.status_code == 422 and r.json()["code"] == "invalid_id", (method, path, name, r.text)
            assert r.json()["errors"][0]["field"] == name
            checked += 1
    assert checked >= 15
    assert await snapshot(kit) == before


async def test_unknown_ids_are_404_with_plugin_codes(qkit):
    kit = qkit
    mid, owner = await kit.merchant(activate=False)
    operator = await kit.operator()
    missing = "dos_" + "0" * 26
    r = await kit.client.post(f"{BASE}/admin/dossiers/{missing}/approve", headers=operator.headers, json={})
    assert r.status_code == 404 and r.json()["code"] == "qualification.dossier_not_found"
    r = await kit.client.post(f"{BASE}/admin/dossiers/{missing}/reject", headers=operator.headers,
                              json={"defects": [{"field": "uscc", "reason": "wrong"}]})
    assert r.status_code == 404
    r = await kit.client.post(f"{BASE}/admin/dossiers/{missing}/reject", headers=operator.headers,
                              json={"defects": [{"field": "favourite_colour", "reason": "wrong"}]})
    assert r.status_code == 422 and r.json()["code"] == "qualification.unknown_defect_field"
    r = await kit.client.post(f"{BASE}/admin/dossiers/{missing}/reject", headers=operator.headers, json={"defects": []})
    assert r.status_code == 422
    r = await kit.client.get(f"{BASE}/public/merchants/{mid}")  # pending: not public
    assert r.status_code == 404 and r.json()["code"] == "qualification.merchant_not_found"
    r = await kit.client.post(f"{BASE}/admin/listings/prd_{'0' * 26}/approve", headers=operator.headers, json={})
    assert r.status_code == 404 and r.json()["code"] == "qualification.review_not_found"
    r = await kit.client.post(f"{BASE}/admin/sanctions/snc_{'0' * 26}/lift", headers=operator.headers,
                              json={"reason": "x"})
    assert r.status_code == 404 and r.json()["code"] == "qualification.sanction_not_found"
    r = await kit.client.post(f"{BASE}/admin/licences/lic_{'0' * 26}/approve", headers=operator.headers, json={})
    assert r.status_code == 404 and r.json()["code"] == "qualification.licence_not_found"
    r = await kit.client.post(f"{BASE}/merchants/{mid}/licences", headers=owner.headers, json={
        "licence_kind": "food", "licence_number": "X1", "document_id": "doc_" + "0" * 26, "valid_until": "2000-01-01"})
    assert r.status_code == 422 and r.json()["code"] == "qualification.licence_invalid"
    assert {e["field"] for e in r.json()["errors"]} == {"valid_until", "document_id"}


async def test_second_dossier_while_one_waits_is_409(qkit):
    from qualification_helpers import cn_fields, count, upload

    kit = qkit
    mid, owner = await kit.merchant(activate=False)
    doc = (await upload(kit, owner, mid)).json()["id"]
    r = await kit.client.post(f"{BASE}/merchants/{mid}/dossiers", headers=owner.headers, json={"fields": cn_fields(doc)})
    assert r.status_code == 201
    r = await kit.client.post(f"{BASE}/merchants/{mid}/dossiers", headers=owner.headers, json={"fields": cn_fields(doc)})
    assert r.status_code == 409 and r.json()["code"] == "qualification.dossier_pending"
    assert await count(kit, "qualification_dossier") == 1
