"""Reconciliation: the provider's statement against the ledger, reporting every mismatch.

Both sides are summed per ``(ref, type)``: ``payment`` by our payment id (what the buyer
paid in: hold, capture or suspense entries), ``release`` by instruction (escrow
released: merchant part plus commission), ``refund`` and ``payout`` by instruction.
A mismatch is ``missing_in_ledger``, ``missing_at_provider`` or ``amount_mismatch``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import msgspec

from bazaar.plugins.payments.providers import adapter
from bazaar.sdk.api import new_id
from bazaar.sdk.runtime import PluginRuntime


def compare(provider: dict[tuple[str, str], tuple[int, str]], ours: dict[tuple[str, str], tuple[int, str]]) -> tuple[int, list[dict[str, Any]]]:
    """Pure: matched count and mismatches between two ``{(ref, type): (amount, currency)}`` maps."""
    matched = 0
    mismatches: list[dict[str, Any]] = []
    for key in sorted(set(provider) | set(ours)):
        ref, type_ = key
        theirs, mine = provider.get(key), ours.get(key)
        if theirs == mine:
            matched += 1
            continue
        kind = "missing_in_ledger" if mine is None else "missing_at_provider" if theirs is None else "amount_mismatch"
        mismatches.append({
            "kind": kind, "ref": ref, "type": type_,
            "provider_amount": theirs[0] if theirs else None, "ledger_amount": mine[0] if mine else None,
            "currency": (theirs or mine or (0, ""))[1],
        })
    return matched, mismatches


async def ledger_side(rt: PluginRuntime, pid: str, since: datetime, until: datetime) -> dict[tuple[str, str], tuple[int, str]]:
    rows = await rt.db.fetch(
        "SELECT e.kind AS kind, e.payment_id AS payment_id, e.instruction_id AS instruction_id, "
        "p.account AS account, p.currency AS currency, SUM(p.amount_minor) AS total "
        "FROM payments_entry e JOIN payments_posting p ON p.entry_id = e.id "
        "WHERE e.created_at >= {} AND e.created_at < {} AND e.plugin = {} "
        "GROUP BY e.kind, e.payment_id, e.instruction_id, p.account, p.currency",
        since, until, pid,
    )
    out: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, ""])
    for r in rows:
        kind, account, total = r["kind"], r["account"], int(r["total"])
        if kind in ("hold", "capture", "suspense") and account == "buyer_clearing":
            key = (r["payment_id"], "payment")
            out[key][0] -= total
        elif kind == "release" and account == "escrow_held":
            key = (r["instruction_id"], "release")
            out[key][0] -= total
        elif kind == "refund" and account == "refunds":
            key = (r["instruction_id"], "refund")
            out[key][0] += total
        elif kind == "payout" and account == "payouts":
            key = (r["instruction_id"], "payout")
            out[key][0] += total
        elif kind == "compensation" and account == "compensations":
            key = (r["instruction_id"], "compensation")
            out[key][0] += total
        else:
            continue
        out[key][1] = r["currency"]
    return {k: (v[0], v[1]) for k, v in out.items()}


async def provider_side(rt: PluginRuntime, pid: str, since: datetime, until: datetime) -> dict[tuple[str, str], tuple[int, str]]:
    lines = await adapter(rt, pid).statement(since, until)
    out: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, ""])
    for line in lines:
        type_ = "release" if line.type == "commission" else line.type
        out[(line.ref, type_)][0] += line.amount
        out[(line.ref, type_)][1] = line.currency
    return {k: (v[0], v[1]) for k, v in out.items()}


async def run(rt: PluginRuntime, pid: str, since: datetime, until: datetime) -> dict[str, Any]:
    """Compare, store the report, and answer it."""
    theirs = await provider_side(rt, pid, since, until)
    ours = await ledger_side(rt, pid, since, until)
    matched, mismatches = compare(theirs, ours)
    report_id = new_id("rec")
    async with rt.unit_of_work():
        await rt.db.execute(
            "INSERT INTO payments_reconciliation (id, plugin, provider, period_from, period_to, matched, mismatches, "
            "created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            report_id, pid, adapter(rt, pid).id, since, until, matched, msgspec.json.encode(mismatches).decode(),
            rt.clock.now(),
        )
    return {"id": report_id, "provider": adapter(rt, pid).id, "period_from": since, "period_to": until,
            "matched": matched, "mismatches": mismatches, "created_at": rt.clock.now()}
