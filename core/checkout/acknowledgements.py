"""Checkout acknowledgements: what plugins ask the buyer to tick, the check, and the order's record.

Plugins answer ``bazaar_collect_checkout_acknowledgements``; the core takes the union by id,
refuses a checkout that does not tick every one (``422 acknowledgement_required`` on the field
``acknowledgements``, each missing id named; an id nobody asked for is ``422
unknown_acknowledgement``) and stores each ticked one with the orders whose lines it is about.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from bazaar.sdk.errors import FieldProblem, ProviderError, ValidationFailed
from bazaar.sdk.types import Acknowledgement, AcknowledgementRecord, CheckoutQuote, HookContext


async def required(rt: Any, ctx: HookContext, quote: CheckoutQuote) -> dict[str, tuple[str, Acknowledgement]]:
    """Every acknowledgement asked for this quote, by id, with the plugin that asked."""
    asked: dict[str, tuple[str, Acknowledgement]] = {}
    for plugin, answer in await rt.plugins.collect("bazaar_collect_checkout_acknowledgements", ctx=ctx, quote=quote):
        for ack in answer or ():
            if not isinstance(ack, Acknowledgement) or not ack.id or not ack.text:
                raise ProviderError(f"plugin {plugin!r} asked for an invalid acknowledgement {ack!r}",
                                    code="plugin_failed")
            if ack.id in asked and asked[ack.id][1] != ack:
                raise ProviderError(f"plugins {asked[ack.id][0]!r} and {plugin!r} ask {ack.id!r} differently",
                                    code="plugin_failed")
            asked[ack.id] = (plugin, ack)
    return dict(sorted(asked.items()))


def check(asked: dict[str, tuple[str, Acknowledgement]], ticked: list[str]) -> None:
    """Refuse a checkout that leaves one unticked, or ticks one nobody asked for."""
    unknown = [a for a in ticked if a not in asked]
    if unknown:
        raise ValidationFailed("acknowledgements nobody asked for", code="unknown_acknowledgement",
                               errors=[FieldProblem(field="acknowledgements", reason="not asked for this checkout",
                                                    value=a[:100]) for a in unknown])
    missing = [ack for a, (_, ack) in asked.items() if a not in ticked]
    if missing:
        raise ValidationFailed(
            "tick every acknowledgement to check out", code="acknowledgement_required",
            errors=[FieldProblem(field="acknowledgements", reason=ack.text, value=ack.id) for ack in missing],
            extra={"required": [msgspec.to_builtins(ack) for ack in missing]},
        )


def for_order(asked: dict[str, tuple[str, Acknowledgement]], sku_ids: set[str], at: datetime) -> str:
    """The JSON record of the acknowledgements that concern one order's lines."""
    return msgspec.json.encode([
        AcknowledgementRecord(id=ack.id, text=ack.text, sku_ids=ack.sku_ids, plugin=plugin, accepted_at=at)
        for plugin, ack in asked.values() if not ack.sku_ids or set(ack.sku_ids) & sku_ids
    ]).decode()
