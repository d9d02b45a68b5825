"""Operator routes under ``/api/v1/logistics/admin`` and the public carrier-facing routes.

Operator routes use ``auth: operator`` today; the right each will need under issue 12 is
named in its docstring (``logistics.handle``, ``logistics.read``).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from bazaar.plugins.logistics import (
    carriers,
    claims,
    fake,
    policy,
    progress,
    shipments,
    tracking,
    views,
)
from bazaar.plugins.logistics.schemas import (
    CarrierOut,
    ClaimResolve,
    FlagResolve,
    LostIn,
    ProofIn,
    ShipmentOut,
    UnknownResolve,
)
from bazaar.sdk.api import ActorDep, Limit, RuntimeDep, check_id, problems
from bazaar.sdk.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    ProviderError,
    Unauthorized,
    ValidationFailed,
)

OPERATOR = {"auth": "operator"}
PUBLIC = {"auth": "public"}
State = Annotated[str | None, Parameter(query="state", max_length=20)]
OPERATOR_ROLES = ("operator",)


def _rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (tracking._utc(v).isoformat() if k.endswith("_at") and v is not None and k != "ship_by" else v)
             for k, v in r.items()} for r in rows]


class LogisticsAdminController(Controller):
    """Operators: late shipments, fake-shipment flags, unknown waybills, claims, manual proofs."""

    path = "/logistics/admin"

    @get("/late-shipments", operation_id="logistics_admin_late", opt=OPERATOR)
    async def late(self, rt: RuntimeDep, limit: Limit = 50) -> list[dict[str, Any]]:
        """Orders past their ship-by and not handed over, oldest breach first (right ``logistics.read``)."""
        return _rows(await rt.db.fetch(
            "SELECT order_id, merchant_id, ship_by, breached_at, payment_kind FROM logistics_order WHERE state = 'late' "
            "ORDER BY breached_at, order_id LIMIT {}", limit))

    @get("/fake-flags", operation_id="logistics_admin_fake_flags", opt=OPERATOR)
    async def flags(self, rt: RuntimeDep, flag_state: State = "open", limit: Limit = 50) -> list[dict[str, Any]]:
        """Waybills without a carrier scan in time (right ``logistics.read``)."""
        return _rows(await rt.db.fetch("SELECT * FROM logistics_fake_flag WHERE state = {} ORDER BY flagged_at LIMIT {}",
                                       flag_state or "open", limit))

    @post("/fake-flags/{flag_id:str}/resolve", operation_id="logistics_admin_fake_flag_resolve", status_code=200,
          opt=OPERATOR, responses=problems(NotFound, InvalidTransition, ValidationFailed))
    async def resolve_flag(self, rt: RuntimeDep, actor: ActorDep, flag_id: str, data: FlagResolve) -> dict[str, Any]:
        """Confirm a fake shipment or clear the flag, with a note (right ``logistics.handle``; audited)."""
        return _rows([await fake.resolve(rt, check_id(flag_id, "flg", "flag_id"), data.outcome, data.note, actor.id)])[0]

    @get("/unknown-waybills", operation_id="logistics_admin_unknown", opt=OPERATOR)
    async def unknown(self, rt: RuntimeDep, limit: Limit = 50) -> list[dict[str, Any]]:
        """Waybills that pushes named but no parcel has, with their scans kept (right ``logistics.read``)."""
        rows = await rt.db.fetch("SELECT * FROM logistics_unknown_waybill WHERE resolved_at IS NULL "
                                 "ORDER BY first_seen_at LIMIT {}", limit)
        for row in rows:
            row["scans"] = _rows(await tracking.scans_of(rt, row["carrier"], row["waybill"]))
        return _rows(rows)

    @post("/unknown-waybills/{waybill_key:str}/resolve", operation_id="logistics_admin_unknown_resolve",
          status_code=200, opt=OPERATOR, responses=problems(NotFound, ValidationFailed))
    async def resolve_unknown(self, rt: RuntimeDep, actor: ActorDep, waybill_key: str,
                              data: UnknownResolve) -> dict[str, Any]:
        """Close an unknown waybill (``CARRIER:WAYBILL``) with a note (right ``logistics.handle``; audited)."""
        async with rt.unit_of_work():
            rows = await rt.db.execute(
                "UPDATE logistics_unknown_waybill SET resolved_at = {}, resolution = {} WHERE id = {} "
                "AND resolved_at IS NULL RETURNING id",
                rt.clock.now(), data.note, waybill_key[:90])
            if not rows:
                raise NotFound("no open unknown waybill", code="logistics.unknown_waybill_not_found")
            await shipments._action(rt, waybill_key[:90], "unknown_resolved", actor.id, {"note": data.note})
        return {"id": waybill_key[:90], "resolved": True}

    @get("/claims", operation_id="logistics_admin_claims", opt=OPERATOR)
    async def claims_list(self, rt: RuntimeDep, claim_state: State = None, limit: Limit = 50) -> list[dict[str, Any]]:
        """Carrier claims for lost or damaged parcels, by due date (right ``logistics.read``)."""
        if claim_state:
            rows = await rt.db.fetch("SELECT * FROM logistics_claim WHERE state = {} ORDER BY due_at, id LIMIT {}",
                                     claim_state, limit)
        else:
            rows = await rt.db.fetch("SELECT * FROM logistics_claim ORDER BY opened_at DESC LIMIT {}", limit)
        return _rows(rows)

    @post("/claims/{claim_id:str}/resolve", operation_id="logistics_admin_claim_resolve", status_code=200,
          opt=OPERATOR, responses=problems(NotFound, InvalidTransition, ValidationFailed))
    async def resolve_claim(self, rt: RuntimeDep, actor: ActorDep, claim_id: str, data: ClaimResolve) -> dict[str, Any]:
        """Record the carrier's answer to a claim (right ``logistics.handle``; audited)."""
        return _rows([await claims.resolve(rt, check_id(claim_id, "clm", "claim_id"), data.outcome, data.note,
                                           actor.id)])[0]

    @get("/shipments/{shipment_id:str}", operation_id="logistics_admin_shipment", opt=OPERATOR,
         responses=problems(NotFound, ValidationFailed))
    async def shipment(self, rt: RuntimeDep, shipment_id: str) -> ShipmentOut:
        """Any shipment with its events (right ``logistics.read``)."""
        row = await shipments.load(rt, check_id(shipment_id, "shp", "shipment_id"))
        return await views.shipment_out(rt, row, OPERATOR_ROLES, events=True)

    @post("/shipments/{shipment_id:str}/lost", operation_id="logistics_admin_parcel_lost", status_code=200,
          opt=OPERATOR, responses=problems(NotFound, Conflict, ProviderError, ValidationFailed))
    async def lost(self, rt: RuntimeDep, actor: ActorDep, shipment_id: str, data: LostIn) -> dict[str, Any]:
        """Declare a parcel lost or damaged: the buyer is refunded first, a carrier claim opens (right
        ``logistics.handle``)."""
        claim_id = await claims.declare_lost(rt, check_id(shipment_id, "shp", "shipment_id"),
                                             check_id(data.parcel_id, "pcl", "parcel_id"), data.reason, data.note,
                                             actor.id)
        return _rows([await rt.db.fetchrow("SELECT * FROM logistics_claim WHERE id = {}", claim_id)])[0]  # type: ignore[list-item]

    @post("/shipments/{shipment_id:str}/delivery-proofs", operation_id="logistics_admin_delivery_proof",
          status_code=200, opt=OPERATOR, responses=problems(NotFound, InvalidTransition, ValidationFailed))
    async def proof(self, rt: RuntimeDep, actor: ActorDep, shipment_id: str, data: ProofIn) -> ShipmentOut:
        """Record a delivery by hand (``operator_manual``), with a note (right ``logistics.handle``; audited)."""
        sid = check_id(shipment_id, "shp", "shipment_id")
        await progress.manual_proof(rt, sid, data.at, data.note, actor.id)
        return await views.shipment_out(rt, await shipments.load(rt, sid), OPERATOR_ROLES)

    @get("/pushes", operation_id="logistics_admin_pushes", opt=OPERATOR)
    async def pushes(self, rt: RuntimeDep, limit: Limit = 50) -> list[dict[str, Any]]:
        """The raw push log, newest first (right ``logistics.read``)."""
        return _rows(await rt.db.fetch("SELECT * FROM logistics_push ORDER BY received_at DESC, id DESC LIMIT {}",
                                       limit))

    @get("/policy", operation_id="logistics_admin_policy", opt=OPERATOR)
    async def policy_in_force(self, rt: RuntimeDep) -> dict[str, Any]:
        """The logistics policy values in force, with origin and source."""
        return policy.explain(policy.RULES, rt.plugin_config("logistics"))


class CarrierController(Controller):
    """The carrier list, and where carriers push tracking."""

    path = "/logistics"

    @get("/carriers", operation_id="logistics_carriers", opt=PUBLIC)
    async def carriers_list(self, rt: RuntimeDep) -> list[CarrierOut]:
        """Carriers of this marketplace: code, name, provider, COD support, whether labels can be bought."""
        return [CarrierOut(code=c.code, name=c.name, provider=c.provider, cod_supported=c.cod_supported,
                           books_labels=c.provider != "kuaidi100")
                for c in carriers.carrier_list(rt.plugin_config("logistics")).values()]

    @post("/tracking/push/{provider:str}", operation_id="logistics_tracking_push", status_code=200, opt=PUBLIC,
          responses=problems(NotFound, Unauthorized, ValidationFailed))
    async def push(self, rt: RuntimeDep, request: Request[Any, Any, Any], provider: str) -> Response[bytes]:
        """A carrier's tracking push (signature checked; raw kept; duplicates and replays are no-ops).
        Codes: ``logistics.bad_signature``, ``logistics.stale_push``, ``logistics.malformed_push``."""
        reply, content_type = await tracking.receive_push(rt, provider, request.headers, await request.body())
        return Response(content=reply, media_type=content_type)
