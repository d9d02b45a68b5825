"""Refused COD parcels and COD refunds.

A refused parcel of returnable goods is a return (``refusal_is_return``): no money moved, so
none moves back; the order is cancelled through the core (``delivery_refused``) where its
table allows it; the merchant restocks after inspecting what came back (through the core's
``restock``). A COD order refunded after a return was paid in cash: the consumer chooses
the method and consents, and the consent is kept (7DR 14, ``refund_method``).
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.logistics import contract
from bazaar.plugins.logistics.cod.collections import PLUGIN, values
from bazaar.plugins.logistics.events import CodRefusedReturn
from bazaar.sdk.api import new_id
from bazaar.sdk.errors import Conflict, NotFound
from bazaar.sdk.events import By
from bazaar.sdk.runtime import PluginRuntime


async def refused(rt: PluginRuntime, order_id: str) -> None:
    """The COD parcel was refused at the door: nothing to collect; a return when the policy says so."""
    rows = await rt.db.execute(
        "UPDATE logistics_cod_collection SET state = 'refused', updated_at = {} WHERE order_id = {} "
        "AND state IN ('expected', 'in_transit') RETURNING id, merchant_id",
        rt.clock.now(), order_id,
    )
    if not rows or not values(rt)["refusal_is_return"]:
        return
    row = rows[0]
    return_id = new_id("crt")
    inserted = await rt.db.execute(
        "INSERT INTO logistics_cod_return (id, order_id, merchant_id, collection_id, state, created_at) "
        "VALUES ({}, {}, {}, {}, 'awaiting_return', {}) ON CONFLICT (order_id) DO NOTHING RETURNING id",
        return_id, order_id, row["merchant_id"], row["id"], rt.clock.now(),
    )
    if inserted:
        await rt.emit(CodRefusedReturn(order_id=order_id, merchant_id=row["merchant_id"], return_id=return_id))
        await contract.try_transition_order(rt, order_id, contract.CANCEL, by=By(kind="system", plugin=PLUGIN),
                                            plugin=PLUGIN, reason="cash-on-delivery parcel refused",
                                            cancel_reason="delivery_refused")


async def inspect(rt: PluginRuntime, merchant_id: str, return_id: str, *, restock: bool, note: str,
                  actor_id: str | None) -> dict[str, Any]:
    """The merchant inspected the goods that came back: restock them (or record why not)."""
    async with rt.unit_of_work():
        row = await rt.db.fetchrow(
            f"SELECT * FROM logistics_cod_return WHERE id = {{}}{contract.for_update(rt)}", return_id
        )
        if row is None or row["merchant_id"] != merchant_id:
            raise NotFound("no such return", code="logistics.cod_return_not_found")
        if row["state"] not in ("awaiting_return", "received"):
            raise Conflict(f"the return is already {row['state']}", code="invalid_transition",
                           extra={"from": row["state"], "event": "inspect"})
        if restock:
            await contract.restock(rt, row["order_id"], await contract.order_lines(rt, row["order_id"]),
                                   reason="refused cash-on-delivery parcel, inspected", plugin=PLUGIN,
                                   actor_id=actor_id)
        now = rt.clock.now()
        await rt.db.execute(
            "UPDATE logistics_cod_return SET state = {}, received_at = COALESCE(received_at, {}), inspected_at = {}, "
            "note = {} WHERE id = {}",
            "restocked" if restock else "rejected", now, now, note[:500], return_id,
        )
        return await rt.db.fetchrow("SELECT * FROM logistics_cod_return WHERE id = {}", return_id)  # type: ignore[return-value]


def mask_account(account: str) -> str:
    digits = account.strip()
    return ("*" * max(len(digits) - 4, 0) + digits[-4:])[:40]


async def refund_consent(rt: PluginRuntime, order_id: str, customer_id: str, method: str, account: str,
                         text: str) -> dict[str, Any]:
    """The consumer chooses how a COD order is refunded and consents; kept with its time."""
    async with rt.unit_of_work():
        row = await rt.db.fetchrow("SELECT * FROM logistics_cod_collection WHERE order_id = {}", order_id)
        if row is None or row["customer_id"] != customer_id:
            raise NotFound("no such cash-on-delivery order", code="logistics.order_not_found")
        consent_id = new_id("ccs")
        await rt.db.execute(
            "INSERT INTO logistics_cod_refund_consent (id, order_id, customer_id, method, account_masked, consent_text, "
            "consented_at) VALUES ({}, {}, {}, {}, {}, {}, {})",
            consent_id, order_id, customer_id, method, mask_account(account) if account else None, text[:500],
            rt.clock.now(),
        )
        return await rt.db.fetchrow("SELECT * FROM logistics_cod_refund_consent WHERE id = {}", consent_id)  # type: ignore[return-value]


async def latest_consent(rt: PluginRuntime, order_id: str) -> dict[str, Any] | None:
    return await rt.db.fetchrow(
        "SELECT * FROM logistics_cod_refund_consent WHERE order_id = {} ORDER BY consented_at DESC, id DESC", order_id
    )
