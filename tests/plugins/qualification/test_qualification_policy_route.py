"""The policy in force: both presets, overrides with origin and source, in the admin route and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from qualification_helpers import BASE


@pytest.mark.parametrize(("preset", "mode"), [("cn", "category_based"), ("eu", "post_publish_monitor")])
async def test_both_presets_load(bazaar_factory, preset, mode):
    kit = await bazaar_factory(plugins=["qualification"], config={"qualification": {"preset": preset}})
    operator = await kit.operator()
    r = await kit.client.get(f"{BASE}/policy", headers=operator.headers)
    assert r.status_code == 200, r.text
    lines = {line["key"]: line for line in r.json()}
    assert lines["listing_review_mode"]["value"] == mode
    assert all(line["origin"] == f"preset:{preset}" for line in lines.values())
    assert lines["reverify_interval_days"]["source"] == "NTSM 24 / DSA 30(3)"


async def test_override_shows_with_its_source(bazaar_factory):
    kit = await bazaar_factory(plugins=["qualification"], config={"qualification": {
        "preset": "cn", "review_working_days": 3, "credit": {"weights": {"on_time_shipping": 50, "review_score": 50}}}})
    operator = await kit.operator()
    r = await kit.client.get(f"{BASE}/policy", headers=operator.headers)
    lines = {line["key"]: line for line in r.json()}
    assert lines["review_working_days"] == {"key": "review_working_days", "value": 3, "origin": "override",
                                            "source": "practice", "basis": "practice"}
    assert lines["credit.weights"]["value"] == {"on_time_shipping": 50, "review_score": 50}
    assert lines["credit.weights"]["origin"] == "override"
    assert lines["reverify_interval_days"] == {"key": "reverify_interval_days", "value": 182, "origin": "preset:cn",
                                               "source": "NTSM 24 / DSA 30(3)", "basis": "law"}
    customer = await kit.user()
    r = await kit.client.get(f"{BASE}/policy", headers=customer.headers)
    assert r.status_code == 403
    r = await kit.client.get(f"{BASE}/policy")
    assert r.status_code == 401


def test_cli_plugins_policy_shows_override_and_sources(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAZAAR_")}
    env.update({
        "BAZAAR_PLUGINS_ENABLED": "qualification",
        "BAZAAR_PLUGINS__QUALIFICATION__PRESET": "eu",
        "BAZAAR_PLUGINS__QUALIFICATION__TERMINATION_NOTICE_DAYS": "45",
        "BAZAAR_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    })
    out = subprocess.run([sys.executable, "-m", "bazaar.core.cli", "plugins", "--policy", "--json"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert out.returncode == 0, out.stderr
    row = next(p for p in json.loads(out.stdout) if p["id"] == "qualification")
    lines = {line["key"]: line for line in row["policy"]}
    assert lines["termination_notice_days"] == {"key": "termination_notice_days", "value": 45, "origin": "override",
                                                "source": "P2B 4", "basis": "law"}
    assert lines["reverify_interval_days"]["value"] is None
    assert lines["reverify_interval_days"]["origin"] == "preset:eu"
    text = subprocess.run([sys.executable, "-m", "bazaar.core.cli", "plugins", "--policy"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert text.returncode == 0
    row = next(line.split() for line in text.stdout.splitlines() if line.split()[:1] == ["termination_notice_days"])
    assert row == ["termination_notice_days", "45", "override", "P2B", "4"]


def test_bad_override_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAZAAR_")}
    env.update({"BAZAAR_PLUGINS_ENABLED": "qualification",
                "BAZAAR_PLUGINS__QUALIFICATION__LISTING_REVIEW_MODE": "whenever"})
    out = subprocess.run([sys.executable, "-m", "bazaar.core.cli", "plugins", "--policy"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert out.returncode != 0
    assert "plugins.qualification.listing_review_mode" in out.stderr + out.stdout
    assert "post_publish_monitor" in out.stderr + out.stdout
