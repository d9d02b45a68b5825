"""Accounts: register, login, throttling, tokens, API keys, personal data at rest."""

from __future__ import annotations

from datetime import timedelta

import pytest

PROBLEM = "application/problem+json"


async def count(kit, table: str) -> int:
    row = await kit.runtime.db.fetchrow(f"SELECT COUNT(*) AS n FROM {table}")
    return int(row["n"])


async def test_register_normalises_email_and_me_shows_roles(bazaar):
    s = await bazaar.user("  Alice@Example.COM ")
    r = await bazaar.client.get("/api/v1/me", headers=s.headers)
    assert r.status_code == 200
    body = r.json()
    assert body["email"] == "alice@example.com"
    assert body["roles"] == ["customer"]
    assert body["id"].startswith("usr_") and len(body["id"]) == 30


async def test_duplicate_email_is_409_email_taken_and_creates_nothing(bazaar):
    await bazaar.user("bob@example.com")
    before = await count(bazaar, "core_user")
    r = await bazaar.client.post(
        "/api/v1/auth/register", json={"email": "BOB@example.com", "password": "Another-Pass-9", "name": "Bob 2"}
    )
    assert r.status_code == 409
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["code"] == "email_taken"
    assert await count(bazaar, "core_user") == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "x@example.com", "password": "short1!", "name": "X"}, "password"),
        ({"email": "x@example.com", "password": "aaaaaaaaaaaa", "name": "X"}, "password"),
        ({"email": "not-an-email", "password": "Good-Pass-123", "name": "X"}, "email"),
        ({"email": "x@example.com", "password": "Good-Pass-123"}, "name"),
        ({"email": "x@example.com", "password": "Good-Pass-123", "name": "X", "admin": True}, "admin"),
        ({"email": "x@example.com", "password": "Good-Pass-123", "name": "X" * 101}, "name"),
    ],
)
async def test_register_bad_input_is_problem_with_field(bazaar, body, field):
    r = await bazaar.client.post("/api/v1/auth/register", json=body)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert r.headers["content-type"].startswith(PROBLEM)
    assert problem["code"] in ("validation_failed", "weak_password")
    assert any(e["field"] == field for e in problem["errors"]), problem
    assert "Traceback" not in r.text
    assert await count(bazaar, "core_user") == 0


async def test_wrong_password_is_401_and_repeated_failures_are_throttled(bazaar):
    s = await bazaar.user("carol@example.com")
    limit = bazaar.runtime.settings.security.login_max_failures
    for _ in range(limit):
        r = await bazaar.client.post("/api/v1/auth/login", json={"email": s.email, "password": "wrong-Pass-1"})
        assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"
    r = await bazaar.client.post("/api/v1/auth/login", json={"email": s.email, "password": s.password})
    assert r.status_code == 429
    assert r.json()["code"] == "login_throttled"
    assert int(r.headers["retry-after"]) > 0
    await bazaar.advance(timedelta(seconds=bazaar.runtime.settings.security.login_window_seconds + 1))
    r = await bazaar.client.post("/api/v1/auth/login", json={"email": s.email, "password": s.password})
    assert r.status_code == 200


async def test_throttle_per_address_across_accounts(bazaar):
    limit = bazaar.runtime.settings.security.login_max_failures
    for i in range(limit):
        await bazaar.client.post("/api/v1/auth/login", json={"email": f"ghost{i}@example.com", "password": "x-Pass-12"})
    s = await bazaar.runtime.db.fetchrow("SELECT COUNT(*) AS n FROM core_login_attempt WHERE ok = {}", False)
    assert s["n"] == limit
    r = await bazaar.client.post("/api/v1/auth/login", json={"email": "someone@example.com", "password": "x-Pass-12"})
    assert r.status_code == 429


async def test_token_expires_and_logout_revokes(bazaar):
    s = await bazaar.user()
    assert (await bazaar.client.get("/api/v1/me", headers=s.headers)).status_code == 200
    r = await bazaar.client.post("/api/v1/auth/logout", headers=s.headers)
    assert r.status_code == 204
    r = await bazaar.client.get("/api/v1/me", headers=s.headers)
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"
    s2 = await bazaar.login(s.email, s.password)
    await bazaar.advance(timedelta(seconds=bazaar.runtime.settings.security.token_ttl_seconds + 1))
    r = await bazaar.client.get("/api/v1/me", headers=s2.headers)
    assert r.status_code == 401


async def test_anonymous_me_is_401_problem(bazaar):
    r = await bazaar.client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"


