"""A fake payment plugin: the test kit for payment integrators (and for Bazaar's own checkout tests).

It is a real plugin, registered through the same hooks as a real payments plugin, whose
provider records every call and answers as its config says. Installed under the entry
point ``testing.payments`` (never enable it in production)::

    kit = await bazaar_factory(plugins=["testing.payments"],
                               config={"testing.payments": {"start_status": "paid"}})
    provider = payment_provider(kit)            # the FakePaymentProvider of this app
    ... checkout with payment_method "testpay" ...
    assert provider.calls_of("start_payment")
    await mark_paid(kit.runtime, checkout_id)  # what a provider callback would do

Config (``[plugins."testing.payments"]``):

* ``provider_id`` — the payment provider id (``testpay``);
* ``methods`` — method ids offered at checkout (``["testpay"]``); the provider takes them all;
* ``start_status`` — what ``start_payment`` answers: ``pending`` (pay later, the unpaid
  timer runs), ``paid`` (orders are paid at once) or ``on_delivery`` (orders are ``placed``);
* ``expires_minutes`` — ``expires_at`` of a pending payment (none: the core's timeout);
* ``refund_status`` — what ``refund`` answers (``succeeded``, ``pending`` or ``failed``).

Hooks: ``bazaar_register_providers``, ``bazaar_collect_payment_methods``,
``bazaar_select_payment_provider``. Tables: none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, ClassVar, Literal

import msgspec
from msgspec import Meta

from bazaar.sdk import services
from bazaar.sdk.events import By
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.runtime import PluginContext, PluginRuntime
from bazaar.sdk.types import (
    CheckoutQuote,
    CheckoutSnapshot,
    HookContext,
    PaymentMethod,
    PaymentStart,
    RefundRequest,
    RefundResult,
)

PLUGIN_ID = "testing.payments"


class FakePaymentsConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    provider_id: Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_.-]{0,59}$")] = "testpay"
    methods: list[Annotated[str, Meta(pattern=r"^[A-Za-z0-9._-]{1,60}$")]] = msgspec.field(
        default_factory=lambda: ["testpay"]
    )
    start_status: Literal["pending", "paid", "on_delivery"] = "pending"
    expires_minutes: Annotated[int, Meta(ge=1, le=10_080)] | None = None
    refund_status: Literal["pending", "succeeded", "failed"] = "succeeded"


@dataclass(frozen=True)
class Call:
    """One call the provider received: its name and its arguments (frozen snapshots)."""

    name: str
    args: tuple[Any, ...]


class FakePaymentProvider:
    """A payment provider that records calls and answers from config (no outside world)."""

    kind: ClassVar[str] = "payment"

    def __init__(self, config: FakePaymentsConfig) -> None:
        self.id = config.provider_id
        self.config = config
        self.calls: list[Call] = []

    def calls_of(self, name: str) -> list[Call]:
        return [c for c in self.calls if c.name == name]

    async def start_payment(self, ctx: HookContext, checkout: CheckoutSnapshot) -> PaymentStart:
        self.calls.append(Call("start_payment", (checkout,)))
        minutes = self.config.expires_minutes
        return PaymentStart(
            payment_id=f"testpay_{checkout.id}",
            status=self.config.start_status,
            pay_url=f"https://pay.example.test/{checkout.id}" if self.config.start_status == "pending" else None,
            expires_at=ctx.now + timedelta(minutes=minutes) if minutes else None,
        )

    async def refund(self, ctx: HookContext, request: RefundRequest) -> RefundResult:
        self.calls.append(Call("refund", (request,)))
        return RefundResult(refund_id=f"rfd_{request.idempotency_key}", status=self.config.refund_status,
                            amount=request.amount)

    async def cancel_payment(self, ctx: HookContext, checkout: CheckoutSnapshot, reason: str) -> None:
        self.calls.append(Call("cancel_payment", (checkout, reason)))


class FakePaymentsHooks:
    """Offers the configured methods and names its provider for them."""

    def __init__(self, context: PluginContext[FakePaymentsConfig]) -> None:
        self.config: FakePaymentsConfig = context.config
        self.provider = FakePaymentProvider(self.config)

    @hookimpl
    def bazaar_register_providers(self) -> list[Any]:
        return [self.provider]

    @hookimpl
    def bazaar_collect_payment_methods(self, quote: CheckoutQuote) -> list[PaymentMethod]:
        kind: Literal["online", "on_delivery"] = "on_delivery" if self.config.start_status == "on_delivery" else "online"
        return [PaymentMethod(id=m, label=f"Test payment ({m})", provider=self.provider.id, kind=kind)
                for m in self.config.methods]

    @hookimpl
    def bazaar_select_payment_provider(self, method: str) -> str | None:
        return self.provider.id if method in self.config.methods else None


def fake_payment_plugin(plugin_id: str = PLUGIN_ID) -> Plugin:
    """A fake payments plugin under ``plugin_id`` (pass it to ``bazaar_factory(extra=[...])``)."""
    return Plugin(
        id=plugin_id,
        version="1.0.0",
        summary="Fake payment provider for tests: records calls, answers from config",
        config=FakePaymentsConfig,
        hooks=FakePaymentsHooks,
    )


#: the installed plugin (entry point ``testing.payments``)
plugin = fake_payment_plugin()


def payment_provider(kit: Any, provider_id: str = "testpay") -> FakePaymentProvider:
    """The fake provider registered in ``kit``'s app."""
    provider = kit.runtime.provider("payment", provider_id)
    assert isinstance(provider, FakePaymentProvider), f"{provider_id!r} is not a fake payment provider"
    return provider


