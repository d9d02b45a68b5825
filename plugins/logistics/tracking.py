"""Tracking ingest: verify a push, keep it raw, dedupe its scans, move parcels forward, answer fast.

One push is one short transaction: the raw body goes to ``logistics_push``; the scans to
``logistics_scan`` in one multi-row ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (the
unique index on ``(carrier, waybill, at, code)`` makes a replayed or concurrent duplicate a
no-op); only the scans that were new roll their parcel up, and only forward
(``states.moves_forward``); a parcel that moved gets a ``logistics.parcel`` timer, which
applies the consequences (shipment, order, events) after commit. Scans for a waybill no
parcel has, or one booked with another provider, are kept and the waybill is parked for
an operator.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from bazaar.plugins.logistics import contract, states
from bazaar.plugins.logistics.events import ParcelStatusChanged
from bazaar.sdk.api import new_id
from bazaar.sdk.carriers import BadPush, TrackingEvent
from bazaar.sdk.errors import FieldProblem, NotFound, Unauthorized, ValidationFailed
from bazaar.sdk.runtime import PluginRuntime

log = logging.getLogger("bazaar.logistics.tracking")

PARCEL_TIMER = "logistics.parcel"
INTERCEPT_FAILED_TIMER = "logistics.intercept_failed"
#: statuses whose consequences (shipment, order, other plugins) run in the ``logistics.parcel`` timer
CONSEQUENTIAL = frozenset({"delivered", "refused", "lost", "returning", "returned", "intercepted"})
MAX_EVENTS = 500


def _utc(moment: Any) -> datetime:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def receive_push(rt: PluginRuntime, provider_id: str, headers: Any, body: bytes) -> tuple[bytes, str]:
    """Verify and ingest one push from ``provider_id``; answers what the carrier expects back.

    ``401 logistics.bad_signature`` / ``logistics.stale_push``, ``422 logistics.malformed_push``;
    in every case the raw body is kept.
    """
    config = rt.plugin_config("logistics")
    if len(body) > config.max_push_bytes:
        raise ValidationFailed("the push is too large", code="logistics.push_too_large",
                               errors=[FieldProblem(field="body", reason=f"at most {config.max_push_bytes} bytes")])
    try:
        carrier = contract.provider(rt, "carrier", provider_id[:40])
    except LookupError:
        raise NotFound(f"no carrier provider {provider_id[:40]!r}", code="logistics.unknown_provider") from None
    lowered = {str(k).lower(): str(v) for k, v in dict(headers).items()}
    now = rt.clock.now()
    try:
        push = carrier.verify_push(lowered, body, now)
        if len(push.events) > MAX_EVENTS:
            raise BadPush("malformed", f"more than {MAX_EVENTS} events in one push")
    except BadPush as exc:
        await _keep(rt, provider_id, body, exc.code, 0, 0)
        log.warning("logistics: refused a %s push: %s", provider_id, exc)
        if exc.code == "malformed":
            raise ValidationFailed(str(exc), code="logistics.malformed_push",
                                   errors=[FieldProblem(field="body", reason=str(exc)[:200])]) from None
        raise Unauthorized(str(exc), code="logistics.stale_push" if exc.code == "stale"
                           else "logistics.bad_signature") from None
    async with rt.unit_of_work():
        push_id = new_id("lpu")
        new = await insert_scans(rt, push_id, push.events)
        if new:
            await roll_up(rt, provider_id, new)
        await _keep(rt, provider_id, body, "accepted", len(push.events), len(new), push_id=push_id)
    return push.reply, push.reply_content_type


async def _keep(rt: PluginRuntime, provider_id: str, body: bytes, outcome: str, events: int, new: int | None,
                *, push_id: str | None = None) -> str:
    """The raw push, kept whatever became of it."""
    push_id = push_id or new_id("lpu")
    async with rt.unit_of_work():
        await rt.db.execute(
            "INSERT INTO logistics_push (id, provider, body, outcome, events, new_events, received_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {})",
            push_id, provider_id[:40], body.decode("utf-8", "replace"), outcome, events, new or 0, rt.clock.now(),
        )
    return push_id


async def insert_scans(rt: PluginRuntime, push_id: str, events: tuple[TrackingEvent, ...]) -> list[dict[str, Any]]:
    """Insert the scans in one statement; answers only those that were new."""
    unique: dict[tuple[str, str, datetime, str], TrackingEvent] = {}
    for e in events:
        unique.setdefault((e.carrier, e.waybill, _utc(e.at), e.code), e)
    if not unique:
        return []
    now = rt.clock.now()
    values: list[Any] = []
    for (carrier, waybill, at, code), e in unique.items():
        values += [new_id("scn"), carrier, waybill, at, code, e.status, e.description, e.location, e.proof,
                   push_id, now]
    rows = ", ".join(["({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})"] * len(unique))
    return await rt.db.execute(
        "INSERT INTO logistics_scan (id, carrier, waybill, at, code, status, description, location, proof, push_id, "
        f"received_at) VALUES {rows} ON CONFLICT (carrier, waybill, at, code) DO NOTHING "
        "RETURNING carrier, waybill, at, code, status, proof, description",
        *values,
    )


async def roll_up(rt: PluginRuntime, provider_id: str, scans: list[dict[str, Any]]) -> None:
    """Move each scanned parcel forward (one locked read for all); park unknown waybills."""
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for scan in scans:
        by_key.setdefault((scan["carrier"], scan["waybill"]), []).append(scan)
    pairs = ", ".join(["({}, {})"] * len(by_key))
    parcels = await rt.db.fetch(
        "SELECT id, kind, order_id, shipment_id, carrier, waybill, provider, status, status_at, proof, first_scan_at "
        "FROM logistics_parcel "
        f"WHERE (carrier, waybill) IN ({pairs}){contract.for_update(rt)}",
        *[part for key in by_key for part in key],
    )
    known = {(p["carrier"], p["waybill"]): p for p in parcels if p["provider"] == provider_id}
    now = rt.clock.now()
    for key, found in by_key.items():
        parcel = known.get(key)
        if parcel is None:
            await park(rt, provider_id, key[0], key[1])
            continue
        status, proof = parcel["status"], parcel["proof"]
        status_at = _utc(parcel["status_at"]) if parcel["status_at"] is not None else None
        first = _utc(parcel["first_scan_at"]) if parcel["first_scan_at"] is not None else None
        changed = False
        for scan in sorted(found, key=lambda s: _utc(s["at"])):
            at = _utc(scan["at"])
            if scan["status"] == "intercept_failed":
                await rt.timers.schedule(INTERCEPT_FAILED_TIMER, parcel["id"], now,
                                         {"reason": (scan.get("description") or "")[:200]})
            if scan["status"] in states.CARRIER_HAS_IT and (first is None or at < first):
                first, changed = at, True
            if states.moves_forward(status, status_at, scan["status"], at):
                status, status_at, proof, changed = scan["status"], at, scan["proof"], True
        if not changed:
            continue
        await rt.db.execute(
            "UPDATE logistics_parcel SET status = {}, status_at = {}, proof = {}, first_scan_at = {} WHERE id = {}",
            status, status_at, proof, first, parcel["id"],
        )
        if status != parcel["status"]:
            await rt.emit(ParcelStatusChanged(
                parcel_id=parcel["id"], order_id=parcel["order_id"], shipment_id=parcel["shipment_id"] or "",
                carrier=parcel["carrier"], waybill=parcel["waybill"], from_status=parcel["status"], to_status=status,
                at=status_at or now))
        if status in CONSEQUENTIAL or (first is not None and parcel["first_scan_at"] is None) or parcel["kind"] == "return":
            await rt.timers.schedule(PARCEL_TIMER, parcel["id"], now, {"from": parcel["status"], "to": status})


async def park(rt: PluginRuntime, provider_id: str, carrier: str, waybill: str) -> None:
    """Remember a waybill no parcel of this provider has (its scans are kept in the log)."""
    now = rt.clock.now()
    await rt.db.execute(
        "INSERT INTO logistics_unknown_waybill (id, carrier, waybill, provider, first_seen_at, last_seen_at) "
        "VALUES ({}, {}, {}, {}, {}, {}) ON CONFLICT (id) DO UPDATE SET last_seen_at = {}",
        f"{carrier}:{waybill}"[:90], carrier, waybill, provider_id, now, now, now,
    )


async def replay(rt: PluginRuntime, parcel: dict[str, Any]) -> None:
    """A parcel was registered for a waybill that already has scans: roll them up now."""
    scans = await rt.db.fetch(
        "SELECT carrier, waybill, at, code, status, proof, description FROM logistics_scan "
        "WHERE carrier = {} AND waybill = {}",
        parcel["carrier"], parcel["waybill"],
    )
    if scans:
        await roll_up(rt, parcel["provider"], scans)
        await rt.db.execute(
            "UPDATE logistics_unknown_waybill SET resolved_at = {}, resolution = {} WHERE id = {} "
            "AND resolved_at IS NULL",
            rt.clock.now(), f"parcel {parcel['id']} registered", f"{parcel['carrier']}:{parcel['waybill']}"[:90],
        )


async def scans_of(rt: PluginRuntime, carrier: str, waybill: str) -> list[dict[str, Any]]:
    """The normalised scans of a waybill, oldest first."""
    return await rt.db.fetch(
        "SELECT at, code, status, description, location, proof FROM logistics_scan "
        "WHERE carrier = {} AND waybill = {} ORDER BY at, code",
        carrier, waybill,
    )
