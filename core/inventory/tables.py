"""The stock movement log: every change of on-hand or reserved stock, who, why, delta."""

from __future__ import annotations

from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.table import Table


class StockMovement(Table, tablename="inventory_movement"):
    id = Varchar(length=40, primary_key=True)
    sku_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40, index=True)
    on_hand_delta = Integer(default=0)
    reserved_delta = Integer(default=0)
    on_hand_after = Integer(null=True, default=None)
    reason = Varchar(length=30)
    ref = Varchar(length=40, null=True, default=None, index=True)
    actor_id = Varchar(length=40, null=True, default=None)
    at = Timestamptz()
