"""The sandbox carrier as a ``CarrierProvider`` (what a real adapter module looks like).

A real adapter would make HTTPS calls where this one calls its :class:`Books`; pushes are
signed with HMAC-SHA256 over ``timestamp + "." + body`` in the header
``Sandbox-Carrier-Signature: t=<unix>,v1=<hex>`` and carry the carrier's own scan codes,
which :meth:`SandboxCarrier.verify_push` maps to the normalised vocabulary.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec

from bazaar.plugins.logistics.carriers.sandbox.books import CODES, Books
from bazaar.sdk.carriers import BadPush, Push, TrackingEvent, Waybill, WaybillRequest
from bazaar.sdk.runtime import PluginContext
from bazaar.sdk.types import HookContext

if TYPE_CHECKING:
    from bazaar.plugins.logistics.config import LogisticsConfig

HEADER = "sandbox-carrier-signature"
PUSH_PATH = "/api/v1/logistics/tracking/push/sandbox"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def check(secret: str, header: str, body: bytes, now: int, tolerance: int) -> str | None:
    """``None`` when the signature is right and fresh, else ``bad_signature`` or ``stale``."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp, given = int(parts["t"]), parts["v1"]
    except (KeyError, ValueError):
        return "bad_signature"
    if not hmac.compare_digest(sign(secret, timestamp, body).split("v1=", 1)[1], given):
        return "bad_signature"
    return "stale" if abs(now - timestamp) > tolerance else None


class SandboxScan(msgspec.Struct, frozen=True, kw_only=True):
    at: datetime
    code: str
    text: str = ""
    location: str | None = None


class SandboxPushBody(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    carrier: str
    waybill: str
    sent_at: datetime
    scans: list[SandboxScan]


class SandboxCarrier:
    """``kind="carrier"``, ``id="sandbox"``: books, cancels, intercepts and pushes like a real carrier."""

    kind: ClassVar[str] = "carrier"
    id = "sandbox"

    def __init__(self, context: PluginContext[Any], plugin_id: str, config: LogisticsConfig,
                 codes: tuple[str, ...]) -> None:
        self.config = config
        self.codes = codes
        self.books = Books(context, f"{plugin_id}.sandbox_deliver", config.sandbox)
        #: replaces the configured push sender when set (tests): ``async (path, headers, body) -> status``
        self.sender: Callable[[str, dict[str, str], bytes], Awaitable[int]] | None = None

    def _name(self, code: str) -> str:
        from bazaar.plugins.logistics.carriers import carrier_list

        entry = carrier_list(self.config).get(code)
        return f"{entry.name if entry else code} (sandbox)"

    async def create_waybill(self, ctx: HookContext, request: WaybillRequest) -> Waybill:
        return await self.books.book(request, self._name(request.carrier))

    async def cancel_waybill(self, ctx: HookContext, carrier: str, waybill: str) -> bool:
        return await self.books.cancel(waybill)

    async def intercept(self, ctx: HookContext, carrier: str, waybill: str, *, ref: str) -> str:
        return await self.books.request_intercept(waybill, ref)

    async def subscribe(self, ctx: HookContext, carrier: str, waybill: str, *, callback_url: str,
                        phone: str | None = None) -> None:
        """The sandbox pushes every parcel it knows; a waybill it never booked is simply never pushed."""

    def verify_push(self, headers: dict[str, str], body: bytes, now: datetime) -> Push:
        cfg = self.config.sandbox
        problem = check(cfg.secret, headers.get(HEADER, ""), body, int(now.timestamp()), cfg.tolerance_seconds)
        if problem == "stale":
            raise BadPush("stale", "the push's timestamp is outside the tolerance")
        if problem:
            raise BadPush("bad_signature", "the push's signature does not verify")
        try:
            parsed = msgspec.json.decode(body, type=SandboxPushBody)
        except msgspec.DecodeError as exc:
            raise BadPush("malformed", f"the push is malformed: {exc}") from None
        events = []
        for scan in parsed.scans:
            status, proof = CODES.get(scan.code, ("unknown", None))
            if scan.at.tzinfo is None:
                raise BadPush("malformed", "scan times must carry a time zone")
            events.append(TrackingEvent(
                carrier=parsed.carrier[:20], waybill=parsed.waybill[:40], at=scan.at, code=scan.code[:40],
                status=status, description=scan.text[:500], location=(scan.location or "")[:200] or None,  # type: ignore[arg-type]
                proof=proof,  # type: ignore[arg-type]
            ))
        return Push(events=tuple(events))
