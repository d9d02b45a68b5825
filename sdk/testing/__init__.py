"""The Bazaar test kit: how integrators (and Bazaar itself) test plugins against a real app.

Registered as a pytest plugin (``bazaar``), it provides:

* ``bazaar_engine`` — every test that uses the kit runs once per engine in
  ``BAZAAR_TEST_ENGINES`` (default ``sqlite,postgres``); PostgreSQL comes from
  ``BAZAAR_TEST_PG_URL`` and is skipped without it, unless ``BAZAAR_REQUIRE_PG=1`` (CI),
  where a missing or unreachable PostgreSQL fails the run.
* ``bazaar_db_url`` — a fresh, migrated database for this test.
* ``bazaar_empty_db_url`` — an empty database on this test's engine (for migration tests).
* ``bazaar_files_dir`` — where this test's stored files live (beside SQLite, or its own directory).
* ``bazaar_factory`` — ``await bazaar_factory(plugins=[...], config={...}, extra=[...])``
  builds a :class:`Kit`: the real Litestar app, an HTTP client, a :class:`ManualClock`.
* ``bazaar`` — a kit with no plugins enabled.

Example::

    async def test_hello(bazaar_factory):
        kit = await bazaar_factory(plugins=["hello"], config={"hello": {"greeting": "Hi"}})
        r = await kit.client.get("/api/v1/hello/world")
        assert r.json() == {"message": "Hi, world"}
        await kit.advance(timedelta(days=1))   # moves the clock and runs what fell due
"""

from bazaar.core.kernel.clock import ManualClock
from bazaar.sdk.testing.kit import Kit, build_kit

__all__ = ["Kit", "ManualClock", "build_kit"]
