"""How an integrator tests a plugin: the real app, real HTTP, a real database, a manual clock.

Run with ``pytest examples/bazaar-hello/tests`` once the package is installed
(``pip install -e examples/bazaar-hello``); the ``bazaar`` pytest plugin comes with Bazaar.
"""

from __future__ import annotations

from datetime import timedelta


async def test_greets_with_the_configured_greeting(bazaar_factory):
    kit = await bazaar_factory(plugins=["hello"], config={"hello": {"greeting": "Hi"}})
    r = await kit.client.get("/api/v1/hello/world")
    assert r.status_code == 200
    assert r.json() == {"message": "Hi, world"}


async def test_reminder_fires_after_the_configured_delay(bazaar_factory):
    kit = await bazaar_factory(plugins=["hello"], config={"hello": {"greeting": "Hi", "remind_after_minutes": 30}})
    r = await kit.client.post("/api/v1/hello/bob/reminders")
    assert r.status_code == 202
    assert await kit.advance(timedelta(minutes=29)) == 0
    assert await kit.advance(timedelta(minutes=1)) == 1
    rows = await kit.runtime.db.fetch("SELECT message FROM hello_reminder")
    assert rows == [{"message": "Hi again, bob"}]


async def test_routes_are_gone_when_the_plugin_is_disabled(bazaar):
    r = await bazaar.client.get("/api/v1/hello/world")
    assert r.status_code == 404
