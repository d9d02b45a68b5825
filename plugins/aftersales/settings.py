"""A merchant's after-sales settings: the default return address, and per-product declarations
(an excluded kind, a confirmable kind the buyer ticks at checkout, the goods class for inspection)."""

from __future__ import annotations

from typing import Any

import msgspec

from bazaar.plugins.aftersales import ports
from bazaar.plugins.aftersales.cases import rules
from bazaar.plugins.aftersales.schemas import ProductRuleIn, ProductRuleOut, SettingsIn
from bazaar.sdk import services
from bazaar.sdk.errors import FieldProblem, NotFound, ValidationFailed
from bazaar.sdk.runtime import PluginRuntime


async def save(rt: PluginRuntime, merchant_id: str, data: SettingsIn) -> dict[str, Any]:
    async with rt.unit_of_work():
        sealed = ports.seal(rt, msgspec.json.encode(data.return_address).decode())
        await rt.db.execute(
            "INSERT INTO aftersales_merchant (merchant_id, return_address, updated_at) VALUES ({}, {}, {}) "
            "ON CONFLICT (merchant_id) DO UPDATE SET return_address = {}, updated_at = {}",
            merchant_id, sealed, rt.clock.now(), sealed, rt.clock.now())
    return {"merchant_id": merchant_id, "return_address": msgspec.to_builtins(data.return_address)}


async def _product(rt: PluginRuntime, merchant_id: str, product_id: str) -> None:
    try:
        listing = await services.product_snapshot(rt, product_id)
    except NotFound:
        listing = None
    if listing is None or listing.merchant_id != merchant_id:
        raise NotFound("no such product", code="aftersales.product_not_found")


async def declare(rt: PluginRuntime, merchant_id: str, product_id: str, data: ProductRuleIn) -> ProductRuleOut:
    await _product(rt, merchant_id, product_id)
    r = rules(rt)
    problems = []
    if data.excluded_kind and data.excluded_kind not in (r["no_reason.excluded"] or []):
        problems.append(FieldProblem(field="excluded_kind", reason="one of " + ", ".join(r["no_reason.excluded"] or []),
                                     value=data.excluded_kind))
    if data.confirmable_kind and data.confirmable_kind not in (r["no_reason.confirmable"] or []):
        problems.append(FieldProblem(field="confirmable_kind",
                                     reason="one of " + (", ".join(r["no_reason.confirmable"] or []) or "nothing here"),
                                     value=data.confirmable_kind))
    classes = (r["intact_rules"] or {}).get("classes", {})
    if data.intact_class not in classes:
        problems.append(FieldProblem(field="intact_class", reason="one of " + ", ".join(classes), value=data.intact_class))
    if problems:
        raise ValidationFailed("not a kind this preset knows", code="aftersales.invalid_declaration", errors=problems)
    async with rt.unit_of_work():
        await rt.db.execute(
            "INSERT INTO aftersales_product (product_id, merchant_id, excluded_kind, confirmable_kind, intact_class, "
            "updated_at) VALUES ({}, {}, {}, {}, {}, {}) ON CONFLICT (product_id) DO UPDATE SET excluded_kind = {}, "
            "confirmable_kind = {}, intact_class = {}, updated_at = {}",
            product_id, merchant_id, data.excluded_kind, data.confirmable_kind, data.intact_class, rt.clock.now(),
            data.excluded_kind, data.confirmable_kind, data.intact_class, rt.clock.now())
    return await declared(rt, merchant_id, product_id)


async def declared(rt: PluginRuntime, merchant_id: str, product_id: str) -> ProductRuleOut:
    await _product(rt, merchant_id, product_id)
    row = await rt.db.fetchrow("SELECT * FROM aftersales_product WHERE product_id = {}", product_id)
    if row is None:
        return ProductRuleOut(product_id=product_id, merchant_id=merchant_id, excluded_kind=None, confirmable_kind=None,
                              intact_class="default")
    return ProductRuleOut(product_id=product_id, merchant_id=merchant_id, excluded_kind=row["excluded_kind"],
                          confirmable_kind=row["confirmable_kind"], intact_class=row["intact_class"])
