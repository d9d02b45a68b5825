"""Pure catalogue decisions: merchant gates, combining review findings, visibility, stock levels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from bazaar.core.merchants.states import LISTING, SELLING
from bazaar.sdk.errors import Conflict
from bazaar.sdk.types import ReviewFinding

ReviewOutcome = Literal["approve", "review", "reject"]


def check_may_edit(merchant_status: str) -> None:
    """Suspended and closed merchants cannot create or edit listings (``409 merchant_<status>``)."""
    if merchant_status in ("suspended", "closed"):
        raise Conflict(f"a {merchant_status} merchant cannot change its listings", code=f"merchant_{merchant_status}")


def check_may_submit(merchant_status: str) -> None:
    """Only active merchants may put listings up for sale.

    ``pending`` (not yet approved) and ``restricted`` (sells what is live, lists nothing
    new) are refused with ``409 merchant_<status>``, as are suspended and closed ones.
    """
    check_may_edit(merchant_status)
    if merchant_status not in LISTING:
        raise Conflict(f"a {merchant_status} merchant cannot list products", code=f"merchant_{merchant_status}")


def is_visible(status: str, merchant_status: str) -> bool:
    """Storefronts show a product only when it is live and its merchant sells."""
    return status == "live" and merchant_status in SELLING


def combine_review(answers: Iterable[tuple[str, list[ReviewFinding]]]) -> tuple[ReviewOutcome, list[dict[str, str]]]:
    """Combine every plugin's findings by the documented, order-independent rule.

    All findings are kept, sorted by field then reason. Any ``reject`` rejects (with every
    reason at once); otherwise any ``review`` queues the listing for an operator;
    otherwise the listing is approved.
    """
    findings = [
        {"field": f.field, "reason": f.reason, "outcome": f.outcome, "plugin": plugin}
        for plugin, answer in answers
        for f in answer or ()
    ]
    findings.sort(key=lambda f: (f["field"], f["reason"], f["plugin"]))
    outcomes = {f["outcome"] for f in findings}
    if "reject" in outcomes:
        return "reject", findings
    if "review" in outcomes:
        return "review", findings
    return "approve", findings


def availability(available: int, low_threshold: int) -> Literal["in_stock", "low", "out"]:
    """The storefront's stock level for ``available`` units (``low`` at or below the threshold)."""
    if available <= 0:
        return "out"
    if available <= low_threshold:
        return "low"
    return "in_stock"
