"""Configuration: TOML file, BAZAAR_* overrides, refusals that name key, value and what is allowed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import msgspec
import pytest

from bazaar.core.kernel.config import Settings, load_settings, mask
from bazaar.core.kernel.plugins import PluginHost
from bazaar.sdk.errors import ConfigError
from bazaar.sdk.plugin import Plugin

SECRET = "whsec-0123456789abcdef"
FERNET_KEY = "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE="

TOML = f"""
[database]
url = "postgresql://shop:hunter2@db.internal:5432/shop"
pool_max = 8

[server]
port = 8123
host = "0.0.0.0"

[worker]
poll_seconds = 0.5

[[webhooks]]
name = "erp"
url = "https://erp.example/hooks"
secret = "{SECRET}"
events = ["order.*"]

[security]
encryption_keys = {{ k1 = "{FERNET_KEY}" }}
active_key_id = "k1"

[log]
level = "WARNING"

[files]
dir = "stored-files"

[plugins]
enabled = ["hello"]

[plugins.hello]
greeting = "Bonjour"
"""


@pytest.fixture
def toml_file(tmp_path: Path) -> Path:
    path = tmp_path / "bazaar.toml"
    path.write_text(TOML, encoding="utf-8")
    return path


def refused(**kwargs) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_settings(**kwargs)
    return info.value.problems


# --- loading -----------------------------------------------------------------------------


def test_defaults_without_file_or_environment():
    settings = load_settings(environ={})
    assert settings == Settings()
    assert settings.database.url.startswith("sqlite:///")
    assert settings.plugins.enabled == []


def test_toml_file_is_decoded(toml_file):
    s = load_settings(toml_file, environ={})
    assert s.server.port == 8123 and s.server.host == "0.0.0.0"
    assert s.database.pool_max == 8
    assert s.worker.poll_seconds == 0.5
    assert s.webhooks[0].name == "erp" and s.webhooks[0].events == ["order.*"]
    assert s.security.encryption_keys == {"k1": FERNET_KEY}
    assert s.log.level == "WARNING"
    assert s.plugins.enabled == ["hello"]
    assert s.plugins.settings["hello"] == {"greeting": "Bonjour"}


def test_config_path_from_bazaar_config_variable(toml_file):
    s = load_settings(environ={"BAZAAR_CONFIG": str(toml_file)})
    assert s.server.port == 8123


def test_environment_overrides_file(toml_file):
    env = {
        "BAZAAR_DATABASE_URL": "postgresql://other@h/db",
        "BAZAAR_SERVER__PORT": "9001",
        "BAZAAR_WORKER__POLL_SECONDS": "0.05",
        "BAZAAR_SERVER_EMBEDDED_WORKER": "false",
        "BAZAAR_PLUGINS_ENABLED": "hello, other",
    }
    s = load_settings(toml_file, environ=env)
    assert s.database.url == "postgresql://other@h/db"
    assert s.database.pool_max == 8, "keys the environment does not name stay from the file"
    assert s.server.port == 9001 and s.server.host == "0.0.0.0"
    assert s.worker.poll_seconds == 0.05
    assert s.server.embedded_worker is False
    assert s.plugins.enabled == ["hello", "other"]


def test_explicit_overrides_win_over_environment():
    s = load_settings(environ={"BAZAAR_SERVER__PORT": "9001"}, overrides={"server": {"port": 9002}})
    assert s.server.port == 9002


def test_test_kit_variables_are_not_settings():
    s = load_settings(environ={"BAZAAR_TEST_PG_URL": "postgresql://x", "BAZAAR_REQUIRE_PG": "1"})
    assert s == Settings()


def test_missing_file_and_bad_toml_are_refused(tmp_path):
    assert "config file not found" in refused(path=tmp_path / "nope.toml", environ={})[0]
    bad = tmp_path / "bad.toml"
    bad.write_text("[server\nport = 1", encoding="utf-8")
    assert "not valid TOML" in refused(path=bad, environ={})[0]


# --- refusals ----------------------------------------------------------------------------


def test_unknown_section_is_refused_naming_it_and_the_allowed_ones(tmp_path):
    path = tmp_path / "b.toml"
    path.write_text("[databse]\nurl = 'sqlite:///x'\n", encoding="utf-8")
    (problem,) = refused(path=path, environ={})
    assert problem.startswith("databse: unknown key")
    assert "database" in problem and "server" in problem


def test_unknown_key_is_refused_naming_the_full_key():
    (problem,) = refused(environ={}, overrides={"server": {"prot": 8000}})
    assert problem.startswith("server.prot: unknown key")
    assert "port" in problem


def test_unknown_environment_variable_is_refused_naming_it():
    (problem,) = refused(environ={"BAZAAR_SERVR__PORT": "1"})
    assert "BAZAAR_SERVR__PORT" in problem and "unknown setting" in problem


def test_unknown_key_through_environment_is_refused():
    (problem,) = refused(environ={"BAZAAR_SERVER__PROT": "1"})
    assert problem.startswith("server.prot: unknown key")


def test_wrong_type_names_key_value_and_expected_type():
    (problem,) = refused(environ={"BAZAAR_SERVER__PORT": "eighty"})
    assert problem.startswith("server.port:")
    assert "'eighty'" in problem and "Expected `int`" in problem


@pytest.mark.parametrize(
    ("overrides", "key", "value", "allowed"),
    [
        ({"server": {"port": 70000}}, "server.port", "70000", "<= 65535"),
        ({"server": {"port": 0}}, "server.port", "0", ">= 1"),
        ({"worker": {"poll_seconds": 0}}, "worker.poll_seconds", "0", "> 0.0"),
        ({"checkout": {"currency": "yuan"}}, "checkout.currency", "'yuan'", "^[A-Z]{3}$"),
        ({"log": {"level": "LOUD"}}, "log.level", "'LOUD'", "'DEBUG', 'ERROR', 'INFO', 'WARNING'"),
        (
            {"webhooks": [{"name": "erp", "url": "https://x.example", "secret": "short"}]},
            "webhooks.0.secret",
            "'short'",
            "length >= 16",
        ),
        (
            {"webhooks": [{"name": "erp", "url": "ftp://x.example", "secret": SECRET}]},
            "webhooks.0.url",
            "'ftp://x.example'",
            "^https?://",
        ),
    ],
)
def test_out_of_range_value_names_key_value_and_what_is_allowed(overrides, key, value, allowed):
    (problem,) = refused(environ={}, overrides=overrides)
    assert problem.startswith(f"{key}:"), problem
    assert value in problem, problem
    assert allowed in problem, problem


def test_refusal_is_a_readable_message():
    with pytest.raises(ConfigError) as info:
        load_settings(environ={"BAZAAR_SERVER__PORT": "0"})
    assert str(info.value) == "invalid configuration:\n  - server.port: Expected `int` >= 1 (got 0)"


# --- masking -----------------------------------------------------------------------------


def test_mask_hides_secrets_and_url_passwords_but_not_lookalikes(toml_file):
    shown = mask(load_settings(toml_file, environ={}))
    assert shown["webhooks"][0]["secret"] == "***"
    assert shown["security"]["encryption_keys"] == "***"
    assert shown["database"]["url"] == "postgresql://shop:***@db.internal:5432/shop"
    # numbers about secrets are not secrets
    assert shown["security"]["password_min_length"] == 10
    assert shown["security"]["token_ttl_seconds"] == 86_400
    assert "hunter2" not in repr(shown) and SECRET not in repr(shown) and FERNET_KEY not in repr(shown)


def test_mask_by_key_name_anywhere_in_the_tree():
    shown = mask(
        {
            "secret_key": "s1",
            "access_token": "t1",
            "client": {"credentials": ["c1"], "api_key": "k1", "password_min_length": 12, "token_ttl_seconds": 60},
            "empty_secret": "",
            "name": "shop",
            "hooks": [{"url": "https://u:p4ss@h/x", "signing_secret": "s2"}],
            "verify_tokens": True,
        }
    )
    assert shown == {
        "secret_key": "***",
        "access_token": "***",
        "client": {"credentials": "***", "api_key": "***", "password_min_length": 12, "token_ttl_seconds": 60},
        "empty_secret": "",
        "name": "shop",
        "hooks": [{"url": "https://u:***@h/x", "signing_secret": "***"}],
        "verify_tokens": True,
    }


# --- plugin tables -----------------------------------------------------------------------


class _ShopConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    rate_bps: Annotated[int, msgspec.Meta(ge=0, le=10_000)] = 500
    mode: Annotated[str, msgspec.Meta(pattern="^(live|test)$")] = "test"
    api_key: str = ""


SHOP = Plugin(id="shop", version="1.0.0", summary="test", config=_ShopConfig)
NESTED = Plugin(id="pay.escrow", version="1.0.0", summary="test", config=_ShopConfig)


def host(overrides: dict) -> PluginHost:
    settings = load_settings(environ={}, overrides=overrides)
    return PluginHost.build(settings, extra=[SHOP, NESTED], discover_installed=False)


def test_plugin_table_is_decoded_by_the_plugins_struct():
    h = host({"plugins": {"enabled": ["shop"], "shop": {"rate_bps": 250, "api_key": "k-123"}}})
    assert h.plugin_config("shop") == _ShopConfig(rate_bps=250, api_key="k-123")
    assert mask(h.plugin_config("shop"))["api_key"] == "***"


def test_dotted_plugin_id_takes_a_nested_table():
    h = host({"plugins": {"enabled": ["pay.escrow"], "pay": {"escrow": {"mode": "live"}}}})
    assert h.plugin_config("pay.escrow").mode == "live"


def test_plugin_table_with_unknown_key_is_refused():
    with pytest.raises(ConfigError) as info:
        host({"plugins": {"enabled": ["shop"], "shop": {"rate_bsp": 1}}})
    (problem,) = info.value.problems
    assert problem.startswith("plugins.shop.rate_bsp: unknown key")
    assert "rate_bps" in problem


def test_plugin_table_with_bad_value_is_refused_naming_key_and_value():
    with pytest.raises(ConfigError) as info:
        host({"plugins": {"enabled": ["shop"], "shop": {"rate_bps": 20_000}}})
    (problem,) = info.value.problems
    assert problem.startswith("plugins.shop.rate_bps:")
    assert "20000" in problem and "<= 10000" in problem


def test_table_for_a_plugin_that_is_not_installed_is_refused():
    with pytest.raises(ConfigError) as info:
        host({"plugins": {"enabled": [], "shpo": {"rate_bps": 1}}})
    assert info.value.problems == ["plugins.shpo: no installed plugin has this id"]


def test_scalar_key_beside_a_dotted_plugin_table_is_refused():
    with pytest.raises(ConfigError) as info:
        host({"plugins": {"enabled": [], "pay": {"oops": 1, "escrow": {}}}})
    assert info.value.problems == ["plugins.pay.oops: unknown key"]


# --- `bazaar config check` ---------------------------------------------------------------


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BAZAAR_")}
    return subprocess.run(
        [sys.executable, "-m", "bazaar.core.cli", *args],
        env={**clean, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_config_check_prints_effective_config_with_secrets_masked(toml_file, tmp_path):
    done = run_cli("--config", str(toml_file), "config", "check", env={"BAZAAR_SERVER__PORT": "9009"}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    shown = msgspec.json.decode(done.stdout)
    assert shown["server"]["port"] == 9009
    assert shown["webhooks"][0]["secret"] == "***"
    assert shown["security"]["encryption_keys"] == "***"
    assert shown["database"]["url"] == "postgresql://shop:***@db.internal:5432/shop"
    assert shown["plugins"]["enabled"] == ["hello"]
    assert shown["plugins"]["hello"]["greeting"] == "Bonjour"
    for secret in (SECRET, FERNET_KEY, "hunter2"):
        assert secret not in done.stdout


def test_config_check_refuses_bad_config_with_the_errors(toml_file, tmp_path):
    done = run_cli("--config", str(toml_file), "config", "check", env={"BAZAAR_SERVER__PORT": "0"}, cwd=tmp_path)
    assert done.returncode != 0
    assert done.stdout == ""
    assert "server.port: Expected `int` >= 1 (got 0)" in done.stderr
    assert "Traceback" not in done.stderr


def test_config_check_refuses_bad_plugin_key(tmp_path):
    path = tmp_path / "b.toml"
    path.write_text('[plugins]\nenabled = ["hello"]\n[plugins.hello]\ngreetin = "Hi"\n', encoding="utf-8")
    done = run_cli("--config", str(path), "config", "check", cwd=tmp_path)
    assert done.returncode != 0
    assert "plugins.hello.greetin: unknown key" in done.stderr
    assert "Traceback" not in done.stderr


def test_config_check_refuses_unknown_plugin_id(tmp_path):
    done = run_cli("config", "check", env={"BAZAAR_PLUGINS_ENABLED": "helo"}, cwd=tmp_path)
    assert done.returncode != 0
    assert "'helo'" in done.stderr and "did you mean 'hello'" in done.stderr


def test_plugin_table_keys_from_the_environment():
    settings = load_settings(
        environ={"BAZAAR_PLUGINS_ENABLED": "shop,pay.escrow", "BAZAAR_PLUGINS__SHOP__RATE_BPS": "250", "BAZAAR_PLUGINS__PAY__ESCROW__MODE": "live"}
    )
    h = PluginHost.build(settings, extra=[SHOP, NESTED], discover_installed=False)
    assert h.plugin_config("shop").rate_bps == 250
    assert h.plugin_config("pay.escrow").mode == "live"
