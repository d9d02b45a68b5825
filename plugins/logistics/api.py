"""Merchant and customer routes under ``/api/v1/logistics`` (thin: they call the services)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import Parameter

from bazaar.plugins.logistics import ship_by, shipments, tracking, views
from bazaar.plugins.logistics.schemas import (
    ConsentIn,
    ConsentOut,
    OrderTracking,
    ShipmentCreate,
    ShipmentOut,
    ToShip,
)
from bazaar.sdk.api import Actor, ActorDep, Cursor, Limit, Page, RuntimeDep, check_id, problems
from bazaar.sdk.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PluginVetoed,
    ProviderError,
    ValidationFailed,
)
from bazaar.sdk.money import Money

MERCHANT = {"auth": "merchant"}
USER = {"auth": "user"}
Tz = Annotated[str | None, Parameter(query="tz", max_length=60,
                                     description="IANA zone for local times (default: the marketplace's)")]


def _mid(value: str) -> str:
    return check_id(value, "mch", "merchant_id")


def _sid(value: str) -> str:
    return check_id(value, "shp", "shipment_id")


def _oid(value: str) -> str:
    return check_id(value, "ord", "order_id")


def _roles(actor: Actor) -> tuple[str, ...]:
    return (*actor.roles, "merchant") if actor.is_operator else tuple(actor.roles)


class MerchantShipmentsController(Controller):
    """What a merchant's staff do: see what to ship by when, create shipments, labels, hand-over."""

    path = "/logistics/merchants/{merchant_id:str}"

    @get("/orders-to-ship", operation_id="logistics_orders_to_ship", opt=MERCHANT,
         responses=problems(ValidationFailed))
    async def to_ship(self, rt: RuntimeDep, merchant_id: str, limit: Limit = 20, cursor: Cursor = None) -> Page[ToShip]:
        """Orders paid (or placed, COD) and not yet handed over, soonest ship-by first (late ones on top)."""
        where, args = "", []
        if cursor:
            at, _, oid = cursor.partition("|")
            try:
                key = datetime.fromisoformat(at)
            except ValueError:
                raise ValidationFailed("bad cursor", code="invalid_cursor") from None
            where, args = " AND (COALESCE(ship_by, {}) > {} OR (COALESCE(ship_by, {}) = {} AND order_id > {}))", \
                [_FAR, key, _FAR, key, oid]
        rows = await rt.db.fetch(
            "SELECT * FROM logistics_order WHERE merchant_id = {} AND state IN ('open', 'late')" + where
            + " ORDER BY COALESCE(ship_by, {}), order_id LIMIT {}",
            _mid(merchant_id), *args, _FAR, limit + 1,
        )
        items = [ToShip(order_id=r["order_id"], state=r["state"], ship_by=tracking._utc(r["ship_by"]) if r["ship_by"]
                        else None, payment_kind=r["payment_kind"], total=Money(amount=int(r["total_minor"]),
                        currency=r["currency"]), consent_to_ship_late=not await ship_by.needs_consent(rt, r),
                        started_at=tracking._utc(r["started_at"])) for r in rows[:limit]]
        last = rows[limit - 1] if len(rows) > limit else None
        nxt = f"{tracking._utc(last['ship_by'] or _FAR).isoformat()}|{last['order_id']}" if last else None
        return Page(items=items, next_cursor=nxt)

    @post("/orders/{order_id:str}/shipments", operation_id="logistics_shipment_create", opt=MERCHANT,
          responses=problems(NotFound, Conflict, ValidationFailed))
    async def create(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, order_id: str,
                     data: ShipmentCreate) -> ShipmentOut:
        """Ship lines of the order (split freely) with a carrier, in one or more parcels.

        Codes: ``logistics.lines_exceed_order``, ``logistics.order_not_shippable``,
        ``logistics.waybill_duplicate``, ``logistics.unknown_carrier``,
        ``logistics.ship_by_passed_consent_required``."""
        sid = await shipments.create(rt, _mid(merchant_id), _oid(order_id), data, actor.id)
        return await views.shipment_out(rt, await shipments.load(rt, sid), _roles(actor))

    @get("/shipments", operation_id="logistics_shipments", opt=MERCHANT, responses=problems(ValidationFailed))
    async def list_shipments(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str,
                             order_id: str | None = None) -> list[ShipmentOut]:
        """The merchant's shipments of one order (``order_id``), or the 100 most recent."""
        if order_id is not None:
            rows = await rt.db.fetch("SELECT * FROM logistics_shipment WHERE merchant_id = {} AND order_id = {} "
                                     "ORDER BY created_at", _mid(merchant_id), _oid(order_id))
        else:
            rows = await rt.db.fetch("SELECT * FROM logistics_shipment WHERE merchant_id = {} "
                                     "ORDER BY created_at DESC LIMIT 100", _mid(merchant_id))
        return [await views.shipment_out(rt, r, _roles(actor)) for r in rows]

    @get("/shipments/{shipment_id:str}", operation_id="logistics_shipment", opt=MERCHANT,
         responses=problems(NotFound, ValidationFailed))
    async def shipment(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, shipment_id: str) -> ShipmentOut:
        """One shipment with its parcels, tracking events, ``allowed_actions`` and ``deadlines``."""
        row = await shipments.load(rt, _sid(shipment_id), merchant_id=_mid(merchant_id))
        return await views.shipment_out(rt, row, _roles(actor), events=True)

    @post("/shipments/{shipment_id:str}/labels", operation_id="logistics_shipment_labels", status_code=200,
          opt=MERCHANT, responses=problems(NotFound, Conflict, ProviderError, ValidationFailed))
    async def labels(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, shipment_id: str) -> ShipmentOut:
        """Book a waybill and label for every parcel without one (idempotent: a repeat books nothing new)."""
        await shipments.buy_labels(rt, _mid(merchant_id), _sid(shipment_id), actor.id)
        row = await shipments.load(rt, shipment_id, merchant_id=merchant_id)
        return await views.shipment_out(rt, row, _roles(actor))

    @get("/shipments/{shipment_id:str}/parcels/{parcel_id:str}/label", operation_id="logistics_parcel_label",
         opt=MERCHANT, responses=problems(NotFound, ValidationFailed))
    async def label(self, rt: RuntimeDep, merchant_id: str, shipment_id: str, parcel_id: str) -> Response[bytes]:
        """The printable label (PDF, Code 128 barcode of the waybill, masked recipient)."""
        data, content_type, name = await shipments.label(rt, _mid(merchant_id), _sid(shipment_id),
                                                         check_id(parcel_id, "pcl", "parcel_id"))
        return Response(content=data, media_type=content_type, headers={
            "Content-Disposition": f'inline; filename="{name}"', "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store"})

    @post("/shipments/{shipment_id:str}/pack", operation_id="logistics_shipment_pack", status_code=200,
          opt=MERCHANT, responses=problems(NotFound, InvalidTransition, ValidationFailed))
    async def pack(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, shipment_id: str) -> ShipmentOut:
        """The parcels are packed and waiting for the courier."""
        await shipments.pack(rt, _mid(merchant_id), _sid(shipment_id), actor.id)
        return await views.shipment_out(rt, await shipments.load(rt, shipment_id), _roles(actor))

    @post("/shipments/{shipment_id:str}/hand-over", operation_id="logistics_shipment_hand_over", status_code=200,
          opt=MERCHANT, responses=problems(NotFound, Conflict, InvalidTransition, PluginVetoed, ValidationFailed))
    async def hand_over(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, shipment_id: str) -> ShipmentOut:
        """The parcels left with the courier. Until the carrier scans them this counts from the later
        of the waybill and this click; the first scan then replaces it."""
        await shipments.hand_over_click(rt, _mid(merchant_id), _sid(shipment_id), actor.id)
        return await views.shipment_out(rt, await shipments.load(rt, shipment_id), _roles(actor))

    @post("/shipments/{shipment_id:str}/cancel", operation_id="logistics_shipment_cancel", status_code=200,
          opt=MERCHANT, responses=problems(NotFound, InvalidTransition, ValidationFailed))
    async def cancel(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, shipment_id: str) -> ShipmentOut:
        """Cancel a shipment before hand-over (its waybills are cancelled at the carrier)."""
        await shipments.cancel(rt, _sid(shipment_id), actor.id, merchant_id=_mid(merchant_id))
        return await views.shipment_out(rt, await shipments.load(rt, shipment_id), _roles(actor))


