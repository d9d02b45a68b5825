"""Issue 10, items 16-17: security headers, no-store tokens, CSP and no framing on HTML, CORS, offline docs UI."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.bazaar_engines("sqlite")


async def test_every_response_says_nosniff_and_a_referrer_policy(bazaar):
    for url in ("/health", "/api/v1/products", "/api/v1/nowhere"):
        r = await bazaar.client.get(url)
        assert r.headers["x-content-type-options"] == "nosniff", url
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "content-security-policy" not in r.headers  # JSON needs none


async def test_token_and_api_key_responses_are_not_cached(bazaar):
    s = await bazaar.user("cache@example.com")
    r = await bazaar.client.post("/api/v1/auth/login", json={"email": s.email, "password": s.password})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    op = await bazaar.operator()
    r = await bazaar.client.post("/api/v1/admin/api-keys", headers=op.headers, json={"name": "carrier", "scopes": ["tracking"]})
    assert r.status_code in (200, 201), r.text
    assert r.headers["cache-control"] == "no-store"


async def test_the_docs_ui_works_offline_behind_a_strict_csp(bazaar):
    r = await bazaar.client.get("/schema")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert r.headers["x-frame-options"] == "DENY"
    assert "http" not in r.text  # no CDN
    assert "<script>" not in r.text  # no inline script
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-init.js"):
        a = await bazaar.client.get(f"/schema/assets/{asset}")
        assert a.status_code == 200 and len(a.content) > 50, asset


async def test_cors_is_off_by_default_and_answers_preflights_for_configured_origins(bazaar_factory):
    closed = await bazaar_factory()
    r = await closed.client.get("/api/v1/products", headers={"origin": "https://shop.example"})
    assert "access-control-allow-origin" not in r.headers
    kit = await bazaar_factory(settings={"server": {"cors_origins": ["https://shop.example"]}})
    r = await kit.client.options("/api/v1/checkouts", headers={
        "origin": "https://shop.example", "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, idempotency-key, content-type"})
    assert r.status_code in (200, 204), r.text
    assert r.headers["access-control-allow-origin"] == "https://shop.example"
    assert "idempotency-key" in r.headers["access-control-allow-headers"].lower()
    r = await kit.client.options("/api/v1/checkouts", headers={
        "origin": "https://evil.example", "access-control-request-method": "POST"})
    assert r.headers.get("access-control-allow-origin") != "https://evil.example"