async def mark_paid(rt: PluginRuntime, checkout_id: str, *, plugin_id: str = PLUGIN_ID) -> None:
    """Mark a checkout's unpaid orders paid, as a payment plugin does when the provider confirms."""
    by = By(kind="plugin", plugin=plugin_id)
    async with rt.unit_of_work():
        for order in await services.orders_of_checkout(rt, checkout_id):
            if order.state == "pending_payment":
                await services.transition_order(rt, order.id, "pay", by=by, reason="paid (test)")


# --- purchase helpers -------------------------------------------------------------------------

#: a valid shipping address for checkouts in tests
ADDRESS: dict[str, Any] = {
    "name": "Zhang San",
    "phone": "13812345678",
    "country": "CN",
    "region": "Zhejiang",
    "city": "Hangzhou",
    "line1": "88 Wensan Road, Building 2",
    "postcode": "310000",
}


def line(sku_id: str, quantity: int = 1, amount: int = 1999, currency: str = "CNY") -> dict[str, Any]:
    """One checkout line as the API takes it."""
    return {"sku_id": sku_id, "quantity": quantity, "unit_price": {"amount": amount, "currency": currency}}


async def checkout(kit: Any, customer: Any, lines: list[dict[str, Any]], *, method: str = "testpay",
                   key: str | None = None, address: dict[str, Any] | None = None, **extra: Any) -> Any:
    """``POST /api/v1/checkouts`` as ``customer``; returns the httpx response."""
    body = {"lines": lines, "shipping_address": address or ADDRESS, "payment_method": method, **extra}
    headers = dict(customer.headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    return await kit.client.post("/api/v1/checkouts", json=body, headers=headers)


async def purchase_counts(rt: Any, sku_ids: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    """What a purchase changes: rows of checkouts, orders, lines, history, stock movements, and each SKU's stock."""
    counts: dict[str, Any] = {}
    for table in ("checkout_checkout", "orders_order", "orders_line", "orders_transition", "inventory_movement",
                  "kernel_idempotency"):
        row = await rt.db.fetchrow(f"SELECT COUNT(*) AS n FROM {table}")
        counts[table] = int(row["n"])
    for sku_id in sku_ids:
        row = await rt.db.fetchrow("SELECT on_hand, reserved FROM catalogue_sku WHERE id = {}", sku_id)
        counts[sku_id] = (int(row["on_hand"]), int(row["reserved"])) if row else None
    return counts
