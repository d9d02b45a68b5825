"""The sandbox's side: its own state and rules, as a remote provider would keep them.

Each operation runs in its own transaction and is idempotent by ``ref`` (the caller's
instruction id). Outcomes are reported by queued notifications, delivered by
``notices.py``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import msgspec

from bazaar.plugins.payments.config import SandboxConfig
from bazaar.plugins.payments.providers.base import (
    Ack,
    AlreadyPaid,
    CreatePayment,
    PaymentStatus,
    StatementLine,
    decode_detail,
)
from bazaar.sdk.api import new_id
from bazaar.sdk.errors import Conflict, NotFound
from bazaar.sdk.runtime import PluginRuntime

PLATFORM_ACCOUNT = "platform"


class Bank:
    """The sandbox provider's books; ``deliver_kind`` is the timer that sends its notices."""

    def __init__(self, rt: PluginRuntime, deliver_kind: str, config: SandboxConfig) -> None:
        self.rt = rt
        self.deliver_kind = deliver_kind
        self.config = config

    # --- helpers --------------------------------------------------------------------

    async def _seen(self, ref: str) -> dict[str, Any] | None:
        row = await self.rt.db.fetchrow("SELECT answer FROM payments_sandbox_request WHERE reference = {}", ref)
        return decode_detail(row["answer"]) if row else None

    async def _remember(self, ref: str, kind: str, answer: dict[str, Any]) -> None:
        await self.rt.db.execute(
            "INSERT INTO payments_sandbox_request (reference, kind, answer, at) VALUES ({}, {}, {}, {})",
            ref, kind, msgspec.json.encode(answer).decode(), self.rt.clock.now(),
        )

    async def _move(self, ref: str, type_: str, currency: str, amount: int, *, payment_id: str | None = None,
                    split_key: str | None = None, account: str | None = None) -> None:
        await self.rt.db.execute(
            "INSERT INTO payments_sandbox_movement (id, reference, type, payment_id, split_key, account, currency, "
            "amount_minor, at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})",
            new_id("sbm"), ref, type_, payment_id, split_key, account, currency, amount, self.rt.clock.now(),
        )

    async def _notify(self, notify_url: str, body: dict[str, Any]) -> None:
        rt = self.rt
        now = rt.clock.now()
        body = {"id": new_id("sbn"), "occurred_at": now.isoformat(), **body}
        seq_row = await rt.db.fetchrow("SELECT COALESCE(MAX(seq), 0) AS seq FROM payments_sandbox_notice")
        assert seq_row is not None
        deliver_at = now + timedelta(seconds=self.config.delay_seconds)
        await rt.db.execute(
            "INSERT INTO payments_sandbox_notice (id, seq, notify_url, body, deliver_at, delivered, created_at) "
            "VALUES ({}, {}, {}, {}, {}, 0, {})",
            body["id"], int(seq_row["seq"]) + 1, notify_url, msgspec.json.encode(body).decode(), deliver_at, now,
        )
        if not self.config.hold:
            await rt.timers.schedule(self.deliver_kind, body["id"], deliver_at, {})

    async def _payment(self, payment_id: str) -> dict[str, Any]:
        lock = "" if self.rt.db.engine_name == "sqlite" else " FOR UPDATE"
        row = await self.rt.db.fetchrow(f"SELECT * FROM payments_sandbox_payment WHERE id = {{}}{lock}", payment_id)
        if row is None:
            raise NotFound("no such sandbox payment", code="payments.sandbox_unknown_payment")
        row["splits"] = decode_detail(row["splits"])
        return row

    async def account_balance(self, account: str) -> int:
        row = await self.rt.db.fetchrow(
            "SELECT COALESCE(SUM(CASE WHEN type IN ('release', 'settle') THEN amount_minor "
            "WHEN type IN ('refund', 'payout', 'compensation') THEN -amount_minor ELSE 0 END), 0) AS balance "
            "FROM payments_sandbox_movement WHERE account = {}",
            account,
        )
        assert row is not None
        return int(row["balance"])

    async def _refunded(self, payment_id: str) -> int:
        row = await self.rt.db.fetchrow(
            "SELECT COALESCE(SUM(amount_minor), 0) AS total FROM payments_sandbox_movement "
            "WHERE payment_id = {} AND type = 'refund'",
            payment_id,
        )
        assert row is not None
        return int(row["total"])

    # --- the API the adapter calls --------------------------------------------------

    async def create_payment(self, request: CreatePayment) -> Ack:
        async with self.rt.unit_of_work():
            seen = await self._seen(request.ref)
            if seen:
                return msgspec.convert(seen, Ack)
            payment_id = new_id("sbp")
            splits = {
                s.key: {"amount": s.amount, "held": 0, "account": s.account_ref} for s in request.splits
            }
            await self.rt.db.execute(
                "INSERT INTO payments_sandbox_payment (id, merchant_ref, mode, currency, amount_minor, splits, "
                "status, paid_minor, notify_url, created_at) VALUES ({}, {}, {}, {}, {}, {}, 'created', 0, {}, {})",
                payment_id, request.ref, request.mode, request.currency, request.amount,
                msgspec.json.encode({"splits": splits, "bps": request.commission_bps}).decode(),
                request.notify_url, self.rt.clock.now(),
            )
            ack = Ack(provider_ref=payment_id, pay_url=f"/api/v1/payments/sandbox/pay/{payment_id}")
            await self._remember(request.ref, "create", msgspec.to_builtins(ack))
            return ack

    async def query(self, payment_id: str) -> PaymentStatus:
        row = await self._payment(payment_id)
        return PaymentStatus(provider_ref=row["id"], status=row["status"], amount=row["amount_minor"],
                             currency=row["currency"])

    async def view(self, payment_id: str) -> dict[str, Any]:
        row = await self._payment(payment_id)
        return {"id": row["id"], "status": row["status"], "amount": row["amount_minor"],
                "currency": row["currency"], "mode": row["mode"], "reference": row["merchant_ref"]}

    async def approve(self, payment_id: str, amount: int | None = None, currency: str | None = None) -> dict[str, Any]:
        """The payer approves on the hosted page (tests may pay a wrong amount to test checks)."""
        async with self.rt.unit_of_work():
            row = await self._payment(payment_id)
            if row["status"] != "created":
                raise Conflict(f"payment is {row['status']}", code="payments.sandbox_not_payable")
            paid = row["amount_minor"] if amount is None else amount
            cur = currency or row["currency"]
            book = row["splits"]
            if paid == row["amount_minor"] and cur == row["currency"]:
                for key, split in book["splits"].items():
                    if row["mode"] == "hold":
                        split["held"] = split["amount"]
                    else:
                        commission = (split["amount"] * book.get("bps", 0) + 5_000) // 10_000
                        await self._move(row["merchant_ref"], "settle", cur, split["amount"] - commission,
                                         payment_id=payment_id, split_key=key, account=split["account"])
                        await self._move(row["merchant_ref"], "settle", cur, commission,
                                         payment_id=payment_id, split_key=key, account=PLATFORM_ACCOUNT)
            else:
                book["unallocated"] = paid
            await self.rt.db.execute(
                "UPDATE payments_sandbox_payment SET status = 'succeeded', paid_minor = {}, splits = {} WHERE id = {}",
                paid, msgspec.json.encode(book).decode(), payment_id,
            )
            await self._move(row["merchant_ref"], "payment", cur, paid, payment_id=payment_id)
            await self._notify(row["notify_url"], {
                "type": "payment.succeeded", "payment_ref": payment_id, "instruction_ref": row["merchant_ref"],
                "amount": paid, "currency": cur,
            })
        return await self.view(payment_id)

    async def decline(self, payment_id: str) -> dict[str, Any]:
        async with self.rt.unit_of_work():
            row = await self._payment(payment_id)
            if row["status"] != "created":
                raise Conflict(f"payment is {row['status']}", code="payments.sandbox_not_payable")
            await self.rt.db.execute("UPDATE payments_sandbox_payment SET status = 'declined' WHERE id = {}", payment_id)
            await self._notify(row["notify_url"], {
                "type": "payment.failed", "payment_ref": payment_id, "instruction_ref": row["merchant_ref"],
                "currency": row["currency"],
            })
        return await self.view(payment_id)

    async def close(self, ref: str, payment_id: str) -> Ack:
        async with self.rt.unit_of_work():
            if await self._seen(ref):
                return Ack(provider_ref=payment_id)
            row = await self._payment(payment_id)
            if row["status"] == "succeeded":  # refused at once, as real providers do; nothing remembered
                raise AlreadyPaid(f"payment {payment_id} is already paid")
            # created, declined or already closed: closed now, confirmed by notice (was silent unless created)
            await self.rt.db.execute("UPDATE payments_sandbox_payment SET status = 'closed' WHERE id = {}", payment_id)
            await self._notify(row["notify_url"], {
                # like every payment notice: instruction_ref is the shop's payment id (its reference)
                "type": "payment.closed", "payment_ref": payment_id, "instruction_ref": row["merchant_ref"],
                "currency": row["currency"],
            })
            await self._remember(ref, "close", {"provider_ref": payment_id})
            return Ack(provider_ref=payment_id)

    async def release(self, ref: str, payment_id: str, split_key: str, currency: str, merchant_amount: int,
                      commission: int, account_ref: str) -> Ack:
        async with self.rt.unit_of_work():
            if await self._seen(ref):
                return Ack(provider_ref=ref)
            row = await self._payment(payment_id)
            book = row["splits"]
            split = book["splits"].get(split_key)
            total = merchant_amount + commission
            ok = split is not None and row["status"] == "succeeded" and split["held"] >= total and currency == row["currency"]
            if ok:
                split["held"] -= total
                await self.rt.db.execute("UPDATE payments_sandbox_payment SET splits = {} WHERE id = {}",
                                         msgspec.json.encode(book).decode(), payment_id)
                await self._move(ref, "release", currency, merchant_amount, payment_id=payment_id,
                                 split_key=split_key, account=account_ref)
                if commission:
                    await self._move(ref, "commission", currency, commission, payment_id=payment_id,
                                     split_key=split_key, account=PLATFORM_ACCOUNT)
            await self._notify(row["notify_url"], {
                "type": "release.succeeded" if ok else "release.failed", "payment_ref": payment_id,
                "instruction_ref": ref, "amount": total, "currency": currency,
            })
            await self._remember(ref, "release", {"ok": ok})
            return Ack(provider_ref=ref)

    async def refund(self, ref: str, payment_id: str, split_key: str, currency: str, amount: int, source: str,
                     account_ref: str | None) -> Ack:
        async with self.rt.unit_of_work():
            if await self._seen(ref):
                return Ack(provider_ref=ref)
            row = await self._payment(payment_id)
            book = row["splits"]
            split = book["splits"].get(split_key)
            refunded = await self._refunded(payment_id)
            ok = row["status"] == "succeeded" and currency == row["currency"] and refunded + amount <= row["paid_minor"]
            if ok and source == "hold":
                ok = split is not None and split["held"] >= amount
                if ok:
                    split["held"] -= amount
                    await self.rt.db.execute("UPDATE payments_sandbox_payment SET splits = {} WHERE id = {}",
                                             msgspec.json.encode(book).decode(), payment_id)
            if ok:
                await self._move(ref, "refund", currency, amount, payment_id=payment_id, split_key=split_key,
                                 account=account_ref if source == "merchant" else None)
            await self._notify(row["notify_url"], {
                "type": "refund.succeeded" if ok else "refund.failed", "payment_ref": payment_id,
                "instruction_ref": ref, "amount": amount, "currency": currency,
            })
            await self._remember(ref, "refund", {"ok": ok})
            return Ack(provider_ref=ref)

    async def compensate(self, ref: str, payment_id: str, split_key: str, currency: str, amount: int, payer: str,
                         account_ref: str | None) -> Ack:
        """Pay the payer of ``payment_id`` ``amount`` from the merchant's account (it may go below zero:
        the merchant owes it) or the platform's."""
        async with self.rt.unit_of_work():
            if await self._seen(ref):
                return Ack(provider_ref=ref)
            row = await self._payment(payment_id)
            ok = row["status"] == "succeeded" and currency == row["currency"] and amount > 0
            if ok:
                account = PLATFORM_ACCOUNT if payer == "platform" else account_ref
                await self._move(ref, "compensation", currency, amount, payment_id=payment_id, split_key=split_key,
                                 account=account)
            await self._notify(row["notify_url"], {
                "type": "compensate.succeeded" if ok else "compensate.failed", "payment_ref": payment_id,
                "instruction_ref": ref, "amount": amount, "currency": currency,
            })
            await self._remember(ref, "compensate", {"ok": ok})
            return Ack(provider_ref=ref)

    async def payout(self, ref: str, account_ref: str, currency: str, amount: int, notify_url: str) -> Ack:
        async with self.rt.unit_of_work():
            if await self._seen(ref):
                return Ack(provider_ref=ref)
            bound = await self.rt.db.fetchrow(
                "SELECT id FROM payments_sandbox_account WHERE owner_ref = {}", account_ref
            )
            ok = bound is not None and await self.account_balance(account_ref) >= amount > 0
            if ok:
                await self._move(ref, "payout", currency, amount, account=account_ref)
            await self._notify(notify_url, {
                "type": "payout.succeeded" if ok else "payout.failed", "instruction_ref": ref,
                "amount": amount, "currency": currency,
            })
            await self._remember(ref, "payout", {"ok": ok})
            return Ack(provider_ref=ref)

    async def register_account(self, owner_ref: str, holder_name: str, bank_account: str) -> str:
        """Bind a bank account to the sub-merchant ``owner_ref``; the sub-merchant id is the ref."""
        async with self.rt.unit_of_work():
            row = await self.rt.db.fetchrow("SELECT id FROM payments_sandbox_account WHERE owner_ref = {}", owner_ref)
            if row:
                await self.rt.db.execute(
                    "UPDATE payments_sandbox_account SET holder_name = {}, bank_account = {} WHERE id = {}",
                    holder_name, bank_account, row["id"],
                )
            else:
                await self.rt.db.execute(
                    "INSERT INTO payments_sandbox_account (id, owner_ref, holder_name, bank_account, created_at) "
                    "VALUES ({}, {}, {}, {}, {})",
                    new_id("sba"), owner_ref, holder_name, bank_account, self.rt.clock.now(),
                )
            return owner_ref

    async def statement(self, since: Any, until: Any) -> list[StatementLine]:
        rows = await self.rt.db.fetch(
            "SELECT reference, type, amount_minor, currency, at, split_key FROM payments_sandbox_movement "
            "WHERE at >= {} AND at < {} AND type <> 'settle' ORDER BY at, id",
            since, until,
        )
        return [
            StatementLine(ref=r["reference"], type=r["type"], amount=int(r["amount_minor"]), currency=r["currency"],
                          at=r["at"], split_key=r["split_key"])
            for r in rows
        ]
