"""``payments.instant``: funds settle to the merchant at payment (a self-operated shop)."""

from __future__ import annotations

from bazaar.plugins.payments.config import InstantConfig
from bazaar.plugins.payments.declare import declare
from bazaar.plugins.payments.policy import RULES

plugin = declare(
    "payments.instant",
    "payments.escrow",
    "Instant payments: captured to the merchant at payment, same refunds and ledger",
    InstantConfig,
    RULES,
)
