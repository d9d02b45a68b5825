"""Orders API: customers see, cancel and confirm their orders; merchants list and ship; operators see all."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get, post
from litestar.params import JSONBody, Parameter

from bazaar.core.auth.guard import ActorDep
from bazaar.core.kernel.http import Cursor, Limit, Page, check_id, problems
from bazaar.core.kernel.runtime import RuntimeDep
from bazaar.core.orders import service
from bazaar.core.orders.schemas import (
    AdminOrderCancel,
    OrderCancel,
    OrderOut,
    OrderShip,
    OrderSummary,
)
from bazaar.sdk.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    PluginVetoed,
    ProviderError,
    ValidationFailed,
)

State = Parameter(query="state", default=None, max_length=40, description="only orders in this state")


class OrdersController(Controller):
    path = "/orders"
    tags = ["orders"]

    @get("/", operation_id="orders_list", opt={"auth": "user"}, responses=problems(ValidationFailed))
    async def list_orders(self, rt: RuntimeDep, actor: ActorDep, order_state: str | None = State, limit: Limit = 20,
                          cursor: Cursor = None) -> Page[OrderSummary]:
        """Your orders, newest first (filter by ``state``; keyset ``cursor``)."""
        items, nxt = await service.list_orders(rt, "customer", customer_id=actor.user_id, state=order_state, limit=limit, cursor=cursor)
        return Page(items=items, next_cursor=nxt)

    @get("/{order_id:str}", operation_id="orders_get", opt={"auth": "user"}, responses=problems(NotFound, ValidationFailed))
    async def get_order(self, rt: RuntimeDep, actor: ActorDep, order_id: str) -> OrderOut:
        """One of your orders: lines, totals, state, history and the shipping address in full."""
        return await service.read_for_customer(rt, check_id(order_id, "ord", "order_id"), actor)

    @post("/{order_id:str}/cancel", operation_id="orders_cancel", status_code=200, opt={"auth": "user"},
          responses=problems(NotFound, InvalidTransition, PluginVetoed, ProviderError, ValidationFailed))
    async def cancel(self, rt: RuntimeDep, actor: ActorDep, order_id: str, data: JSONBody[OrderCancel]) -> OrderOut:
        """Cancel your order before it ships: its stock is released and, if paid, it is refunded.

        The ``order.cancelled`` event says ``cancel_reason: customer_request``.
        """
        return await service.cancel_by_customer(rt, check_id(order_id, "ord", "order_id"), actor, data.reason.strip())

    @post("/{order_id:str}/confirm-receipt", operation_id="orders_confirm_receipt", status_code=200,
          opt={"auth": "user"}, responses=problems(NotFound, InvalidTransition, PluginVetoed, ValidationFailed))
    async def confirm_receipt(self, rt: RuntimeDep, actor: ActorDep, order_id: str) -> OrderOut:
        """Confirm you received a shipped or delivered order: it completes."""
        return await service.confirm_receipt(rt, check_id(order_id, "ord", "order_id"), actor)


class MerchantOrdersController(Controller):
    path = "/merchants/{merchant_id:str}/orders"
    tags = ["orders"]

    @get("/", operation_id="merchant_orders_list", opt={"auth": "merchant"},
         responses=problems(PermissionDenied, ValidationFailed))
    async def list_orders(self, rt: RuntimeDep, merchant_id: str, order_state: str | None = State,
                          created_from: datetime | None = None, created_to: datetime | None = None,
                          limit: Limit = 20, cursor: Cursor = None) -> Page[OrderSummary]:
        """This merchant's orders, newest first; filters ``state`` and ``created_from`` / ``created_to`` (exclusive)."""
        items, nxt = await service.list_orders(
            rt, "merchant", merchant_id=check_id(merchant_id, "mch", "merchant_id"), state=order_state, created_from=created_from,
            created_to=created_to, limit=limit, cursor=cursor,
        )
        return Page(items=items, next_cursor=nxt)

    @get("/{order_id:str}", operation_id="merchant_orders_get", opt={"auth": "merchant"},
         responses=problems(NotFound, PermissionDenied, ValidationFailed))
    async def get_order(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, order_id: str) -> OrderOut:
        """One of this merchant's orders; the shipping address is full only while it is to ship or in transit."""
        return await service.read_for_merchant(
            rt, check_id(merchant_id, "mch", "merchant_id"), check_id(order_id, "ord", "order_id"), actor
        )

    @post("/{order_id:str}/ship", operation_id="merchant_orders_ship", status_code=200, opt={"auth": "merchant"},
          responses=problems(NotFound, PermissionDenied, InvalidTransition, PluginVetoed, ValidationFailed))
    async def ship(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, order_id: str,
                   data: JSONBody[OrderShip]) -> OrderOut:
        """Ship a paid (or pay-on-delivery) order with carrier and tracking number; its stock is committed."""
        return await service.ship_by_merchant(
            rt, check_id(merchant_id, "mch", "merchant_id"), check_id(order_id, "ord", "order_id"),
            carrier=data.carrier, tracking_number=data.tracking_number, actor=actor,
        )

    @post("/{order_id:str}/cancel", operation_id="merchant_orders_cancel", status_code=200, opt={"auth": "merchant"},
          responses=problems(NotFound, PermissionDenied, InvalidTransition, PluginVetoed, ProviderError,
                             ValidationFailed))
    async def cancel(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, order_id: str,
                     data: JSONBody[OrderCancel]) -> OrderOut:
        """Cancel one of this merchant's orders before it ships (out of stock, cannot serve the address).

        Stock is released and a paid order refunded. The ``order.cancelled`` event says
        ``cancel_reason: merchant_request``, which the credit rating counts against the merchant.
        """
        return await service.cancel_by_merchant(
            rt, check_id(merchant_id, "mch", "merchant_id"), check_id(order_id, "ord", "order_id"), actor,
            data.reason.strip(),
        )


