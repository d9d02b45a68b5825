"""The sandbox behind the provider adapter interface (what a real adapter module looks like).

A real adapter would make HTTPS calls here; the sandbox calls its ``Bank`` in-process,
which keeps its own tables, so the plugin code above this line is the same either way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from bazaar.plugins.payments.config import SandboxConfig
from bazaar.plugins.payments.providers.base import (
    Ack,
    BadNotification,
    CreatePayment,
    Notice,
    PaymentStatus,
    StatementLine,
)
from bazaar.plugins.payments.providers.sandbox import signing
from bazaar.plugins.payments.providers.sandbox.bank import Bank
from bazaar.plugins.payments.providers.sandbox.notices import Sender
from bazaar.sdk.runtime import PluginRuntime

NOTIFY_PATH = "/api/v1/payments/notify/sandbox"


class SandboxAdapter:
    id = "sandbox"

    def __init__(self, rt: PluginRuntime, plugin_id: str, config: SandboxConfig, tolerance: int) -> None:
        self.rt = rt
        #: replaces the configured notification sender when set (tests)
        self.sender: Sender | None = None
        self.plugin_id = plugin_id
        self.config = config
        self.tolerance = tolerance
        self.bank = Bank(rt, f"{plugin_id}.sandbox_deliver", config)

    async def create_payment(self, request: CreatePayment) -> Ack:
        return await self.bank.create_payment(request)

    async def query_payment(self, provider_ref: str) -> PaymentStatus:
        return await self.bank.query(provider_ref)

    async def close_payment(self, ref: str, provider_ref: str) -> Ack:
        return await self.bank.close(ref, provider_ref)

    async def release(self, ref: str, provider_ref: str, split_key: str, currency: str, merchant_amount: int,
                      commission: int, account_ref: str) -> Ack:
        return await self.bank.release(ref, provider_ref, split_key, currency, merchant_amount, commission, account_ref)

    async def refund(self, ref: str, provider_ref: str, split_key: str, currency: str, amount: int,
                     source: Literal["hold", "merchant", "suspense"], account_ref: str | None) -> Ack:
        return await self.bank.refund(ref, provider_ref, split_key, currency, amount, source, account_ref)

    async def compensate(self, ref: str, provider_ref: str, split_key: str, currency: str, amount: int,
                         payer: Literal["merchant", "platform"], account_ref: str | None) -> Ack:
        return await self.bank.compensate(ref, provider_ref, split_key, currency, amount, payer, account_ref)

    async def payout(self, ref: str, account_ref: str, currency: str, amount: int) -> Ack:
        return await self.bank.payout(ref, account_ref, currency, amount, NOTIFY_PATH)

    async def register_account(self, owner_ref: str, holder_name: str, bank_account: str) -> str:
        return await self.bank.register_account(owner_ref, holder_name, bank_account)

    def verify(self, headers: dict[str, str], body: bytes, now: datetime) -> Notice:
        header = headers.get(signing.HEADER, "")
        problem = signing.check(self.config.secret, header, body, int(now.timestamp()), self.tolerance)
        if problem == "stale":
            raise BadNotification("stale_notification", "the notification's timestamp is outside the tolerance")
        if problem:
            raise BadNotification("bad_signature", "the notification's signature does not verify")
        try:
            return msgspec.json.decode(body, type=Notice)
        except msgspec.ValidationError as exc:
            raise BadNotification("malformed_notification", f"the notification is malformed: {exc}") from None

    async def statement(self, since: datetime, until: datetime) -> list[StatementLine]:
        return await self.bank.statement(since, until)
