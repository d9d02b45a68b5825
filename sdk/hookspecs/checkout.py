"""Checkout hooks: payment methods, payment provider, shipping fee, discounts, acknowledgements, vetoes."""

from __future__ import annotations

from bazaar.sdk.hookspecs import hookspec
from bazaar.sdk.money import Money
from bazaar.sdk.types import (
    Acknowledgement,
    CheckoutQuote,
    Discount,
    HookContext,
    Objection,
    OrderDraft,
    PaymentMethod,
)


@hookspec
def bazaar_collect_payment_methods(ctx: HookContext, quote: CheckoutQuote) -> list[PaymentMethod]:
    """Offer payment methods for this checkout (may be async).

    Combining rule: the union of all methods, sorted by ``id``; two plugins offering
    the same method id is an error.
    """


@hookspec(firstresult=True)
def bazaar_select_payment_provider(method: str) -> str | None:
    """Name the payment provider id that takes payments by ``method``. Synchronous and pure."""


@hookspec(firstresult=True)
def bazaar_select_shipping_fee(draft: OrderDraft) -> Money | None:
    """Price shipping for one merchant's order. Synchronous and pure.

    With no answer the core charges its flat rate (``checkout.flat_shipping_minor``).
    """


@hookspec
def bazaar_collect_discounts(ctx: HookContext, draft: OrderDraft) -> list[Discount]:
    """Grant discounts on one merchant's order (may be async).

    Combining rule: amounts are summed; the total discount is capped at the subtotal.
    """


@hookspec
def bazaar_collect_checkout_acknowledgements(ctx: HookContext, quote: CheckoutQuote) -> list[Acknowledgement]:
    """Ask the buyer to tick confirmations before paying (may be async), e.g. that an unsealed or
    activated item is not returnable without reason (CPL-IR 19: shown, never pre-ticked).

    Combining rule: the union by ``id`` (the same id from two plugins must say the same); the
    checkout is refused with ``422 acknowledgement_required`` naming the field ``acknowledgements``
    and each id not ticked, and what was ticked is stored with each order it concerns.
    ``GET /checkout/acknowledgements`` shows them before checkout.
    """


@hookspec
def bazaar_checkout_objections(ctx: HookContext, quote: CheckoutQuote) -> Objection | str | None:
    """Veto a checkout before anything is reserved (may be async)."""
