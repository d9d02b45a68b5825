"""Issue 10, items 1-2: no default secrets, the sandbox only on purpose, keys required; the production checklist."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bazaar.sdk.errors import ConfigError

pytestmark = pytest.mark.bazaar_engines("sqlite")


def bazaar_cli(*args: str, env: dict[str, str] | None = None, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("BAZAAR_")}
    return subprocess.run([sys.executable, "-m", "bazaar.core.cli", *args], capture_output=True, text=True,
                          env={**base, **(env or {})}, cwd=cwd, timeout=60)


async def test_the_sandbox_is_refused_unless_allowed(bazaar_factory):
    with pytest.raises(ConfigError) as refused:
        await bazaar_factory(plugins=["payments.escrow"], config={"payments.escrow": {"allow_sandbox": False}})
    assert any("allow_sandbox" in p for p in refused.value.problems)


async def test_a_short_notification_secret_is_refused(bazaar_factory):
    with pytest.raises(ConfigError) as refused:
        await bazaar_factory(plugins=["payments.escrow"], config={"payments.escrow": {"sandbox": {"secret": "short"}}})
    assert any("sandbox.secret" in p and "32 bytes" in p for p in refused.value.problems)


async def test_an_allowed_sandbox_is_said_loudly_on_ready(bazaar_factory):
    kit = await bazaar_factory(plugins=["payments.escrow"])
    r = await kit.client.get("/ready")
    assert r.status_code == 200, r.text
    names = {c["name"]: c for c in r.json()["checks"]}
    assert "SANDBOX PAYMENTS" in names["config:plugins.payments.escrow.provider"]["detail"]


def test_config_check_refuses_without_an_encryption_key_and_says_how_to_make_one(tmp_path):
    r = bazaar_cli("config", "check", env={"BAZAAR_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}, cwd=str(tmp_path))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "security.encryption_keys" in r.stderr and "Fernet.generate_key" in r.stderr


def test_config_check_production_lists_each_item(tmp_path):
    from cryptography.fernet import Fernet

    env = {"BAZAAR_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
           "BAZAAR_SECURITY__ENCRYPTION_KEYS": f'{{k1 = "{Fernet.generate_key().decode()}"}}',
           "BAZAAR_SECURITY__ACTIVE_KEY_ID": "k1"}
    ok = bazaar_cli("config", "check", env=env, cwd=str(tmp_path))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    prod = bazaar_cli("config", "check", "--production", env=env, cwd=str(tmp_path))
    assert prod.returncode == 1
    for item in ("FAIL          database.url", "FAIL          server.public_url", "WARN          server.embedded_worker",
                 "WARN          files",
                 "CHECK BY HAND backups"):
        assert item in prod.stderr, prod.stderr
