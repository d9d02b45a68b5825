"""Compensation (``PaymentProvider.compensate``): money beyond the goods, charged to the merchant
(payable, then debt) or the platform; an instruction confirmed by the provider, idempotent, reconciled."""

from __future__ import annotations

from typing import Any

import pytest
from payments_market import make_market

from bazaar.sdk.errors import ValidationFailed
from bazaar.sdk.money import Money
from bazaar.sdk.types import CompensationRequest


async def _compensate(m: Any, order_id: str, amount: int, payer: str, key: str) -> Any:
    rt = m.rt
    provider = rt.provider("payment", m.plugin)
    snap = await _snapshot(rt, order_id)
    async with rt.unit_of_work():
        return await provider.compensate(rt.context(), CompensationRequest(
            order=snap, amount=Money(amount=amount, currency="CNY"), payer=payer, reason="return shipping",
            idempotency_key=key))


async def _snapshot(rt: Any, order_id: str) -> Any:
    from bazaar.sdk.services import order_snapshot

    return await order_snapshot(rt, order_id)


@pytest.mark.parametrize("payer", ["merchant", "platform"])
async def test_compensation_is_confirmed_posted_and_reconciled(bazaar_factory: Any, payer: str) -> None:
    m = await make_market(bazaar_factory)
    body = await m.paid((1, 0))
    order_id = body["orders"][0]["id"]
    merchant = body["orders"][0]["merchant_id"]
    result = await _compensate(m, order_id, 800, payer, "case-1")
    assert result.status == "pending" and result.amount.amount == 800
    again = await _compensate(m, order_id, 800, payer, "case-1")
    assert again.refund_id == result.refund_id  # the same key is the same instruction
    await m.advance(seconds=1)
    tb = await m.assert_balanced()
    assert tb["accounts"]["CNY"]["compensations"] == 800
    balance = await m.balance(merchant)
    if payer == "merchant":  # the money is still held: nothing payable, so the merchant owes it
        assert balance["debt"] == 800
    else:
        assert balance["debt"] == 0 and tb["accounts"]["CNY"]["platform_commission"] == -800
    assert (await m.payment_of(order_id))["refunded"] == 0  # not a refund of the goods
    report = await m.reconcile()
    assert report["mismatches"] == []


async def test_invalid_compensation_is_refused(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory)
    body = await m.paid((1, 0))
    with pytest.raises(ValidationFailed) as info:
        await _compensate(m, body["orders"][0]["id"], 0, "merchant", "zero")
    assert info.value.code == "payments.invalid_compensation"
