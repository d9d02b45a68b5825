"""Fuzz the whole API (``tox -e fuzz``): schemathesis against a real ``bazaar serve --demo``.

Every operation in ``/schema/openapi.json`` is called with generated input, as each role
(anonymous, customer, merchant owner, operator), with path parameters drawn half the time
from real ids of the demo data (so routes are exercised past their 404s). Checks: no 5xx,
and every documented response matches its schema. Bounded: ``BAZAAR_FUZZ_EXAMPLES``
examples per operation and role (default 8). The run writes its totals to
``fuzz-report.json`` (operations, requests, 5xx).
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

EXAMPLES = int(os.environ.get("BAZAAR_FUZZ_EXAMPLES", "8"))
ROLES = ("anonymous", "customer", "merchant", "operator")
STATS: Counter[str] = Counter()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``bazaar serve --demo`` in a temporary directory, with tokens per role and real ids."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="bazaar-fuzz-")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("BAZAAR_")}
        self.log = open(Path(self.dir) / "server.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bazaar.core.cli", "serve", "--demo", "--port", str(self.port)],
            cwd=self.dir, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("the demo server exited; see " + self.log.name)
            time.sleep(0.5)
        else:
            raise RuntimeError("the demo server did not become ready")
        logins = json.loads((Path(self.dir) / "bazaar-demo.json").read_text())["logins"]
        self.headers: dict[str, dict[str, str]] = {"anonymous": {}}
        for role, key in (("customer", "customer"), ("merchant", "merchant"), ("operator", "operator")):
            r = httpx.post(self.url + "/api/v1/auth/login", json={"email": logins[key]["email"],
                                                                   "password": logins[key]["password"]})
            r.raise_for_status()
            self.headers[role] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        self.ids = self._real_ids()

    def _real_ids(self) -> dict[str, list[str]]:
        """Ids a path parameter may take, by parameter name."""
        get = lambda path, role="operator": httpx.get(self.url + path, headers=self.headers[role]).json()  # noqa: E731
        products = get("/api/v1/products?limit=20")["items"]
        me = get("/api/v1/me", "merchant")
        merchants = sorted(m["id"] for m in me.get("merchants", []))
        ids: dict[str, list[str]] = {
            "product_id": [p["id"] for p in products],
            "merchant_id": merchants,
            "user_id": [me["id"]],
        }
        orders = get("/api/v1/orders", "customer")
        ids["order_id"] = [o["id"] for o in (orders.get("items", []) if isinstance(orders, dict) else orders)]
        return {k: v for k, v in ids.items() if v}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


SERVER = Server()
schema = schemathesis.openapi.from_url(SERVER.url + "/schema/openapi.json")


@pytest.fixture(scope="session", autouse=True)
def _report() -> Any:
    yield
    SERVER.stop()
    report = {"operations": len(STATS) and len({k.split(" ", 2)[2] for k in STATS if k.startswith("op ")}),
              "requests": STATS["requests"], "server_errors": STATS["5xx"], "examples_per_role": EXAMPLES}
    Path("fuzz-report.json").write_text(json.dumps(report, indent=2))
    print("\nfuzz:", json.dumps(report))


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api(case: Any, role: str) -> None:
    rng = random.Random(hash((case.operation.label, role, str(case.path_parameters))))
    for name in list(case.path_parameters or {}):
        if name in SERVER.ids and rng.random() < 0.5:
            case.path_parameters[name] = rng.choice(SERVER.ids[name])
    headers = dict(SERVER.headers[role])
    response = case.call(base_url=SERVER.url, headers=headers)
    STATS["requests"] += 1
    STATS[f"op {role} {case.operation.label}"] += 1
    if response.status_code >= 500:
        STATS["5xx"] += 1
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance], headers=headers)
