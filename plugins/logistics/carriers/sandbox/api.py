"""The sandbox carrier's page and its routes under ``/api/v1/logistics/sandbox``.

The page is public (it holds no data); every route that reads or drives a parcel needs an
operator (the courier's handheld, in a test deployment).
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Response, get, post
from litestar.params import Parameter

from bazaar.plugins.logistics import contract
from bazaar.plugins.logistics.carriers.sandbox.books import Books
from bazaar.plugins.logistics.carriers.sandbox.pushes import deliver
from bazaar.sdk.api import RuntimeDep, problems
from bazaar.sdk.errors import Conflict, NotFound, ProviderError, ValidationFailed
from bazaar.sdk.runtime import PluginRuntime

PAGE = (Path(__file__).parent / "page.html").read_text(encoding="utf-8")
OPERATOR = {"auth": "operator"}
Waybill = Annotated[str, Parameter(min_length=1, max_length=40)]


class ScanIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Optional details of a scan: when (to test reordering) and where."""

    at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None
    location: Annotated[str, msgspec.Meta(max_length=100)] | None = None


def _books(rt: PluginRuntime) -> Books:
    return contract.provider(rt, "carrier", "sandbox").books


class SandboxCarrierController(Controller):
    path = "/logistics/sandbox"

    @get("/", operation_id="logistics_sandbox_page", opt={"auth": "public"}, media_type=MediaType.HTML)
    async def page(self, waybill: str = "") -> Response[str]:
        """The courier's page: load a waybill, press a scan."""
        return Response(PAGE.replace("{{waybill}}", html.escape(waybill[:40])), media_type=MediaType.HTML)

    @get("/parcels/{waybill:str}", operation_id="logistics_sandbox_parcel", opt=OPERATOR, responses=problems(NotFound))
    async def parcel(self, rt: RuntimeDep, waybill: Waybill) -> dict[str, Any]:
        """The parcel as the sandbox carrier sees it, with the scans it can take now."""
        return await _books(rt).view(waybill)

    @post("/parcels/{waybill:str}/{action:str}", operation_id="logistics_sandbox_scan", status_code=200,
          opt=OPERATOR, responses=problems(NotFound, Conflict, ValidationFailed))
    async def scan(self, rt: RuntimeDep, waybill: Waybill, action: str, data: ScanIn | None = None) -> dict[str, Any]:
        """A courier's scan: ``pickup``, ``transit``, ``out_for_delivery``, ``attempt_failed``, ``sign_self``,
        ``sign_proxy``, ``locker_consent``, ``locker``, ``refuse``, ``lose``, ``return_to_sender``,
        ``returned``, ``intercept_ok``, ``intercept_fail``; the push follows (switches permitting)."""
        return await _books(rt).scan(waybill, action[:30], at=data.at if data else None,
                                     location=data.location if data else None)

    @get("/pushes", operation_id="logistics_sandbox_pushes", opt=OPERATOR)
    async def pushes(self, rt: RuntimeDep) -> list[dict[str, Any]]:
        """Every push the sandbox queued or sent (bodies as sent, for replay tests)."""
        return await rt.db.fetch(
            "SELECT id, seq, waybill, body, deliver_at, delivered, last_status FROM logistics_sandbox_push ORDER BY seq"
        )

    @post("/pushes/flush", operation_id="logistics_sandbox_flush", status_code=200, opt=OPERATOR,
          responses=problems(ProviderError))
    async def flush(self, rt: RuntimeDep) -> dict[str, int]:
        """Send every held push now (``hold = true``), in the configured order."""
        return {"sent": await deliver(rt, "logistics", everything=True)}


ROUTES = (SandboxCarrierController,)
