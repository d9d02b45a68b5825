"""Through HTTP: vetoes and plugin failures as problem+json, rollback, errors, OpenAPI, request ids."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
import pytest
from litestar import get, post
from litestar.params import FromPath, JSONBody

from bazaar.core.kernel.ids import new_id
from bazaar.core.kernel.runtime import RuntimeDep
from bazaar.sdk.errors import NotFound
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.money import Money
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.types import CheckoutQuote, Objection, ReadinessCheck

PROBLEM = "application/problem+json"
TABLE = "CREATE TABLE IF NOT EXISTS probe_thing (id VARCHAR(40) PRIMARY KEY, name VARCHAR(50) NOT NULL)"

#: for behaviour that does not depend on the database engine: run on SQLite only
ONE_ENGINE = pytest.mark.bazaar_engines("sqlite")


class ThingIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    quantity: Annotated[int, msgspec.Meta(ge=1, le=100)] = 1


class Thing(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str


@post("/probe/things", operation_id="probe_create_thing", status_code=201, opt={"auth": "public"})
async def create_thing(data: JSONBody[ThingIn], rt: RuntimeDep) -> Thing:
    """Write a row, then ask the plugins whether they object (the row must roll back if so)."""
    thing = Thing(id=new_id("thg"), name=data.name)
    async with rt.unit_of_work():
        await rt.db.execute("INSERT INTO probe_thing (id, name) VALUES ({}, {})", thing.id, thing.name)
        quote = CheckoutQuote(customer_id=data.name, currency="CNY", lines=(), subtotal=Money(amount=0, currency="CNY"))
        await rt.plugins.objections("bazaar_checkout_objections", ctx=rt.context(), quote=quote)
    return thing


@get("/probe/things/{thing_id:str}", operation_id="probe_get_thing", opt={"auth": "public"})
async def get_thing(thing_id: FromPath[str], rt: RuntimeDep) -> Thing:
    row = await rt.db.fetchrow("SELECT id, name FROM probe_thing WHERE id = {}", thing_id)
    if row is None:
        raise NotFound(f"no thing {thing_id}", code="probe.thing_not_found")
    return Thing(**row)


@get("/probe/crash", operation_id="probe_crash", opt={"auth": "public"})
async def crash() -> None:
    raise RuntimeError("secret internals: /etc/passwd")


class GatekeeperHooks:
    def __init__(self, context: Any) -> None:
        self.context = context

    @hookimpl
    async def bazaar_checkout_objections(self, quote: CheckoutQuote) -> Objection | None:
        if quote.customer_id == "blocked":
            return Objection(reason="this name is on the block list", code="gatekeeper.blocked")
        if quote.customer_id == "explode":
            raise RuntimeError("gatekeeper lost its list")
        return None


PROBE = Plugin(id="probe", version="1.0.0", summary="routes under test", routes=(create_thing, get_thing, crash))
GATEKEEPER = Plugin(id="gatekeeper", version="1.0.0", summary="objects to some names", hooks=GatekeeperHooks)


@pytest.fixture
async def kit(bazaar_factory):
    kit = await bazaar_factory(plugins=["probe", "gatekeeper"], extra=[PROBE, GATEKEEPER])
    await kit.runtime.db.execute(TABLE)
    return kit


async def rows(kit) -> list[dict[str, Any]]:
    return await kit.runtime.db.fetch("SELECT id, name FROM probe_thing ORDER BY name")


def assert_problem(r, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].split(";")[0] == PROBLEM
    body = r.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"].endswith(f"/{code}") and body["title"]
    assert "Traceback" not in r.text and 'File "' not in r.text
    return body


# --- the happy path ------------------------------------------------------------------------


async def test_create_commits_when_nobody_objects(kit):
    r = await kit.client.post("/api/v1/probe/things", json={"name": "ada"})
    assert r.status_code == 201, r.text
    thing = r.json()
    assert [row["name"] for row in await rows(kit)] == ["ada"]
    r = await kit.client.get(f"/api/v1/probe/things/{thing['id']}")
    assert r.json() == thing


# --- vetoes and failures -------------------------------------------------------------------


async def test_veto_is_a_409_problem_naming_the_plugin_and_rolls_back(kit):
    r = await kit.client.post("/api/v1/probe/things", json={"name": "blocked"})
    body = assert_problem(r, 409, "plugin_vetoed")
    assert body["plugin"] == "gatekeeper"
    assert body["reason"] == "this name is on the block list"
    assert body["reason_code"] == "gatekeeper.blocked"
    assert "gatekeeper" in body["detail"]
    assert body["instance"] == "/api/v1/probe/things"
    assert await rows(kit) == [], "the row written before the veto must roll back"


async def test_plugin_exception_is_a_500_problem_naming_the_plugin_and_rolls_back(kit, caplog):
    r = await kit.client.post("/api/v1/probe/things", json={"name": "explode"})
    body = assert_problem(r, 500, "plugin_failed")
    assert body["plugin"] == "gatekeeper"
    assert body["hook"] == "bazaar_checkout_objections"
    assert "lost its list" not in r.text, "the exception message stays in the log"
    assert await rows(kit) == []
    logged = [rec for rec in caplog.records if rec.name == "bazaar.plugins"]
    assert logged and "gatekeeper" in logged[0].getMessage()
    # the app keeps answering, and the next write commits
    assert (await kit.client.get("/health")).status_code == 200
    r = await kit.client.post("/api/v1/probe/things", json={"name": "after"})
    assert r.status_code == 201, r.text
    assert [row["name"] for row in await rows(kit)] == ["after"]


@ONE_ENGINE
async def test_domain_error_keeps_its_status_and_code(kit):
    r = await kit.client.get("/api/v1/probe/things/thg_missing")
    body = assert_problem(r, 404, "probe.thing_not_found")
    assert body["detail"] == "no thing thg_missing"


@ONE_ENGINE
async def test_unexpected_error_is_a_generic_500_without_details(kit):
    r = await kit.client.get("/api/v1/probe/crash")
    body = assert_problem(r, 500, "internal_error")
    assert "secret internals" not in r.text and "RuntimeError" not in r.text
    assert set(body) == {"type", "title", "status", "code", "detail", "instance"}


# --- HTTP-level errors ---------------------------------------------------------------------


@ONE_ENGINE
async def test_unknown_route_is_a_404_problem(kit):
    body = assert_problem(await kit.client.get("/api/v1/nothing/here"), 404, "not_found")
    assert body["instance"] == "/api/v1/nothing/here"


@ONE_ENGINE
async def test_wrong_method_is_a_405_problem(kit):
    r = await kit.client.delete("/api/v1/probe/things")
    assert_problem(r, 405, "method_not_allowed")
    assert "POST" in r.headers.get("allow", "")


@ONE_ENGINE
async def test_unknown_field_is_a_422_naming_the_field(kit):
    r = await kit.client.post("/api/v1/probe/things", json={"name": "ada", "colour": "red"})
    body = assert_problem(r, 422, "validation_failed")
    assert {"field": "colour", "reason": "unknown field", "source": "body"} in body["errors"]
    assert await rows(kit) == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [({}, "name"), ({"name": ""}, "name"), ({"name": "ada", "quantity": 0}, "quantity"), ({"name": 5}, "name")],
)
@ONE_ENGINE
async def test_invalid_body_is_a_422_listing_the_field(kit, payload, field):
    r = await kit.client.post("/api/v1/probe/things", json=payload)
    body = assert_problem(r, 422, "validation_failed")
    assert [e["field"] for e in body["errors"]] == [field], body
    assert body["errors"][0]["reason"]
    assert field in body["detail"]


@ONE_ENGINE
async def test_missing_field_is_named_as_such(kit):
    body = assert_problem(await kit.client.post("/api/v1/probe/things", json={}), 422, "validation_failed")
    assert body["errors"] == [{"field": "name", "reason": "required field missing", "source": "body"}]


@ONE_ENGINE
async def test_malformed_json_is_a_problem(kit):
    r = await kit.client.post(
        "/api/v1/probe/things", content=b'{"name": "ada"', headers={"content-type": "application/json"}
    )
    assert r.status_code == 400
    body = assert_problem(r, r.status_code, r.json()["code"])
    assert body["code"] == "invalid_json"
    assert await rows(kit) == []


# --- OpenAPI and request ids ---------------------------------------------------------------


@ONE_ENGINE
async def test_openapi_lists_enabled_plugin_routes(kit):
    r = await kit.client.get("/schema/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["openapi"].startswith("3.")
    post_op = schema["paths"]["/api/v1/probe/things"]["post"]
    assert post_op["operationId"] == "probe_create_thing"
    assert "probe" in post_op["tags"]
    assert "/health" in schema["paths"] and "/ready" in schema["paths"]


@ONE_ENGINE
async def test_disabled_plugin_route_is_404_and_absent_from_openapi(bazaar_factory):
    kit = await bazaar_factory(plugins=["gatekeeper"], extra=[PROBE, GATEKEEPER])
    assert_problem(await kit.client.post("/api/v1/probe/things", json={"name": "ada"}), 404, "not_found")
    paths = (await kit.client.get("/schema/openapi.json")).json()["paths"]
    assert not [p for p in paths if p.startswith("/api/v1/probe")]


@ONE_ENGINE
async def test_request_id_is_echoed(kit):
    r = await kit.client.get("/health", headers={"X-Request-Id": "req-from-client-42"})
    assert r.headers["x-request-id"] == "req-from-client-42"


@ONE_ENGINE
async def test_request_id_is_made_when_missing_and_on_errors(kit):
    r = await kit.client.get("/api/v1/nothing")
    assert r.headers["x-request-id"].startswith("req_")
    r = await kit.client.post("/api/v1/probe/things", json={"name": "blocked"}, headers={"X-Request-Id": "abc"})
    assert r.status_code == 409 and r.headers["x-request-id"] == "abc"


# --- readiness -----------------------------------------------------------------------------


def readiness_plugin(pid: str, check: Any) -> Plugin:
    class Hooks:
        def __init__(self, context: Any) -> None:
            pass

        @hookimpl
        async def bazaar_collect_readiness_checks(self) -> list[ReadinessCheck]:
            return check()

    return Plugin(id=pid, version="1.0.0", summary="readiness", hooks=Hooks)


@ONE_ENGINE
async def test_ready_lists_plugin_checks_and_fails_when_one_fails(bazaar_factory):
    def down() -> list[ReadinessCheck]:
        return [ReadinessCheck(name="upstream", ok=False, detail="carrier API unreachable")]

    kit = await bazaar_factory(
        plugins=["carrier", "cache"],
        extra=[readiness_plugin("carrier", down), readiness_plugin("cache", lambda: [ReadinessCheck(name="warm", ok=True)])],
    )
    r = await kit.client.get("/ready")
    body = assert_problem(r, 503, "not_ready")
    checks = {c["name"]: c for c in body["checks"]}
    assert checks["carrier:upstream"] == {"name": "carrier:upstream", "ok": False, "detail": "carrier API unreachable"}
    assert checks["cache:warm"]["ok"] is True and checks["database"]["ok"] is True
    assert [c["name"] for c in body["checks"]] == sorted(checks)
    assert "carrier:upstream: carrier API unreachable" in body["detail"]


@ONE_ENGINE
async def test_ready_with_a_raising_check_names_the_plugin(bazaar_factory):
    def broken() -> list[ReadinessCheck]:
        raise OSError("disk gone")

    kit = await bazaar_factory(plugins=["fragile"], extra=[readiness_plugin("fragile", broken)])
    body = assert_problem(await kit.client.get("/ready"), 500, "plugin_failed")
    assert body["plugin"] == "fragile" and body["hook"] == "bazaar_collect_readiness_checks"
    assert (await kit.client.get("/health")).status_code == 200
