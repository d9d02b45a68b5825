"""Stores as plugins see them: ``MerchantSnapshot`` and their staff (ids only).

Behind ``bazaar.sdk.services.merchant_snapshot``, ``is_merchant_staff`` and ``merchant_staff_ids``.
"""

from __future__ import annotations

from bazaar.core.kernel.runtime import Runtime
from bazaar.core.merchants.service import load, snapshot
from bazaar.sdk.types import MerchantSnapshot


async def merchant_snapshot(rt: Runtime, merchant_id: str, *, for_update: bool = False) -> MerchantSnapshot:
    """A store (``404 merchant_not_found``); ``for_update`` locks its row on PostgreSQL until commit."""
    return snapshot(await load(rt, merchant_id, for_update=for_update))


async def is_staff(rt: Runtime, merchant_id: str, user_id: str) -> bool:
    """Whether the user is the owner or staff of the store."""
    row = await rt.db.fetchrow("SELECT id FROM core_merchant_staff WHERE key = {}", f"{merchant_id}:{user_id}")
    return row is not None


async def staff_ids(rt: Runtime, merchant_id: str) -> tuple[str, ...]:
    """User ids of the store's owner and staff, owner first, then by joining date."""
    rows = await rt.db.fetch(
        "SELECT user_id FROM core_merchant_staff WHERE merchant_id = {} "
        "ORDER BY CASE WHEN role = 'owner' THEN 0 ELSE 1 END, created_at, id",
        merchant_id,
    )
    return tuple(r["user_id"] for r in rows)
