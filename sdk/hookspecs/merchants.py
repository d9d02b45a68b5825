"""Merchant hooks: who decides activation, and vetoes on status changes."""

from __future__ import annotations

from bazaar.sdk.hookspecs import hookspec
from bazaar.sdk.types import HookContext, MerchantSnapshot, Objection


@hookspec(firstresult=True)
def bazaar_select_merchant_decider(merchant: MerchantSnapshot) -> str | None:
    """Claim the decision to activate a pending merchant: return your plugin id.

    Synchronous and pure. When a plugin claims it (the qualification plugin does), an
    operator cannot activate the merchant by hand; the plugin moves the merchant through
    the merchant service. With no claim, an operator activates by hand.
    """


@hookspec
def bazaar_merchant_transition_objections(
    ctx: HookContext, merchant: MerchantSnapshot, to_status: str, reason: str | None
) -> Objection | str | None:
    """Veto a merchant status change (may be async). Return an objection or ``None``."""


@hookspec
def bazaar_collect_merchant_badges(ctx: HookContext, merchant_ids: list[str]) -> dict[str, list[str]]:
    """Badges shown with merchants on merchant and product responses (may be async).

    Return ``{merchant_id: ["credit:A", "verified", ...]}`` for the ids you know.
    Combining rule: per merchant, the union of every plugin's badges, sorted.
    """
