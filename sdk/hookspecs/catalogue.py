"""Catalogue hooks: listing review and storefront ranking."""

from __future__ import annotations

from bazaar.sdk.hookspecs import hookspec
from bazaar.sdk.types import (
    HookContext,
    ListingSnapshot,
    MerchantSnapshot,
    Objection,
    ProductSummary,
    ReviewFinding,
)


@hookspec
def bazaar_listing_objections(
    ctx: HookContext, listing: ListingSnapshot, merchant: MerchantSnapshot
) -> Objection | str | None:
    """Veto a listing submission outright (may be async): the product stays as it was."""


@hookspec
def bazaar_collect_listing_review(
    ctx: HookContext, listing: ListingSnapshot, merchant: MerchantSnapshot
) -> list[ReviewFinding]:
    """Review a submitted listing (may be async).

    Combining rule: all findings of all plugins are kept (sorted by field, then reason).
    Any ``reject`` finding moves the product to ``rejected`` with every reason at once;
    otherwise any ``review`` finding moves it to ``in_review`` (the operator queue);
    otherwise it goes ``live``. With no plugin, submit goes live.
    """


@hookspec
def bazaar_collect_ranking_adjustments(
    ctx: HookContext, products: list[ProductSummary]
) -> dict[str, float]:
    """Adjust storefront relevance ranking (may be async).

    Return ``{product_id: delta}``. Combining rule: deltas are summed per product across
    plugins and added to the text-relevance score; used only by ``sort=relevance``.
    """