class AdminOrdersController(Controller):
    path = "/admin/orders"
    tags = ["admin"]

    @get("/", operation_id="admin_orders_list", opt={"auth": "operator"}, responses=problems(ValidationFailed))
    async def list_orders(self, rt: RuntimeDep, order_state: str | None = State, merchant_id: str | None = None,
                          customer_id: str | None = None, created_from: datetime | None = None,
                          created_to: datetime | None = None, limit: Limit = 20,
                          cursor: Cursor = None) -> Page[OrderSummary]:
        """Every order, newest first; filters ``state``, ``merchant_id``, ``customer_id``, creation range."""
        items, nxt = await service.list_orders(
            rt,
            "operator",
            merchant_id=check_id(merchant_id, "mch", "merchant_id") if merchant_id is not None else None,
            customer_id=check_id(customer_id, "usr", "customer_id") if customer_id is not None else None,
            state=order_state, created_from=created_from, created_to=created_to, limit=limit, cursor=cursor,
        )
        return Page(items=items, next_cursor=nxt)

    @get("/{order_id:str}", operation_id="admin_orders_get", opt={"auth": "operator"},
         responses=problems(NotFound, ValidationFailed))
    async def get_order(self, rt: RuntimeDep, actor: ActorDep, order_id: str) -> OrderOut:
        """Any order with its full history (the address is masked without the ``pii`` right)."""
        return await service.read(rt, check_id(order_id, "ord", "order_id"), "operator", actor)

    @post("/{order_id:str}/cancel", operation_id="admin_orders_cancel", status_code=200, opt={"auth": "operator"},
          responses=problems(NotFound, InvalidTransition, PluginVetoed, ProviderError, ValidationFailed))
    async def cancel(self, rt: RuntimeDep, actor: ActorDep, order_id: str, data: JSONBody[AdminOrderCancel]) -> OrderOut:
        """Cancel any order before it ships; ``cancel_reason`` says why (default ``operator_action``).

        Stock is released and a paid order refunded; ``order.cancelled`` carries the operator as
        ``by`` and the given ``cancel_reason``.
        """
        return await service.cancel_by_operator(rt, check_id(order_id, "ord", "order_id"), actor,
                                                data.reason.strip(), data.cancel_reason)
