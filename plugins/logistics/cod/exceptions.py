"""The COD exception queue: each open exception is resolved once, by an operator, and audited.

* ``rematch`` (``unexpected`` / ``duplicate`` lines): the line belongs to another collection
  (named by the operator); its amount is compared again: equal, the money is posted and the
  collection is ``matched``; different, the collection takes the new kind and a new
  exception opens for it;
* ``write_off`` (any kind, with a reason): accept what was collected: a short or over line's
  actual amount is posted; nothing is posted for missing, unexpected, duplicate or
  refused-but-remitted money (it goes back outside the ledger);
* ``claim_carrier`` (``short`` / ``missing``): post what was collected, claim the rest from
  the carrier (amount recorded on the exception).
"""

from __future__ import annotations

from typing import Any

import msgspec

from bazaar.plugins.logistics import contract
from bazaar.plugins.logistics.cod import collections, remittance
from bazaar.sdk.api import new_id
from bazaar.sdk.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from bazaar.sdk.runtime import PluginRuntime

ACTIONS = {
    "rematch": ("unexpected", "duplicate"),
    "write_off": ("short", "over", "missing", "unexpected", "duplicate", "refused_but_remitted"),
    "claim_carrier": ("short", "missing"),
}


async def resolve(rt: PluginRuntime, exception_id: str, action: str, note: str, actor_id: str | None, *,
                  collection_id: str | None = None) -> dict[str, Any]:
    """Apply one resolve action (see the module doc) and write the audit row."""
    async with rt.unit_of_work():
        exc = await rt.db.fetchrow(
            f"SELECT * FROM logistics_cod_exception WHERE id = {{}}{contract.for_update(rt)}", exception_id
        )
        if exc is None:
            raise NotFound("no such exception", code="logistics.cod_exception_not_found")
        if exc["state"] != "open":
            raise Conflict("the exception is already resolved", code="invalid_transition",
                           extra={"from": exc["state"], "event": action})
        if exc["kind"] not in ACTIONS[action]:
            raise Conflict(f"{action} does not apply to a {exc['kind']} exception", code="logistics.cod_action_not_allowed",
                           extra={"kind": exc["kind"], "allowed": sorted(a for a, k in ACTIONS.items() if exc["kind"] in k)})
        detail: dict[str, Any] = {}
        if action == "rematch":
            detail = await _rematch(rt, exc, collection_id)
        elif action == "write_off":
            detail = await _settle(rt, exc, "written_off")
        else:
            detail = await _settle(rt, exc, "claimed")
            detail["claimed_minor"] = int(exc["expected_minor"] or 0) - int(exc["collected_minor"] or 0)
        resolution = {"rematch": "rematched", "write_off": "written_off", "claim_carrier": "claimed"}[action]
        now = rt.clock.now()
        await rt.db.execute(
            "UPDATE logistics_cod_exception SET state = 'resolved', resolution = {}, note = {}, resolved_at = {}, "
            "resolved_by = {} WHERE id = {}",
            resolution, note, now, actor_id, exception_id,
        )
        await rt.db.execute(
            "INSERT INTO logistics_cod_audit (id, exception_id, action, actor_id, note, detail, at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {})",
            new_id("cau"), exception_id, action, actor_id, note, msgspec.json.encode(detail).decode(), now,
        )
        return await rt.db.fetchrow("SELECT * FROM logistics_cod_exception WHERE id = {}", exception_id)  # type: ignore[return-value]


async def _line(rt: PluginRuntime, exc: dict[str, Any]) -> dict[str, Any] | None:
    if not exc["line_id"]:
        return None
    return await rt.db.fetchrow("SELECT * FROM logistics_cod_line WHERE id = {}", exc["line_id"])


async def _carrier(rt: PluginRuntime, exc: dict[str, Any]) -> str:
    if exc["remittance_id"]:
        row = await rt.db.fetchrow("SELECT carrier FROM logistics_cod_remittance WHERE id = {}", exc["remittance_id"])
        if row:
            return str(row["carrier"])
    row = await rt.db.fetchrow("SELECT carrier FROM logistics_cod_collection WHERE id = {}", exc["collection_id"])
    return str(row["carrier"] if row and row["carrier"] else "")


