"""The stock movement log: every change of on-hand or reserved stock, who, why, delta."""

from __future__ import annotations

from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.table import Table


class StockMovement(Table, tablename="inventory_movement"):
    """One change of a SKU's stock.

    ``kind`` is what happened (``initial``, ``adjust``, ``reserve``, ``release``, ``commit``, ``restock``);
    ``reason`` is why, in words (a merchant's note, ``payment_timeout``, ...); ``ref`` ties
    the movement to what caused it (a checkout or order id).
    """

    id = Varchar(length=40, primary_key=True)
    sku_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40, index=True)
    kind = Varchar(length=12)
    on_hand_delta = Integer(default=0)
    reserved_delta = Integer(default=0)
    on_hand_after = Integer(null=True, default=None)
    reserved_after = Integer(null=True, default=None)
    reason = Varchar(length=200, default="")
    ref = Varchar(length=80, null=True, default=None, index=True)  # type: ignore[assignment]  # (shadows Table.ref; raw SQL only)
    actor_id = Varchar(length=40, null=True, default=None)
    at = Timestamptz()
