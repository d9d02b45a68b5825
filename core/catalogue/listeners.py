"""What the catalogue does, in the same transaction, when another domain's event is emitted."""

from __future__ import annotations

from bazaar.core.catalogue.service import refresh_merchant_visibility
from bazaar.core.kernel.runtime import Runtime
from bazaar.sdk.events import MerchantStatusChanged


async def on_merchant_status_changed(rt: Runtime, event: MerchantStatusChanged) -> None:
    """``merchant.status_changed``: show or hide the store's live listings for its new status."""
    await refresh_merchant_visibility(rt, event.merchant_id, event.to_status)
