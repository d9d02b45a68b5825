"""Fake shipments: a waybill with no carrier scan within ``fake_shipment_hours`` is flagged.

The flag goes to the operator's queue and counts against the merchant
(``logistics.fake_shipment_flagged``); a scan that arrives later clears it (``progress.py``),
an operator may confirm or clear it.
"""

from __future__ import annotations

from typing import Any

import msgspec

from bazaar.plugins.logistics.events import FakeShipmentFlagged
from bazaar.sdk.api import new_id
from bazaar.sdk.errors import Conflict, NotFound
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due


async def check(rt: PluginRuntime, due: Due) -> None:
    """Timer ``logistics.fake_check``: flag the parcel if the carrier never scanned it."""
    parcel = await rt.db.fetchrow(
        "SELECT p.*, s.state AS shipment_state FROM logistics_parcel p JOIN logistics_shipment s "
        "ON s.id = p.shipment_id WHERE p.id = {}",
        due.subject,
    )
    if parcel is None or parcel["first_scan_at"] is not None or parcel["shipment_state"] == "cancelled":
        return
    flag_id = new_id("flg")
    rows = await rt.db.execute(
        "INSERT INTO logistics_fake_flag (id, order_id, shipment_id, parcel_id, merchant_id, waybill, state, "
        "flagged_at) VALUES ({}, {}, {}, {}, {}, {}, 'open', {}) ON CONFLICT (parcel_id) DO NOTHING RETURNING id",
        flag_id, parcel["order_id"], parcel["shipment_id"], parcel["id"], parcel["merchant_id"], parcel["waybill"],
        rt.clock.now(),
    )
    if rows:
        await rt.emit(FakeShipmentFlagged(order_id=parcel["order_id"], merchant_id=parcel["merchant_id"],
                                                    shipment_id=parcel["shipment_id"], waybill=parcel["waybill"],
                                                    flag_id=flag_id))


async def resolve(rt: PluginRuntime, flag_id: str, outcome: str, note: str, actor_id: str | None) -> dict[str, Any]:
    """An operator ``confirmed`` the fake shipment (sanctions follow elsewhere) or ``cleared`` it."""
    async with rt.unit_of_work():
        rows = await rt.db.execute(
            "UPDATE logistics_fake_flag SET state = {}, resolved_at = {}, note = {} WHERE id = {} AND state = 'open' "
            "RETURNING id",
            outcome, rt.clock.now(), note[:500], flag_id,
        )
        if not rows:
            found = await rt.db.fetchrow("SELECT state FROM logistics_fake_flag WHERE id = {}", flag_id)
            if found is None:
                raise NotFound("no such flag", code="logistics.flag_not_found")
            raise Conflict(f"the flag is already {found['state']}", code="invalid_transition",
                           extra={"from": found["state"], "event": outcome})
        await rt.db.execute(
            "INSERT INTO logistics_action (id, subject, action, actor_id, detail, at) VALUES ({}, {}, {}, {}, {}, {})",
            new_id("lac"), flag_id, f"flag_{outcome}", actor_id, msgspec.json.encode({"note": note}).decode(),
            rt.clock.now(),
        )
        return await rt.db.fetchrow("SELECT * FROM logistics_fake_flag WHERE id = {}", flag_id)  # type: ignore[return-value]
