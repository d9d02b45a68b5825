"""Cash collected on delivery (COD) entering the ledger of record: ``CollectionRecorder``.

A carrier collects cash at the door and remits it, less its fee, to the licensed provider;
the logistics.cod plugin reconciles the carrier's remittance file and calls
``record_collections`` with each matched line. Here each collection becomes, in one set of
multi-row statements (a file may have 100,000 lines):

* one ``payments_payment`` per batch (method ``cod``, ``paid``: the carrier's remittance) and a
  ``payments_order`` per collected order;
* one balanced entry ``cod:<order>``: ``buyer_clearing`` -amount; ``cod_fees`` (owner: the
  carrier) +fee; then, escrow, ``escrow_held`` +net; instant, ``platform_commission`` and
  ``merchant_payable`` (the commission split of the net);
* escrow: the receipt clock starts at the collection (``confirm_due_at``); one
  ``<plugin>.cod_confirm`` timer per due day confirms and releases what fell due.

Idempotent by ``idempotency_key`` (the entry key): a collection recorded before is skipped.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bazaar.plugins.payments import ledger, orders_port, policy, service
from bazaar.sdk import services
from bazaar.sdk.bulk import insert_rows, new_ids
from bazaar.sdk.errors import BazaarError, ValidationFailed
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due
from bazaar.sdk.types import CollectedPayment

CHUNK = 50_000
SEEN_CHUNK = 5_000


def confirm_kind(pid: str) -> str:
    return f"{pid}.cod_confirm"


async def record_collections(rt: PluginRuntime, pid: str, collections: tuple[CollectedPayment, ...]) -> list[str]:
    """Post every collection not posted before (see the module doc); answers the entry keys, in order."""
    keys = [f"cod:{c.idempotency_key}" for c in collections]
    for c in collections:
        if c.amount.amount <= 0 or c.fee.amount < 0 or c.fee.amount > c.amount.amount or \
                c.fee.currency != c.amount.currency:
            raise ValidationFailed(f"collection {c.idempotency_key} is not a valid amount",
                                   code="payments.invalid_collection")
    async with rt.unit_of_work():
        seen: set[str] = set()
        for start in range(0, len(keys), SEEN_CHUNK):
            part = keys[start:start + SEEN_CHUNK]
            marks = ", ".join("{}" for _ in part)
            rows = await rt.db.fetch(f"SELECT key FROM payments_entry WHERE key IN ({marks})", *part)
            seen.update(r["key"] for r in rows)
        todo = [(k, c) for k, c in zip(keys, collections, strict=True) if k not in seen]
        if todo:
            await _post(rt, pid, todo)
    return keys


async def _post(rt: PluginRuntime, pid: str, todo: list[tuple[str, CollectedPayment]]) -> None:
    now = rt.clock.now()
    rules = service.rules(rt, pid)
    escrow = pid == service.ESCROW
    days = rules["auto_confirm.express_days"]
    cur = todo[0][1].amount.currency
    if any(c.amount.currency != cur for _, c in todo):
        raise ValidationFailed("one batch of collections is in one currency", code="payments.invalid_collection")
    # one provider payment per batch (a carrier's remittance), one payments_order per collected order
    [payment_id] = new_ids("pay", 1)
    total = sum(c.amount.amount for _, c in todo)
    await rt.db.execute(
        "INSERT INTO payments_payment (id, plugin, provider, checkout_id, customer_id, method, currency, amount_minor, "
        "state, created_at, paid_at, received_minor, received_currency) VALUES "
        "({}, {}, {}, {}, {}, 'cod', {}, {}, 'paid', {}, {}, {}, {})",
        payment_id, pid, rt.plugin_config(pid).provider, f"cod_{payment_id}", "cod-remittance", cur, total, now, now,
        total, cur,
    )
    entry_ids = new_ids("jrn", len(todo))
    orders, entries, postings = [], [], []
    due_days: set[Any] = set()
    for (key, c), entry_id in zip(todo, entry_ids, strict=True):
        merchant, customer, checkout = await _parties(rt, c)
        net = c.amount.amount - c.fee.amount
        due = rt.calendar.add_days(c.collected_at, days) if escrow and days is not None else None
        if due is not None:
            due_days.add(rt.calendar.local_date(due))
        orders.append([c.order_id, payment_id, checkout, merchant, customer, pid, cur, net,
                       "held" if escrow else "captured", c.collected_at, due, now])
        entries.append([entry_id, key, pid, "cod", cur, c.order_id, payment_id,
                        f"COD {c.carrier} {c.waybill}, fee {c.fee.amount}", now])
        lines = [ledger.Line("buyer_clearing", customer, -c.amount.amount, c.order_id),
                 ledger.Line("cod_fees", c.carrier, c.fee.amount, c.order_id)]
        if escrow:
            lines.append(ledger.Line("escrow_held", merchant, net, c.order_id))
        else:
            split = policy.release_split(net, rules["commission_bps"])
            lines += [ledger.Line("platform_commission", ledger.PLATFORM, split.commission, c.order_id),
                      ledger.Line("merchant_payable", merchant, split.merchant, c.order_id)]
        lines = [ln for ln in lines if ln.amount != 0]
        ledger.check_balanced(lines)
        postings += [[f"{entry_id}:{seq}", entry_id, seq, ln.account, ln.owner, ln.order_id, cur, ln.amount, now]
                     for seq, ln in enumerate(lines)]
    await insert_rows(rt, "payments_order",
                      ["order_id", "payment_id", "checkout_id", "merchant_id", "customer_id", "plugin", "currency",
                       "amount_minor", "state", "shipped_at", "confirm_due_at", "updated_at"],
                      ["text", "text", "text", "text", "text", "text", "text", "bigint", "text", "timestamptz",
                       "timestamptz", "timestamptz"], orders, chunk=CHUNK)
    await insert_rows(rt, "payments_entry",
                      ["id", "key", "plugin", "kind", "currency", "order_id", "payment_id", "memo", "created_at"],
                      ["text", "text", "text", "text", "text", "text", "text", "text", "timestamptz"], entries,
                      chunk=CHUNK)
    await insert_rows(rt, "payments_posting",
                      ["id", "entry_id", "seq", "account", "owner", "order_id", "currency", "amount_minor", "created_at"],
                      ["text", "text", "integer", "text", "text", "text", "text", "bigint", "timestamptz"], postings,
                      chunk=CHUNK * 3)
    for day in sorted(due_days):
        await rt.timers.schedule(confirm_kind(pid), day.isoformat(), rt.calendar.end_of_day(day), {})
    if not escrow:
        await service.ensure_payout_timer(rt, pid)


async def _parties(rt: PluginRuntime, c: CollectedPayment) -> tuple[str, str, str]:
    if c.merchant_id and c.customer_id and c.checkout_id:
        return c.merchant_id, c.customer_id, c.checkout_id
    snap = await services.order_snapshot(rt, c.order_id)
    return snap.merchant_id, snap.customer_id, snap.checkout_id


def confirm_timer(pid: str) -> Any:
    async def cod_confirm(rt: PluginRuntime, due: Due) -> None:
        """Timer (one per due day): confirm and release COD orders whose receipt window ended."""
        rows = await rt.db.fetch(
            "SELECT o.order_id FROM payments_order o JOIN payments_payment p ON p.id = o.payment_id "
            "WHERE o.plugin = {} AND p.method = 'cod' AND o.state = 'held' AND o.confirm_due_at <= {} "
            "AND o.paused_remaining_seconds IS NULL ORDER BY o.order_id",
            pid, rt.clock.now() + timedelta(seconds=1),
        )
        for row in rows:
            try:
                await orders_port.auto_confirm(rt, row["order_id"], pid)
            except BazaarError:  # the buyer confirmed already (the order moved on): release anyway
                pass
            await service.request_release(rt, pid, row["order_id"], "auto-confirmed (COD)", from_timer=True)

    return cod_confirm

