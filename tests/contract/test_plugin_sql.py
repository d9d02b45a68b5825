"""SQL issued from a plugin's modules names only tables with that plugin's prefix.

The kernel's and the core's tables (``kernel_``, ``orders_``, ``core_``, ``catalogue_`` ...)
and other plugins' tables are reached only through the runtime, facades and events. The
check reads every string literal of every module under ``plugins/`` and ``examples/``
(``ast``), takes the identifiers after ``FROM``, ``JOIN``, ``INTO``, ``UPDATE`` and
``TABLE`` in those that are SQL, and fails on any outside the plugin's prefixes. A table
name filled in at run time passes only because every constant of the module that equals a
real table name (of the core's or any plugin's Piccolo apps) is checked as well.
"""

from __future__ import annotations

import pytest
from plugin_sources import REPO, foreign_tables, known_tables, plugin_packages, tables_named

PACKAGES = plugin_packages()
TABLES = known_tables()


def test_every_plugin_package_is_found_with_its_plugins():
    names = {p.path.name: sorted(pl.id for pl in p.plugins) for p in PACKAGES}
    assert names["payments"] == ["payments.escrow", "payments.instant"]
    assert names["qualification"] == ["qualification"]
    assert names["bazaar_hello"] == ["hello"]
    assert "hello_" in next(p for p in PACKAGES if p.path.name == "bazaar_hello").prefixes


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.path.name)
def test_plugin_sql_names_only_its_own_tables(package):
    problems = []
    for module in package.modules():
        for line, table in foreign_tables(module.read_text(encoding="utf-8"), package.prefixes, TABLES):
            problems.append(f"{module.relative_to(REPO)}:{line}: {table!r} is not a {'/'.join(sorted(package.prefixes))}* table")
    assert problems == [], "a plugin reads only its own tables (use a facade or an event):\n" + "\n".join(problems)


def test_the_check_catches_a_core_table_read_as_credit_py_did():
    """``plugins/qualification/credit.py:40`` read ``core_order`` (a table that does not even exist)."""
    source = '''
async def merchant_of(rt, event):
    """Docstrings may say FROM orders_order freely."""
    row = await rt.db.fetchrow("SELECT merchant_id FROM core_order WHERE id = {}", event.subject)
    lock = " FOR UPDATE"
    other = await rt.db.fetch(f"SELECT o.id FROM qualification_credit_fact f JOIN orders_order o ON o.id = f.order_id{lock}")
    await rt.db.execute("INSERT INTO kernel_outbox (id) VALUES ({})", "evt_1")
    await rt.db.execute("UPDATE payments_order SET state = 'x'")
    table = {"own": "qualification_merchant", "theirs": "core_merchant"}[kind]
    await rt.db.fetch(f"SELECT * FROM {table}")
    return "from the table of contents"
'''
    assert foreign_tables(source, {"qualification_"}, TABLES) == [
        (4, "core_order"), (6, "orders_order"), (7, "kernel_outbox"), (8, "payments_order"), (9, "core_merchant"),
    ]
    assert {"orders_order", "kernel_outbox", "core_merchant", "qualification_merchant"} <= TABLES


def test_sql_parsing_of_subqueries_ctes_and_functions():
    sql = ("WITH recent AS (SELECT id FROM logistics_shipment WHERE shipped_at > {}) "
           "SELECT EXTRACT(EPOCH FROM s.created_at) FROM recent r JOIN logistics_event s ON s.id = r.id "
           "WHERE s.id IN (SELECT id FROM logistics_parcel) AND a IS DISTINCT FROM b")
    assert tables_named(sql) == ["logistics_shipment", "logistics_event", "logistics_parcel"]
    assert tables_named("CREATE TABLE IF NOT EXISTS hello_x (id TEXT)") == ["hello_x"]
    assert tables_named("SELECT * FROM hello_x WHERE id = {} FOR UPDATE SKIP LOCKED") == ["hello_x"]
    assert tables_named("INSERT INTO hello_x (id, n) VALUES ({}, 1) ON CONFLICT (id) DO UPDATE SET n = hello_x.n + 1") == [
        "hello_x"]
    assert tables_named("INSERT INTO hello_x (id) VALUES ({}) ON CONFLICT (id) DO UPDATE SET n = 1") == ["hello_x"]
    assert tables_named("CREATE TRIGGER t BEFORE UPDATE OR DELETE ON hello_x FOR EACH ROW EXECUTE FUNCTION f()") == []
    assert tables_named("no payment for this order, from the hold") == []
