"""The double-entry ledger of record for funds in the provider's custody.

Accounts are ``(account, owner)`` pairs; an amount posted to an account is signed, and a
balance is the sum of its postings (funds attributed to it):

================== ============ ===================================================
account            owner        meaning
================== ============ ===================================================
buyer_clearing     customer     paid in by the buyer (negative: money received)
escrow_held        merchant     held at the provider for one order (``order_id``)
merchant_payable   merchant     released to the merchant, not yet paid out
platform_commission platform    commission split to the platform at release/capture
refunds            customer     refunded to the buyer's original method
payouts            merchant     paid out to the merchant's settlement account
merchant_debt      merchant     refunds after release beyond the payable (negative: owed)
suspense           payment      received but not matched (amount mismatch, paid after cancel)
cod_fees           carrier      a carrier's fee kept from cash it collected on delivery
compensations      customer     paid to the buyer beyond the goods (by the merchant or the platform)
================== ============ ===================================================

:func:`post` is the only writer: it refuses an unbalanced entry, a non-positive or
unknown line, and any entry that would drive ``escrow_held``, ``merchant_payable`` or
``suspense`` below zero. Entries and postings are inserted, never updated or deleted
(corrections are new entries). Each entry names its order, payment, instruction and the
notification that confirmed it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import msgspec

from bazaar.sdk.api import new_id
from bazaar.sdk.errors import Conflict
from bazaar.sdk.runtime import PluginRuntime

ACCOUNTS = frozenset(
    {
        "buyer_clearing",
        "escrow_held",
        "merchant_payable",
        "platform_commission",
        "refunds",
        "payouts",
        "merchant_debt",
        "suspense",
        "cod_fees",
        "compensations",
    }
)
NON_NEGATIVE = frozenset({"escrow_held", "merchant_payable", "suspense"})
PLATFORM = "platform"


class Line(msgspec.Struct, frozen=True):
    """One posting of an entry: ``amount`` (signed) to ``account`` of ``owner``."""

    account: str
    owner: str
    amount: int
    order_id: str | None = None


class LedgerError(Conflict):
    code = "payments.ledger_refused"
    title = "The ledger refused the entry"


def check_balanced(lines: list[Line]) -> None:
    """Refuse unknown accounts, zero lines and entries whose lines do not sum to zero."""
    if len(lines) < 2:
        raise LedgerError("an entry needs at least two lines")
    for line in lines:
        if line.account not in ACCOUNTS:
            raise LedgerError(f"unknown account {line.account!r}")
        if line.amount == 0:
            raise LedgerError("an entry line may not be zero")
    if sum(line.amount for line in lines) != 0:
        raise LedgerError("the entry does not balance: " + ", ".join(f"{x.account} {x.amount}" for x in lines))


async def post(
    rt: PluginRuntime,
    *,
    key: str,
    kind: str,
    plugin: str,
    currency: str,
    lines: list[Line],
    order_id: str | None = None,
    payment_id: str | None = None,
    instruction_id: str | None = None,
    notification_id: str | None = None,
    memo: str = "",
) -> str | None:
    """Post one balanced entry inside the caller's unit of work; ``None`` if ``key`` was posted."""
    lines = [line for line in lines if line.amount != 0]
    check_balanced(lines)
    db = rt.db
    entry_id = new_id("jrn")
    now = rt.clock.now()
    inserted = await db.execute(
        "INSERT INTO payments_entry (id, key, plugin, kind, currency, order_id, payment_id, instruction_id, "
        "notification_id, memo, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
        "ON CONFLICT (key) DO NOTHING RETURNING id",
        entry_id, key, plugin, kind, currency, order_id, payment_id, instruction_id, notification_id, memo, now,
    )
    if not inserted:
        return None
    for seq, line in enumerate(lines):
        await db.execute(
            "INSERT INTO payments_posting (id, entry_id, seq, account, owner, order_id, currency, amount_minor, "
            "created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})",
            new_id("pst"), entry_id, seq, line.account, line.owner, line.order_id, currency, line.amount, now,
        )
    for line in lines:
        if line.account in NON_NEGATIVE:
            balance = await balance_of(rt, line.account, line.owner, currency,
                                       order_id=line.order_id if line.account == "escrow_held" else None)
            if balance < 0:
                raise LedgerError(f"{line.account} of {line.owner} would be {balance}")
    return entry_id


