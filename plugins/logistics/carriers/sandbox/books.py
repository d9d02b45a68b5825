"""The sandbox carrier's side: bookings, scans a courier makes, and the pushes they queue.

Each operation runs in its own transaction, as a remote carrier's would. A scan queues a
signed push (delivered by ``pushes.py``) in the carrier's own vocabulary (``CODES``); the
adapter in ``carrier.py`` turns it into normalised events, like any real adapter.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import msgspec

from bazaar.plugins.logistics.carriers.sandbox import label
from bazaar.plugins.logistics.contract import for_update
from bazaar.plugins.logistics.policy import mask_name, mask_phone
from bazaar.sdk.api import new_id
from bazaar.sdk.carriers import Waybill, WaybillRequest
from bazaar.sdk.errors import Conflict, NotFound
from bazaar.sdk.runtime import PluginContext, PluginRuntime

if TYPE_CHECKING:
    from bazaar.plugins.logistics.config import SandboxCarrierConfig

#: the sandbox's own scan codes -> (normalised status, proof)
CODES: dict[str, tuple[str, str | None]] = {
    "BOOKED": ("info_received", None),
    "PICKUP": ("picked_up", None),
    "TRANSIT": ("in_transit", None),
    "OFD": ("out_for_delivery", None),
    "ATTEMPT_FAILED": ("delivery_failed", None),
    "SIGN_SELF": ("delivered", "recipient_signed"),
    "SIGN_PROXY": ("delivered", "proxy_signed"),
    "LOCKER_CONSENT": ("delivered", "locker_with_consent"),
    "LOCKER": ("delivered", "locker_without_consent"),
    "REFUSED": ("refused", None),
    "LOST": ("lost", None),
    "RTS": ("returning", None),
    "RETURNED": ("returned", None),
    "INTERCEPTED": ("intercepted", None),
    "INTERCEPT_FAILED": ("intercept_failed", None),
}

#: what a courier may do to a parcel in each of the sandbox's states: action -> (code, text, new status)
ACTIONS: dict[str, tuple[str, str, str]] = {
    "pickup": ("PICKUP", "Picked up by courier", "picked_up"),
    "transit": ("TRANSIT", "Arrived at sorting centre", "in_transit"),
    "out_for_delivery": ("OFD", "Out for delivery", "out_for_delivery"),
    "attempt_failed": ("ATTEMPT_FAILED", "Delivery attempt failed: recipient not available", "in_transit"),
    "sign_self": ("SIGN_SELF", "Signed for by the recipient", "delivered"),
    "sign_proxy": ("SIGN_PROXY", "Signed for by a proxy (reception)", "delivered"),
    "locker_consent": ("LOCKER_CONSENT", "Placed in a parcel locker as the recipient asked", "delivered"),
    "locker": ("LOCKER", "Placed in a parcel locker", "delivered"),
    "refuse": ("REFUSED", "Refused by the recipient", "refused"),
    "lose": ("LOST", "Declared lost", "lost"),
    "return_to_sender": ("RTS", "Returning to sender", "returning"),
    "returned": ("RETURNED", "Returned to sender", "returned"),
    "intercept_ok": ("INTERCEPTED", "Intercepted as requested; returning to sender", "returning"),
    "intercept_fail": ("INTERCEPT_FAILED", "Interception failed", "same"),
}
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "pickup": frozenset({"booked"}),
    "transit": frozenset({"picked_up", "in_transit"}),
    "out_for_delivery": frozenset({"picked_up", "in_transit"}),
    "attempt_failed": frozenset({"out_for_delivery"}),
    "sign_self": frozenset({"out_for_delivery", "in_transit"}),
    "sign_proxy": frozenset({"out_for_delivery", "in_transit"}),
    "locker_consent": frozenset({"out_for_delivery", "in_transit"}),
    "locker": frozenset({"out_for_delivery", "in_transit"}),
    "refuse": frozenset({"out_for_delivery"}),
    "lose": frozenset({"picked_up", "in_transit", "out_for_delivery", "returning"}),
    "return_to_sender": frozenset({"refused", "in_transit", "out_for_delivery"}),
    "returned": frozenset({"returning"}),
    "intercept_ok": frozenset({"picked_up", "in_transit", "out_for_delivery"}),
    "intercept_fail": frozenset({"picked_up", "in_transit", "out_for_delivery", "delivered", "refused", "lost"}),
}


class Books:
    """The sandbox carrier's records; ``deliver_kind`` is the timer that sends its pushes."""

    def __init__(self, context: PluginContext[Any], deliver_kind: str, config: SandboxCarrierConfig) -> None:
        self.context = context
        self.deliver_kind = deliver_kind
        self.config = config

    @property
    def rt(self) -> PluginRuntime:
        """The runtime (bound after the plugin host built the providers)."""
        return self.context.runtime

    def _lock(self) -> str:
        return for_update(self.rt)

    async def parcel(self, waybill: str) -> dict[str, Any]:
        row = await self.rt.db.fetchrow(
            f"SELECT * FROM logistics_sandbox_parcel WHERE waybill = {{}}{self._lock()}", waybill
        )
        if row is None:
            raise NotFound("the sandbox carrier has no such waybill", code="logistics.sandbox_unknown_waybill")
        return row

    async def book(self, request: WaybillRequest, carrier_name: str) -> Waybill:
        """Book a parcel (idempotent by ``request.ref``) and render its label."""
        async with self.rt.unit_of_work():
            row = await self.rt.db.fetchrow(
                "SELECT waybill FROM logistics_sandbox_parcel WHERE shipper_ref = {}", request.ref
            )
            if row is not None:
                waybill = row["waybill"]
            else:
                waybill = f"{request.carrier}{secrets.randbelow(10**12):012d}"
                now = self.rt.clock.now()
                r = request.recipient
                shown = {"name": mask_name(r.name), "phone": mask_phone(r.phone), "city": r.city}
                cod = request.cod_amount
                await self.rt.db.execute(
                    "INSERT INTO logistics_sandbox_parcel (waybill, shipper_ref, carrier, recipient, cod_minor, currency, "
                    "status, attempts, created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, 'booked', 0, {}, {})",
                    waybill, request.ref, request.carrier, msgspec.json.encode(shown).decode(),
                    cod.amount if cod else None, cod.currency if cod else None, now, now,
                )
                await self._queue(waybill, request.carrier, "BOOKED", "Shipment information received", now)
        pdf = label.render(request, waybill, carrier_name)
        return Waybill(carrier=request.carrier, waybill=waybill, label=pdf)

    async def cancel(self, waybill: str) -> bool:
        async with self.rt.unit_of_work():
            row = await self.parcel(waybill)
            if row["status"] != "booked":
                return row["status"] == "cancelled"
            await self.rt.db.execute(
                "UPDATE logistics_sandbox_parcel SET status = 'cancelled', updated_at = {} WHERE waybill = {}",
                self.rt.clock.now(), waybill,
            )
            return True

    async def request_intercept(self, waybill: str, ref: str) -> str:
        """Record an interception request; a courier answers it with ``intercept_ok`` / ``intercept_fail``."""
        async with self.rt.unit_of_work():
            row = await self.parcel(waybill)
            if row["intercept_ref"] is None:
                await self.rt.db.execute(
                    "UPDATE logistics_sandbox_parcel SET intercept_ref = {}, updated_at = {} WHERE waybill = {}",
                    ref, self.rt.clock.now(), waybill,
                )
            return f"SBI-{waybill}"

    async def scan(self, waybill: str, action: str, *, at: datetime | None = None,
                   location: str | None = None) -> dict[str, Any]:
        """A courier's scan: checks the parcel may take it, moves it, and queues the push."""
        if action not in ACTIONS:
            raise NotFound(f"no sandbox action {action[:30]!r}", code="logistics.sandbox_unknown_action")
        code, text, status = ACTIONS[action]
        async with self.rt.unit_of_work():
            row = await self.parcel(waybill)
            if row["status"] not in ALLOWED_FROM[action]:
                raise Conflict(f"a sandbox parcel that is {row['status']} cannot take {action!r}",
                               code="logistics.sandbox_not_allowed",
                               extra={"status": row["status"], "action": action})
            now = self.rt.clock.now()
            new = row["status"] if status == "same" else status
            await self.rt.db.execute(
                "UPDATE logistics_sandbox_parcel SET status = {}, attempts = attempts + {}, updated_at = {} "
                "WHERE waybill = {}",
                new, 1 if action == "attempt_failed" else 0, now, waybill,
            )
            await self._queue(waybill, row["carrier"], code, text, at or now, location)
            return await self.view(waybill)

    async def view(self, waybill: str) -> dict[str, Any]:
        row = await self.parcel(waybill)
        allowed = sorted(a for a, states in ALLOWED_FROM.items() if row["status"] in states)
        return {"waybill": row["waybill"], "carrier": row["carrier"], "status": row["status"],
                "attempts": row["attempts"], "recipient": msgspec.json.decode(row["recipient"]),
                "cod_minor": row["cod_minor"], "intercept_requested": row["intercept_ref"] is not None,
                "actions": allowed}

    async def _queue(self, waybill: str, carrier: str, code: str, text: str, at: datetime,
                     location: str | None = None) -> None:
        rt = self.rt
        now = rt.clock.now()
        body: dict[str, Any] = {"id": new_id("sbk"), "carrier": carrier, "waybill": waybill, "sent_at": now.isoformat(),
                "scans": [{"at": at.isoformat(), "code": code, "text": text, "location": location or "Sandbox hub"}]}
        seq = await rt.db.fetchrow("SELECT COALESCE(MAX(seq), 0) AS seq FROM logistics_sandbox_push")
        assert seq is not None
        deliver_at = now + timedelta(seconds=self.config.delay_seconds)
        await rt.db.execute(
            "INSERT INTO logistics_sandbox_push (id, seq, waybill, body, deliver_at, delivered, created_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {})",
            body["id"], int(seq["seq"]) + 1, waybill, msgspec.json.encode(body).decode(), deliver_at, False, now,
        )
        if not self.config.hold:
            await rt.timers.schedule(self.deliver_kind, body["id"], deliver_at, {})
