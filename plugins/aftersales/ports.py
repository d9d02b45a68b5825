"""Everything the after-sales plugin asks of others, in one place: the core's order facades, the
order's payment provider (refund, compensate), the logistics fulfilment provider, and the
personal-data cipher. Nothing else in the plugin reaches outside it.
"""

from __future__ import annotations

import logging
from typing import Any

from bazaar.sdk import services
from bazaar.sdk.errors import BazaarError, ProviderError
from bazaar.sdk.events import By
from bazaar.sdk.money import Money
from bazaar.sdk.providers import FulfilmentProvider, PaymentProvider
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.types import CompensationRequest, OrderSnapshot, RefundRequest, RefundResult

log = logging.getLogger("bazaar.aftersales")

PLUGIN = "aftersales"
BY = By(kind="plugin", plugin=PLUGIN)


async def order(rt: PluginRuntime, order_id: str) -> OrderSnapshot:
    """The order in full (lines, amounts, promotions, acknowledgements, times); ``404`` when unknown."""
    return await services.order_snapshot(rt, order_id)


async def set_open(rt: PluginRuntime, order_id: str, open: bool, case_id: str) -> None:
    """Raise or clear the order's after-sales flag (payments pause auto-confirm and release on it)."""
    await services.set_aftersales_open(rt, order_id, open, plugin=PLUGIN, case_id=case_id)


async def cancel_order(rt: PluginRuntime, order_id: str, reason: str) -> OrderSnapshot:
    """Cancel an order not shipped yet: the core refunds it in full and releases its stock."""
    return await services.transition_order(rt, order_id, "cancel", by=BY, reason=reason,
                                           cancel_reason="customer_request")


async def restock(rt: PluginRuntime, sku_id: str, quantity: int, case_id: str) -> None:
    """Put resellable returned units back in stock, through the core."""
    await services.restock(rt, sku_id, quantity, ref=case_id, reason="return received")


async def is_staff(rt: PluginRuntime, merchant_id: str, user_id: str) -> bool:
    return await services.is_merchant_staff(rt, merchant_id, user_id)


def seal(rt: PluginRuntime, text: str | None) -> str | None:
    """Encrypt personal data at rest (return addresses)."""
    return services.cipher(rt).encrypt(text)


def unseal(rt: PluginRuntime, stored: str | None) -> str | None:
    return services.cipher(rt).decrypt(stored)


def _payment(rt: PluginRuntime, snap: OrderSnapshot) -> PaymentProvider:
    if not snap.payment_provider:
        raise ProviderError("the order has no payment provider to refund through", code="aftersales.no_payment_provider")
    return rt.provider("payment", snap.payment_provider)  # type: ignore[no-any-return]


async def _call(what: str, provider: str | None, call: Any) -> RefundResult:
    try:
        result = await call
    except BazaarError:
        raise
    except Exception as exc:  # a provider bug must not become a 500 with a half-done case
        log.exception("payment provider %s failed to %s", provider, what)
        raise ProviderError(f"payment provider {provider!r} failed to {what}", code="aftersales.provider_failed") from exc
    if result.status == "failed":
        raise ProviderError(f"payment provider {provider!r} refused to {what}", code="aftersales.provider_refused")
    return result  # type: ignore[no-any-return]


async def refund(rt: PluginRuntime, snap: OrderSnapshot, amount: Money, *, reason: str, key: str,
                 lines: tuple[tuple[str, int], ...], actor_id: str | None) -> RefundResult:
    """Refund through the order's payment provider (idempotent by ``key``); it decides the source
    (the escrow hold before release, the merchant's balance then debt after)."""
    ctx = rt.context(actor_id=actor_id)
    request = RefundRequest(order=snap, amount=amount, reason=reason, idempotency_key=key, lines=lines)
    return await _call("refund", snap.payment_provider, _payment(rt, snap).refund(ctx, request))


async def compensate(rt: PluginRuntime, snap: OrderSnapshot, amount: Money, *, payer: str, reason: str,
                     key: str, actor_id: str | None) -> RefundResult:
    """Pay the buyer money beyond the goods (return shipping a ruling put on the merchant)."""
    ctx = rt.context(actor_id=actor_id)
    request = CompensationRequest(order=snap, amount=amount, payer=payer,  # type: ignore[arg-type]
                                  reason=reason, idempotency_key=key)
    return await _call("compensate", snap.payment_provider, _payment(rt, snap).compensate(ctx, request))


def fulfilment(rt: PluginRuntime) -> FulfilmentProvider | None:
    """The logistics plugin's fulfilment provider, or ``None`` when logistics is not enabled."""
    if not rt.is_enabled("logistics"):
        return None
    return rt.providers("fulfilment").get("logistics")
