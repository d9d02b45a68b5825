"""Timer kinds of ``logistics`` and their handlers."""

from __future__ import annotations

from typing import Any

from bazaar.plugins.logistics import (
    claims,
    fake,
    fulfilment,
    progress,
    ship_by,
    shipments,
    tracking,
)
from bazaar.plugins.logistics.carriers.sandbox.pushes import deliver_timer

TIMERS: dict[str, Any] = {
    ship_by.BREACH_TIMER: ship_by.breach,
    tracking.PARCEL_TIMER: progress.apply_parcel,
    tracking.INTERCEPT_FAILED_TIMER: progress.intercept_failed,
    shipments.FAKE_TIMER: fake.check,
    claims.CLAIM_TIMER: claims.overdue,
    shipments.SUBSCRIBE_TIMER: fulfilment.subscribe,
    fulfilment.INTERCEPT_TIMER: fulfilment.send_intercept,
    shipments.CANCEL_TIMER: fulfilment.cancel_waybill,
    "logistics.sandbox_deliver": deliver_timer("logistics"),
}