class CustomerTrackingController(Controller):
    """What a buyer sees and does: every parcel of an order, consents, cancelling a late order."""

    path = "/logistics/orders/{order_id:str}"

    @get("/tracking", operation_id="logistics_order_tracking", opt=USER, responses=problems(NotFound, ValidationFailed))
    async def tracking(self, rt: RuntimeDep, actor: ActorDep, order_id: str, tz: Tz = None) -> OrderTracking:
        """Every shipment and parcel of your order with normalised events, times in your zone."""
        return await views.order_tracking(rt, _oid(order_id), actor.user_id or "", views.zone(rt, tz))

    @post("/consents", operation_id="logistics_order_consent", opt=USER, responses=problems(NotFound, ValidationFailed))
    async def consent(self, rt: RuntimeDep, actor: ActorDep, order_id: str, data: ConsentIn) -> ConsentOut:
        """Consent to shipping after the deadline (``ship_late``) or to a locker drop (``locker``); kept with its time."""
        row = await ship_by.give_consent(rt, _oid(order_id), actor.user_id or "", data.kind, data.note)
        return ConsentOut(id=row["id"], order_id=row["order_id"], kind=row["kind"], given_at=tracking._utc(row["given_at"]))

    @post("/cancel-late", operation_id="logistics_order_cancel_late", status_code=200, opt=USER,
          responses=problems(NotFound, Conflict, InvalidTransition, PluginVetoed, ProviderError, ValidationFailed))
    async def cancel_late(self, rt: RuntimeDep, actor: ActorDep, order_id: str, tz: Tz = None) -> OrderTracking:
        """Cancel your order that was not shipped by its ship-by deadline: a full refund (``logistics.not_late``
        before the deadline)."""
        await ship_by.cancel_late(rt, _oid(order_id), actor.user_id or "")
        return await views.order_tracking(rt, order_id, actor.user_id or "", views.zone(rt, tz))


#: sorts orders without a ship-by last
_FAR = datetime(9999, 12, 31, tzinfo=UTC)
