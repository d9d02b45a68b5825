"""Catalogue rules: categories, products and SKUs, the listing lifecycle, storefront reads."""

from __future__ import annotations

from bazaar.core.kernel.runtime import Runtime
from bazaar.core.merchants.states import SELLING


async def refresh_merchant_visibility(rt: Runtime, merchant_id: str, merchant_status: str) -> None:
    """Show or hide a merchant's live products after its status changed (in the caller's transaction)."""
    await rt.db.execute(
        "UPDATE catalogue_product SET visible = {} WHERE merchant_id = {} AND status = 'live'",
        merchant_status in SELLING,
        merchant_id,
    )
