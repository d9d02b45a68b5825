"""Checkout API: payment methods for a basket, place a checkout, read it back."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody, Parameter

from bazaar.core.auth.guard import ActorDep
from bazaar.core.checkout import service
from bazaar.core.checkout.schemas import CheckoutCreate, CheckoutOut, PaymentMethodsOut
from bazaar.core.kernel.http import idempotency_key, problems
from bazaar.core.kernel.runtime import RuntimeDep
from bazaar.sdk.errors import (
    Conflict,
    NotFound,
    PluginFailed,
    PluginVetoed,
    ProviderError,
    ValidationFailed,
)
from bazaar.sdk.types import Acknowledgement

Lines = Annotated[str, Parameter(min_length=1, max_length=4000, description="sku_id:quantity,... e.g. sku_X:2,sku_Y:1")]
Country = Annotated[str | None, Parameter(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 destination")]
Region = Annotated[str | None, Parameter(max_length=100, description="destination region / province")]


class PaymentMethodsController(Controller):
    path = "/checkout"
    tags = ["checkout"]

    @get("/payment-methods", operation_id="checkout_payment_methods", opt={"auth": "public"},
         responses=problems(ValidationFailed, Conflict, service.DuplicatePaymentMethod))
    async def payment_methods(self, rt: RuntimeDep, actor: ActorDep, lines: Lines, country: Country = None,
                              region: Region = None) -> PaymentMethodsOut:
        """Payment methods offered for these lines (at current prices) and destination, sorted by id."""
        items, subtotal = await service.payment_methods(rt, actor, lines, country, region)
        return PaymentMethodsOut(items=items, subtotal=subtotal)

    @get("/acknowledgements", operation_id="checkout_acknowledgements", opt={"auth": "public"},
         responses=problems(ValidationFailed, Conflict))
    async def acknowledgements(self, rt: RuntimeDep, actor: ActorDep, lines: Lines, country: Country = None,
                               region: Region = None) -> list[Acknowledgement]:
        """What the buyer must tick to check out these lines (send the ids as ``acknowledgements``)."""
        return await service.acknowledgements_for(rt, actor, lines, country, region)


class CheckoutsController(Controller):
    path = "/checkouts"
    tags = ["checkout"]

    @post("/", operation_id="checkout_create", opt={"auth": "user"},
          responses=problems(ValidationFailed, Conflict, PluginVetoed, PluginFailed, ProviderError))
    async def create(self, rt: RuntimeDep, actor: ActorDep, data: JSONBody[CheckoutCreate],
                     request: Request[Any, Any, Any]) -> Response[CheckoutOut]:
        """Buy: check lines and prices, reserve stock, one order per merchant, start the payment.

        Send an ``Idempotency-Key`` header to retry safely: the same key and body answer the
        first result (``Idempotent-Replayed: true``) and create nothing; the same key with
        another body is ``422 idempotency_key_reused``. Errors: ``422`` line problems (each
        field listed), ``409 price_changed``, ``409 insufficient_stock``,
        ``422 unknown_payment_method``, ``422 acknowledgement_required`` (field
        ``acknowledgements``), ``409 plugin_vetoed``.
        """
        out, replayed = await service.create(rt, actor, data, idempotency_key(request.headers))
        return Response(out, status_code=201, headers={"Idempotent-Replayed": "true"} if replayed else None)

    @get("/{checkout_id:str}", operation_id="checkout_get", opt={"auth": "user"},
         responses=problems(NotFound, ValidationFailed))
    async def get_checkout(self, rt: RuntimeDep, actor: ActorDep, checkout_id: str) -> CheckoutOut:
        """One of your checkouts: status, totals, orders and payment."""
        return await service.read_for_customer(rt, checkout_id, actor)
