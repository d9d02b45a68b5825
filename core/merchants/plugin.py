"""``core.merchants``, a built-in: stores, their status, staff and invitations."""

from __future__ import annotations

from bazaar.core import KERNEL_VERSION
from bazaar.core.merchants.api import (
    AdminMerchantsController,
    InvitationsController,
    MerchantsController,
)
from bazaar.sdk.events import MerchantApplied, MerchantStaffInvited, MerchantStatusChanged
from bazaar.sdk.plugin import Plugin

plugin = Plugin(
    id="core.merchants",
    version=KERNEL_VERSION,
    summary="Merchants: applications, status, staff and invitations",
    requires=("core.users",),
    piccolo_app="bazaar.core.merchants.piccolo_app",
    routes=(MerchantsController, InvitationsController, AdminMerchantsController),
    events=(MerchantApplied, MerchantStatusChanged, MerchantStaffInvited),
)