async def test_phone_is_encrypted_at_rest_and_masked_for_operators_without_pii_right(bazaar):
    r = await bazaar.client.post(
        "/api/v1/auth/register",
        json={"email": "dave@example.com", "password": "Secret-Pass-42", "name": "Dave", "phone": "13812341234"},
    )
    assert r.status_code == 201
    user_id = r.json()["id"]
    raw = await bazaar.runtime.db.fetchrow("SELECT * FROM core_user WHERE id = {}", user_id)
    assert "13812341234" not in str(raw)
    assert raw["phone"].startswith("enc:k1:")
    owner = await bazaar.login("dave@example.com", "Secret-Pass-42")
    assert (await bazaar.client.get("/api/v1/me", headers=owner.headers)).json()["phone"] == "13812341234"
    support = await bazaar.operator(rights=["support"])
    r = await bazaar.client.get(f"/api/v1/admin/users/{user_id}", headers=support.headers)
    assert r.json()["phone"] == "138****1234"
    privacy = await bazaar.operator(rights=["pii"])
    r = await bazaar.client.get(f"/api/v1/admin/users/{user_id}", headers=privacy.headers)
    assert r.json()["phone"] == "13812341234"


async def test_key_rotation_reads_old_values(bazaar_factory, bazaar_db_url):
    from cryptography.fernet import Fernet

    kit = await bazaar_factory()
    await kit.client.post(
        "/api/v1/auth/register",
        json={"email": "eve@example.com", "password": "Secret-Pass-4242", "name": "Eve", "phone": "13900001111"},
    )
    old_key = kit.runtime.settings.security.encryption_keys["k1"]
    rotated = await bazaar_factory(
        settings={"security": {"encryption_keys": {"k1": old_key, "k2": Fernet.generate_key().decode()},
                               "active_key_id": "k2", "argon2_time_cost": 1, "argon2_memory_kib": 64}}
    )
    s = await rotated.login("eve@example.com", "Secret-Pass-4242")
    assert (await rotated.client.get("/api/v1/me", headers=s.headers)).json()["phone"] == "13900001111"
    r = await rotated.client.post(
        "/api/v1/auth/register",
        json={"email": "fay@example.com", "password": "Other-Pass-4242", "name": "Fay", "phone": "13900002222"},
    )
    raw = await rotated.runtime.db.fetchrow("SELECT phone FROM core_user WHERE id = {}", r.json()["id"])
    assert raw["phone"].startswith("enc:k2:")


async def test_operator_routes_refuse_customers(bazaar):
    s = await bazaar.user()
    for path in ("/api/v1/admin/users", "/api/v1/admin/api-keys"):
        r = await bazaar.client.get(path, headers=s.headers)
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
        assert (await bazaar.client.get(path)).status_code == 401


async def test_api_keys_are_hashed_scoped_and_revocable(bazaar):
    op = await bazaar.operator()
    r = await bazaar.client.post("/api/v1/admin/api-keys", json={"name": "carrier", "scopes": ["logistics.events"]},
                                 headers=op.headers)
    assert r.status_code == 201
    key = r.json()["key"]
    raw = await bazaar.runtime.db.fetchrow("SELECT * FROM core_api_key WHERE id = {}", r.json()["id"])
    assert key not in str(raw)
    listed = (await bazaar.client.get("/api/v1/admin/api-keys", headers=op.headers)).json()
    assert listed[0]["key"] is None
    # a service key is not a user: /me refuses it
    r2 = await bazaar.client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert r2.status_code == 403
    d = await bazaar.client.delete(f"/api/v1/admin/api-keys/{r.json()['id']}", headers=op.headers)
    assert d.status_code == 204
    r3 = await bazaar.client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert r3.status_code == 401


async def test_malformed_and_unknown_ids(bazaar):
    op = await bazaar.operator()
    r = await bazaar.client.get("/api/v1/admin/users/123", headers=op.headers)
    assert r.status_code == 422 and r.json()["code"] == "invalid_id"
    assert r.json()["errors"][0]["field"] == "user_id"
    r = await bazaar.client.get("/api/v1/admin/users/usr_00000000000000000000000000", headers=op.headers)
    assert r.status_code == 404 and r.json()["code"] == "user_not_found"


async def test_create_operator_cli(bazaar_db_url, bazaar_files_dir, tmp_path):
    import os
    import subprocess
    import sys

    from cryptography.fernet import Fernet

    env = {**os.environ, "BAZAAR_DATABASE_URL": bazaar_db_url, "BAZAAR_OPERATOR_PASSWORD": "Admin-Secret-4242",
           "BAZAAR_FILES_DIR": bazaar_files_dir,
           "BAZAAR_SECURITY__ENCRYPTION_KEYS": f'{{k = "{Fernet.generate_key().decode()}"}}'}
    cmd = [sys.executable, "-m", "bazaar.core.cli", "users", "create-operator", "--email", "root@example.com"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "operator created: usr_" in done.stdout
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert again.returncode == 1 and "email_taken" in again.stderr
