"""The platform may not delete reviews (ECL 39, NTSM 15): no route, no service, no SQL, no event does."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from litestar.handlers import HTTPRouteHandler
from reviews_market import make_market

import bazaar.plugins.reviews as package
from bazaar.plugins.reviews import policy
from bazaar.plugins.reviews.states import MODERATION

DELETE_WORDS = re.compile(r"delete|remove|purge|erase|destroy|drop", re.IGNORECASE)


def modules():
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if "piccolo_migrations" not in info.name:
            yield importlib.import_module(info.name)


def test_no_function_of_the_plugin_deletes():
    names = [
        f"{module.__name__}.{name}"
        for module in [package, *modules()]
        for name, member in inspect.getmembers(module, inspect.isfunction)
        if member.__module__ == module.__name__ and DELETE_WORDS.search(name)
    ]
    assert names == []
    assert len(list(modules())) >= 10


def test_no_statement_of_the_plugin_deletes_rows():
    sources = [p for p in Path(package.__file__).parent.rglob("*.py") if "piccolo_migrations" not in p.parts]
    assert sources
    offending = [str(p) for p in sources if re.search(r"\bDELETE\s+FROM\b|\bTRUNCATE\b", p.read_text(), re.I)]
    assert offending == []


def test_the_moderation_machine_has_no_delete_event_and_the_policy_says_so():
    assert not [e for e in MODERATION.events if DELETE_WORDS.search(str(e))]
    assert policy.RULES.rules["platform_may_delete"].presets == {"cn": False, "eu": False}
    assert "platform_may_delete" not in {f for f in package.plugin.config.__struct_fields__}


async def test_no_route_deletes_and_a_delete_request_changes_nothing(bazaar_factory):
    m = await make_market(bazaar_factory)
    review = await m.reviewed(await m.buyer(), 1, text="awful")
    methods = {
        (route.path, method)
        for route in m.kit.app.routes
        if route.path.startswith("/api/v1/reviews")
        for handler in getattr(route, "route_handlers", [])
        if isinstance(handler, HTTPRouteHandler)
        for method in handler.http_methods
    }
    assert methods, "the reviews routes are mounted"
    assert not [p for p, method in methods if method == "DELETE"]

    for who in (m.operator, m.owner):
        r = await m.c.delete(f"/api/v1/reviews/{review['id']}", headers=who.headers)
        assert r.status_code == 405, r.text
        r = await m.c.delete(f"/api/v1/reviews/admin/reviews/{review['id']}", headers=who.headers)
        assert r.status_code in (404, 405), r.text
    assert (await m.c.get(f"/api/v1/reviews/{review['id']}")).json()["text"] == "awful"
