"""The events both payments plugins emit (listed on their ``Plugin(events=...)``).

They are facts of the ledger of record: each is emitted when the provider's signed
notification confirmed a movement (never when it was only instructed). Evolution rule:
only add optional fields.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from bazaar.sdk.events import Event, MerchantId, OrderId
from bazaar.sdk.money import Money

Provider = Annotated[str, Meta(description="the payments plugin that moved the money (``payments.escrow`` ...)")]


class RefundSettled(Event, frozen=True, kw_only=True, tag="payments.refund_settled"):
    """The provider settled a refund instruction: ``succeeded`` (the buyer has the money back) or ``failed``.

    ``refund_id`` is the id ``PaymentProvider.refund`` answered; ``source`` is where the
    money came from (``hold`` before release, ``merchant`` after, ``suspense`` for a payment in review).
    """

    order_id: OrderId | None = None
    merchant_id: MerchantId | None = None
    refund_id: str
    outcome: Literal["succeeded", "failed"]
    amount: Money
    source: str | None = None
    reason: str | None = None
    plugin: Provider
    subject_field = "order_id"


class FundsReleased(Event, frozen=True, kw_only=True, tag="payments.released"):
    """Escrow released an order's held funds to the merchant, less the commission."""

    order_id: OrderId
    merchant_id: MerchantId
    amount: Annotated[Money, Meta(description="what left the hold")]
    commission: Money
    plugin: Provider
    subject_field = "order_id"


EVENTS: tuple[type[Event], ...] = (RefundSettled, FundsReleased)