async def balance_of(rt: PluginRuntime, account: str, owner: str, currency: str, *, order_id: str | None = None) -> int:
    sql = ("SELECT COALESCE(SUM(amount_minor), 0) AS balance FROM payments_posting "
           "WHERE account = {} AND owner = {} AND currency = {}")
    args: list[Any] = [account, owner, currency]
    if order_id is not None:
        sql += " AND order_id = {}"
        args.append(order_id)
    row = await rt.db.fetchrow(sql, *args)
    assert row is not None
    return int(row["balance"])


async def order_totals(rt: PluginRuntime, order_id: str) -> dict[str, int]:
    """Per order: paid, held, released, refunded, commission (minor units)."""
    rows = await rt.db.fetch(
        "SELECT e.kind AS kind, p.account AS account, SUM(p.amount_minor) AS total FROM payments_posting p "
        "JOIN payments_entry e ON e.id = p.entry_id WHERE p.order_id = {} GROUP BY e.kind, p.account",
        order_id,
    )
    sums: dict[tuple[str, str], int] = {(r["kind"], r["account"]): int(r["total"]) for r in rows}
    by_account: dict[str, int] = defaultdict(int)
    for (_, account), total in sums.items():
        by_account[account] += total
    return {
        "paid": -by_account["buyer_clearing"],
        "held": by_account["escrow_held"],
        "released": -sums.get(("release", "escrow_held"), 0),
        "refunded": by_account["refunds"],
        "commission": by_account["platform_commission"],
    }


async def merchant_totals(rt: PluginRuntime, merchant_id: str, currency: str) -> dict[str, int]:
    """Per merchant: held (all orders), payable, paid out, debt (what it owes)."""
    rows = await rt.db.fetch(
        "SELECT account, SUM(amount_minor) AS total FROM payments_posting WHERE owner = {} AND currency = {} "
        "GROUP BY account",
        merchant_id, currency,
    )
    by = {r["account"]: int(r["total"]) for r in rows}
    return {
        "held": by.get("escrow_held", 0),
        "payable": by.get("merchant_payable", 0),
        "paid_out": by.get("payouts", 0),
        "debt": -by.get("merchant_debt", 0),
    }


async def trial_balance(rt: PluginRuntime) -> dict[str, Any]:
    """Every account's balance by currency, whether each currency sums to zero, and unbalanced entries."""
    rows = await rt.db.fetch(
        "SELECT currency, account, SUM(amount_minor) AS total FROM payments_posting GROUP BY currency, account "
        "ORDER BY currency, account"
    )
    accounts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        accounts[r["currency"]][r["account"]] = int(r["total"])
    bad = await rt.db.fetch(
        "SELECT entry_id FROM payments_posting GROUP BY entry_id HAVING SUM(amount_minor) <> 0"
    )
    negative = await rt.db.fetch(
        "SELECT account, owner, order_id, SUM(amount_minor) AS total FROM payments_posting "
        "WHERE account = 'escrow_held' GROUP BY account, owner, order_id, currency HAVING SUM(amount_minor) < 0"
    )
    negative += await rt.db.fetch(
        "SELECT account, owner, SUM(amount_minor) AS total FROM payments_posting "
        "WHERE account IN ('merchant_payable', 'suspense') GROUP BY account, owner, currency "
        "HAVING SUM(amount_minor) < 0"
    )
    return {
        "balanced": all(sum(a.values()) == 0 for a in accounts.values()) and not bad,
        "accounts": dict(accounts),
        "unbalanced_entries": [r["entry_id"] for r in bad],
        "negative_balances": [dict(r) for r in negative],
    }
