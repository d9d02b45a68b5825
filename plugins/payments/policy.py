"""Pure payment rules: the policy table (POLICIES.md "payments") and the money splits.

No I/O here. ``RULES.resolve(config)`` gives the effective values; ``explain``
gives each value's origin and legal or practical source (``bazaar plugins --policy``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec

from bazaar.sdk.money import bps_share
from bazaar.sdk.policy import PolicyTable, Rule

COMMON = [
    Rule("unpaid_auto_cancel_minutes", {"cn": 30, "eu": 30}, "practice (1688 uses 5 days)", "practice"),
    Rule("commission_bps", {"cn": 500, "eu": 500}, "contract", "contract"),
    Rule("refund.to_original_method", {"cn": True, "eu": True}, "7DR 14-15 / CRD 13", "law"),
    Rule("refund.deadline_days", {"cn": 7, "eu": 14}, "CPL 25, 7DR 13 / CRD 13", "law"),
    Rule("refund.anchor", {"cn": "return_received", "eu": "withdrawal_notice"}, "CPL 25, 7DR 13 / CRD 13", "law"),
    Rule(
        "after_release_refund_source",
        {"cn": "merchant_balance_then_debt", "eu": "merchant_balance_then_debt"},
        "practice; SPC-NC 1 (receipt confirmation never waives quality claims)",
        "practice",
    ),
    Rule("statement_history_days", {"cn": 1095, "eu": 1095}, "ECL 53", "law"),
    Rule("store_card_data", {"cn": False, "eu": False}, "NBPI 26 / PCI DSS", "law"),
]
ESCROW = [
    Rule("auto_confirm.express_days", {"cn": 10, "eu": None}, "practice (Taobao)", "practice"),
    Rule("auto_confirm.postal_days", {"cn": 30, "eu": None}, "practice (Taobao)", "practice"),
    Rule("auto_confirm.virtual_days", {"cn": 3, "eu": None}, "practice (Taobao)", "practice"),
    Rule("extend.days", {"cn": 3, "eu": None}, "practice (Taobao)", "practice"),
    Rule("extend.max_times", {"cn": 1, "eu": None}, "practice (Taobao)", "practice"),
    Rule("extend.when_remaining_days_le", {"cn": 3, "eu": None}, "practice (Taobao)", "practice"),
    Rule("pause_on_aftersales", {"cn": True, "eu": True}, "practice", "practice"),
]

#: both plugins enforce the same keys; with instant capture the receipt clock only completes orders
RULES = PolicyTable(ESCROW + COMMON)


def explain(table: PolicyTable, config: msgspec.Struct) -> dict[str, Any]:
    """``{key: {"value", "origin", "source", "basis"}}`` for ``Plugin.policy``."""
    return {
        line.key: {"value": line.value, "origin": line.origin, "source": line.source, "basis": line.basis}
        for line in table.explain(config)
    }


# --- splits -------------------------------------------------------------------------


class ReleaseSplit(msgspec.Struct, frozen=True, kw_only=True):
    """An amount settled to a merchant: the commission (rounded half up) and the rest."""

    amount: int
    commission: int
    merchant: int
    bps: int


def release_split(amount: int, bps: int) -> ReleaseSplit:
    """Split ``amount`` at ``bps`` basis points; the parts always add up to ``amount``."""
    commission = bps_share(amount, bps)
    return ReleaseSplit(amount=amount, commission=commission, merchant=amount - commission, bps=bps)


def merchant_credit(amount: int, debt: int) -> tuple[int, int]:
    """Credit ``amount`` to a merchant who owes ``debt``: ``(repaid debt, to payable)``."""
    repaid = min(max(debt, 0), amount)
    return repaid, amount - repaid


def after_release_refund(amount: int, available_payable: int) -> tuple[int, int]:
    """A refund after release: ``(from merchant payable, into merchant debt)``."""
    from_payable = min(max(available_payable, 0), amount)
    return from_payable, amount - from_payable


def refundable(paid: int, refunded: int, pending: int) -> int:
    """What may still be refunded on an order: never more than was paid."""
    return max(0, paid - refunded - pending)


def may_extend(
    *, now: datetime, due_at: datetime | None, used: int, max_times: int | None,
    when_remaining_days_le: int | None, paused: bool,
) -> str | None:
    """Why the customer may not extend the receipt window now, or ``None`` if they may."""
    if due_at is None:
        return "no receipt clock is running for this order"
    if paused:
        return "the receipt clock is paused while an after-sales case is open"
    if not max_times or used >= max_times:
        return "the receipt window was already extended as often as allowed"
    if when_remaining_days_le is not None and due_at - now > timedelta(days=when_remaining_days_le):
        return f"an extension is possible only in the last {when_remaining_days_le} days"
    return None
