"""Inventory API: a merchant sets a SKU's on-hand count and reads its movement log."""

from __future__ import annotations

from litestar import Controller, get, put
from litestar.params import JSONBody

from bazaar.core.auth.guard import ActorDep
from bazaar.core.catalogue.schemas import MovementOut, SkuOut, StockSet
from bazaar.core.catalogue.service import sku_out
from bazaar.core.inventory import service
from bazaar.core.kernel.http import Cursor, Limit, Page, check_id, problems
from bazaar.core.kernel.runtime import RuntimeDep
from bazaar.sdk.errors import Conflict, NotFound, ValidationFailed


class MerchantStockController(Controller):
    path = "/merchants/{merchant_id:str}/skus"
    tags = ["merchants"]

    @put("/{sku_id:str}/stock", operation_id="merchant_sku_stock_set", opt={"auth": "merchant"},
         responses=problems(ValidationFailed, NotFound, Conflict))
    async def set_stock(
        self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, sku_id: str, data: JSONBody[StockSet]
    ) -> SkuOut:
        """Set the on-hand count (a stocktake); refused below the reserved count (``409 below_reserved``)."""
        row = await service.set_on_hand(
            rt, check_id(merchant_id, "mch", "merchant_id"), check_id(sku_id, "sku", "sku_id"), data.on_hand,
            reason=data.reason, actor_id=actor.user_id,
        )
        return sku_out(row)

    @get("/{sku_id:str}/movements", operation_id="merchant_sku_movements", opt={"auth": "merchant"},
         responses=problems(ValidationFailed, NotFound))
    async def movements(
        self, rt: RuntimeDep, merchant_id: str, sku_id: str, limit: Limit = 50, cursor: Cursor = None
    ) -> Page[MovementOut]:
        """Every stock change of the SKU (who, why, delta), newest first."""
        rows, nxt = await service.movements(
            rt, check_id(merchant_id, "mch", "merchant_id"), check_id(sku_id, "sku", "sku_id"), limit=limit,
            cursor=cursor,
        )
        return Page(
            items=[
                MovementOut(id=r["id"], sku_id=r["sku_id"], kind=r["kind"], on_hand_delta=r["on_hand_delta"],
                            reserved_delta=r["reserved_delta"], on_hand_after=r["on_hand_after"],
                            reserved_after=r["reserved_after"], reason=r["reason"], ref=r["ref"],
                            actor_id=r["actor_id"], at=r["at"])
                for r in rows
            ],
            next_cursor=nxt,
        )
