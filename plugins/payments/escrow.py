"""``payments.escrow``: the buyer's funds stay held at the provider until receipt is confirmed."""

from __future__ import annotations

from bazaar.plugins.payments.config import EscrowConfig
from bazaar.plugins.payments.declare import declare
from bazaar.plugins.payments.policy import RULES

plugin = declare(
    "payments.escrow",
    "payments.instant",
    "Escrow payments: held at a licensed provider, released on confirmed receipt, ledger of record",
    EscrowConfig,
    RULES,
)
