"""The example third-party plugin (examples/bazaar-hello), installed through its entry point.

The suite needs it installed: ``pip install -e examples/bazaar-hello``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bazaar.core.kernel.plugins import discover

#: for behaviour that does not depend on the database engine: run on SQLite only
ONE_ENGINE = pytest.mark.bazaar_engines("sqlite")


def test_installed_through_the_entry_point():
    installed = discover()
    assert "hello" in installed, "run: pip install -e examples/bazaar-hello"
    plugin = installed["hello"]
    assert plugin.piccolo_app == "bazaar_hello.piccolo_app"
    assert set(plugin.timers) == {"hello.remind"}


async def test_enabled_route_answers_with_configured_greeting(bazaar_factory):
    kit = await bazaar_factory(plugins=["hello"], config={"hello": {"greeting": "Ni hao"}})
    r = await kit.client.get("/api/v1/hello/world")
    assert r.status_code == 200, r.text
    assert r.json() == {"message": "Ni hao, world"}


@ONE_ENGINE
async def test_default_config_applies(bazaar_factory):
    kit = await bazaar_factory(plugins=["hello"])
    r = await kit.client.get("/api/v1/hello/ada")
    assert r.json() == {"message": "Hello, ada"}


@ONE_ENGINE
async def test_disabled_plugin_route_is_404_and_not_in_openapi(bazaar_factory):
    kit = await bazaar_factory()
    r = await kit.client.get("/api/v1/hello/world")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    schema = (await kit.client.get("/schema/openapi.json")).json()
    assert not [p for p in schema["paths"] if p.startswith("/api/v1/hello")]


@ONE_ENGINE
async def test_enabled_plugin_route_is_in_openapi_with_its_tag(bazaar_factory):
    kit = await bazaar_factory(plugins=["hello"])
    schema = (await kit.client.get("/schema/openapi.json")).json()
    op = schema["paths"]["/api/v1/hello/{name}"]["get"]
    assert op["operationId"] == "hello_greet"
    assert "hello" in op["tags"]


async def test_tables_exist_and_migrations_applied(bazaar_factory):
    kit = await bazaar_factory(plugins=["hello"])
    rt = kit.runtime
    assert "hello" in [app.app_name for app in rt.apps]
    assert await rt.pending_migrations() == {}
    ran = await rt.db.fetch("SELECT name FROM migration WHERE app_name = {}", "hello")
    assert len(ran) >= 1
    assert await rt.db.fetch("SELECT * FROM hello_reminder") == []
    assert await rt.db.fetch("SELECT * FROM hello_seen_event") == []
    ready = await kit.client.get("/ready")
    assert ready.status_code == 200, ready.text
    assert {"name": "hello:tables", "ok": True, "detail": None} in ready.json()["checks"]


async def test_reminder_timer_runs_when_due_and_event_is_handled(bazaar_factory):
    kit = await bazaar_factory(
        plugins=["hello"], config={"hello": {"greeting": "Hi", "remind_after_minutes": 30}}
    )
    db = kit.runtime.db
    r = await kit.client.post("/api/v1/hello/bob/reminders")
    assert r.status_code == 202, r.text
    assert r.json()["subject"] == "bob"
    # the event was delivered after the request (the kit runs what is due), the timer was not
    seen = await db.fetch("SELECT type, subject FROM hello_seen_event")
    assert seen == [{"type": "hello.reminder_scheduled", "subject": "bob"}]
    assert await db.fetch("SELECT * FROM hello_reminder") == []

    assert await kit.advance(timedelta(minutes=29)) == 0
    assert await db.fetch("SELECT * FROM hello_reminder") == []
    assert await kit.advance(timedelta(minutes=1)) == 1
    rows = await db.fetch("SELECT subject, message FROM hello_reminder")
    assert rows == [{"subject": "bob", "message": "Hi again, bob"}]
    timer = await db.fetchrow("SELECT status, attempts FROM kernel_timer WHERE kind = 'hello.remind'")
    assert timer == {"status": "done", "attempts": 1}


async def test_disabled_plugin_timer_kind_is_not_claimed(bazaar_factory):
    kit = await bazaar_factory()
    await kit.runtime.timers.schedule("hello.remind", "zoe", kit.clock.now(), {"name": "zoe"})
    assert await kit.advance(timedelta(hours=1)) == 0
    row = await kit.runtime.db.fetchrow("SELECT status, attempts FROM kernel_timer WHERE subject = 'zoe'")
    assert row == {"status": "pending", "attempts": 0}


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ({"greeting": ""}, "plugins.hello.greeting"),
        ({"greting": "Hi"}, "plugins.hello.greting: unknown key"),
        ({"remind_after_minutes": 0}, "plugins.hello.remind_after_minutes"),
    ],
)
@ONE_ENGINE
async def test_bad_plugin_config_is_refused(bazaar_db_url, table, needle):
    from bazaar.sdk.errors import ConfigError
    from bazaar.sdk.testing import build_kit

    with pytest.raises(ConfigError) as info:
        await build_kit(bazaar_db_url, plugins=["hello"], config={"hello": table})
    assert any(needle in problem for problem in info.value.problems), info.value.problems


async def test_thank_route_reads_the_core_through_the_facades(bazaar_factory):
    from bazaar.sdk.testing import seed
    from bazaar.sdk.testing.payments import checkout, line

    kit = await bazaar_factory(plugins=["hello", "testing.payments"], config={"hello": {"greeting": "Hi"}})
    merchant_id, _ = await kit.merchant()
    product = await seed.product(kit.runtime, merchant_id, name="Teapot", prices=[1999], stock=5)
    buyer = await kit.user(name="Ada Lovelace")
    r = await checkout(kit, buyer, [line(product["skus"][0], 2)])
    assert r.status_code == 201, r.text
    order_id = r.json()["orders"][0]["id"]
    r = await kit.client.get(f"/api/v1/hello/orders/{order_id}", headers=buyer.headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"message": "Hi, Ada Lovelace: thank you for your order of 2 item(s)"}
    stranger = await kit.user()
    r = await kit.client.get(f"/api/v1/hello/orders/{order_id}", headers=stranger.headers)
    assert r.status_code == 404 and r.json()["code"] == "hello.order_not_found"
    r = await kit.client.get(f"/api/v1/hello/orders/ord_{'0' * 26}", headers=buyer.headers)
    assert r.status_code == 404 and r.json()["code"] == "order_not_found", r.text
    r = await kit.client.get("/api/v1/hello/orders/nope", headers=buyer.headers)
    assert r.status_code == 422, r.text
    r = await kit.client.get(f"/api/v1/hello/orders/{order_id}")
    assert r.status_code == 401


@ONE_ENGINE
def test_hello_command_is_declared_and_greets_from_the_config(tmp_path, monkeypatch, capsys):
    from bazaar.core.cli import main

    monkeypatch.setenv("BAZAAR_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("BAZAAR_PLUGINS_ENABLED", "hello")
    monkeypatch.setenv("BAZAAR_PLUGINS__HELLO__GREETING", "Ni hao")
    assert main(["hello", "greet", "ada"]) == 0
    assert capsys.readouterr().out.strip() == "Ni hao, ada"
    monkeypatch.setenv("BAZAAR_PLUGINS_ENABLED", "")
    assert main(["hello", "greet", "ada"]) == 1
    assert "not enabled" in capsys.readouterr().out


async def test_hello_demo_schedules_a_reminder_for_the_demo_customer(bazaar_factory, tmp_path):
    from bazaar.core.demo import DemoShop, demo_state, seed, seed_plugins

    kit = await bazaar_factory(plugins=["hello"])
    logins = demo_state(str(tmp_path / "bazaar-demo.json"))["logins"]
    await seed(kit.runtime, logins, products=2)
    shop = await DemoShop.load(kit.runtime, logins)
    for _ in range(2):  # idempotent
        assert await seed_plugins(kit.runtime, shop) == ["hello"]
    rows = await kit.runtime.db.fetch("SELECT subject FROM kernel_timer WHERE kind = 'hello.remind'")
    assert rows == [{"subject": "Customer"}]
