"""Orders (one per merchant per checkout), their lines and their transition history."""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class Order(Table, tablename="orders_order"):
    id = Varchar(length=40, primary_key=True)
    checkout_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40, index=True)
    customer_id = Varchar(length=40, index=True)
    state = Varchar(length=20, index=True)
    currency = Varchar(length=3)
    subtotal_minor = BigInt()
    shipping_minor = BigInt()
    discount_minor = BigInt()
    total_minor = BigInt()
    refunded_minor = BigInt(default=0)
    payment_method = Varchar(length=60)
    payment_provider = Varchar(length=60, null=True, default=None)
    aftersales_open = Boolean(default=False)
    carrier = Varchar(length=60, null=True, default=None)
    tracking_number = Varchar(length=100, null=True, default=None)
    #: encrypted JSON of the shipping address (personal data)
    shipping_address = Text()
    buyer_note = Text(default="")
    cancel_reason = Text(null=True, default=None)
    #: the discounts granted (with their terms) and free shipping, recorded at checkout
    promotions = JSON(default="[]")
    #: what the buyer ticked at checkout (evidence: id, text, lines, plugin, time)
    acknowledgements = JSON(default="[]")
    created_at = Timestamptz()
    updated_at = Timestamptz()
    paid_at = Timestamptz(null=True, default=None)
    shipped_at = Timestamptz(null=True, default=None)
    delivered_at = Timestamptz(null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None)


class OrderLine(Table, tablename="orders_line"):
    id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, index=True)
    product_id = Varchar(length=40)
    sku_id = Varchar(length=40, index=True)
    name = Varchar(length=200)
    sku_code = Varchar(length=64)
    attributes = JSON(default="{}")
    category_flags = JSON(default="[]")
    unit_price_minor = BigInt()
    quantity = Integer()
    line_total_minor = BigInt()
    refunded_quantity = Integer(default=0)


class OrderTransition(Table, tablename="orders_transition"):
    """History: every transition with actor, time, from, to, event and reason."""

    id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, index=True)
    from_state = Varchar(length=20)
    to_state = Varchar(length=20)
    event = Varchar(length=30)
    actor_id = Varchar(length=40, null=True, default=None)
    actor_kind = Varchar(length=12, default="user")
    plugin = Varchar(length=60, null=True, default=None)
    reason = Text(null=True, default=None)
    at = Timestamptz()
