"""Issue 10, items 6-10: no input causes a 500; bodies are strict; every bad field is named."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"
REGISTER = "/api/v1/auth/register"


def is_problem(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["code"] == code, body
    return body


@pytest.mark.bazaar_engines("postgres", "sqlite")
async def test_nul_in_any_text_field_is_422_naming_the_field(bazaar):
    r = await bazaar.client.post(REGISTER, json={"email": "a@example.com", "password": "Good-Pass-123", "name": "A\x00B"})
    body = is_problem(r, 422, "validation_failed")
    assert body["errors"] == [{"field": "name", "reason": "must not contain NUL characters", "source": "body"}]
    r = await bazaar.client.post("/api/v1/auth/login", json={"email": "a\x00@example.com", "password": "x"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "email"


@pytest.mark.bazaar_engines("postgres", "sqlite")
async def test_nul_in_query_and_search_term_is_422(bazaar):
    for url in ("/api/v1/products?q=te%00a", "/api/v1/products?q=%00", "/api/v1/products?sort=%00"):
        r = await bazaar.client.get(url)
        body = is_problem(r, 422, "validation_failed")
        assert body["errors"][0]["source"] == "query"


async def test_deeply_nested_and_invalid_utf8_bodies_are_400(bazaar):
    deep = b"[" * 1000 + b"]" * 1000
    for raw in (deep, b'{"email": "\xff"}', b"{not json"):
        r = await bazaar.client.post(REGISTER, content=raw, headers={"content-type": "application/json"})
        assert is_problem(r, 400, "invalid_json")["status"] == 400


async def test_wrong_types_are_refused_not_coerced(bazaar):
    bad = [
        {"email": "a@example.com", "password": "Good-Pass-123", "name": 5},
        {"email": ["a@example.com"], "password": "Good-Pass-123", "name": "A"},
    ]
    for body in bad:
        r = await bazaar.client.post(REGISTER, json=body)
        problem = is_problem(r, 422, "validation_failed")
        assert "must be a string" in problem["errors"][0]["reason"]


async def test_every_bad_field_is_reported_at_once_with_human_reasons(bazaar):
    r = await bazaar.client.post(REGISTER, json={"email": 1, "password": 2, "name": "X" * 500, "admin": True})
    problem = is_problem(r, 422, "validation_failed")
    fields = {e["field"]: e["reason"] for e in problem["errors"]}
    assert set(fields) == {"email", "password", "name", "admin"}
    assert fields["admin"] == "unknown field"
    assert fields["email"] == "must be a string, not an integer"
    assert fields["name"].startswith("must have at most")
    assert "\\\\" not in r.text  # no double-escaped regex in reasons