async def _post(rt: PluginRuntime, exc: dict[str, Any], collection: dict[str, Any], line: dict[str, Any]) -> list[str]:
    from bazaar.plugins.logistics.tracking import _utc

    row = {"order_id": collection["order_id"], "merchant_id": collection["merchant_id"],
           "customer_id": collection["customer_id"], "checkout_id": collection["checkout_id"],
           "collected_minor": line["collected_minor"], "fee_minor": line["fee_minor"], "waybill": line["waybill"],
           "collected_at": _utc(line["collected_at"]) if line["collected_at"] else None, "line_id": line["id"]}
    return await remittance.record(rt, [row], await _carrier(rt, exc), exc["currency"])


async def _settle(rt: PluginRuntime, exc: dict[str, Any], state: str) -> dict[str, Any]:
    """Write-off or claim: post what was actually collected for a short/over line; close the collection."""
    collection = None
    if exc["collection_id"]:
        collection = await rt.db.fetchrow("SELECT * FROM logistics_cod_collection WHERE id = {}", exc["collection_id"])
    posted: list[str] = []
    line = await _line(rt, exc)
    if collection is not None and exc["kind"] in ("short", "over") and line is not None:
        posted = await _post(rt, exc, collection, line)
    if collection is not None and exc["kind"] in ("short", "over", "missing"):
        await rt.db.execute("UPDATE logistics_cod_collection SET state = {}, ledger_ref = {}, updated_at = {} "
                            "WHERE id = {}", state, posted[0] if posted else None, rt.clock.now(), collection["id"])
    return {"posted": posted}


async def _rematch(rt: PluginRuntime, exc: dict[str, Any], collection_id: str | None) -> dict[str, Any]:
    line = await _line(rt, exc)
    if line is None or not collection_id:
        raise ValidationFailed("rematch needs the collection the line belongs to", code="logistics.cod_rematch_needs_collection",
                               errors=[FieldProblem(field="collection_id", reason="required for rematch")])
    collection = await rt.db.fetchrow(
        f"SELECT * FROM logistics_cod_collection WHERE id = {{}}{contract.for_update(rt)}", collection_id
    )
    if collection is None:
        raise NotFound("no such collection", code="logistics.cod_collection_not_found")
    if collection["remittance_id"] is not None or collection["state"] not in ("delivered", "missing", "in_transit"):
        raise Conflict("that collection was already remitted or settled", code="logistics.cod_collection_settled")
    collected, expected = int(line["collected_minor"]), int(collection["expected_minor"])
    kind = "matched" if collected == expected else ("short" if collected < expected else "over")
    await rt.db.execute(
        "UPDATE logistics_cod_collection SET state = {}, remittance_id = {}, collected_minor = {}, fee_minor = {}, "
        "updated_at = {} WHERE id = {}",
        kind, line["remittance_id"], collected, line["fee_minor"], rt.clock.now(), collection_id,
    )
    await rt.db.execute("UPDATE logistics_cod_line SET collection_id = {} WHERE id = {}", collection_id, line["id"])
    await rt.db.execute(
        "UPDATE logistics_cod_exception SET state = 'resolved', resolution = 'rematched', note = 'rematched by line', "
        "resolved_at = {} WHERE collection_id = {} AND kind = 'missing' AND state = 'open'",
        rt.clock.now(), collection_id,
    )
    if kind == "matched":
        return {"collection_id": collection_id, "kind": kind, "posted": await _post(rt, exc, collection, line)}
    new = await collections.open_exception(
        rt, kind, waybill=line["waybill"], currency=exc["currency"], collection_id=collection_id,
        order_id=collection["order_id"], merchant_id=collection["merchant_id"], expected=expected,
        collected=collected, fee=int(line["fee_minor"]), remittance_id=line["remittance_id"], line_id=line["id"],
    )
    return {"collection_id": collection_id, "kind": kind, "new_exception": new}
