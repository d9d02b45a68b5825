"""The checkout: one customer's purchase across merchants, paid once, split into orders."""

from __future__ import annotations

from piccolo.columns import BigInt, Text, Timestamptz, Varchar
from piccolo.table import Table


class Checkout(Table, tablename="checkout_checkout"):
    id = Varchar(length=40, primary_key=True)
    customer_id = Varchar(length=40, index=True)
    status = Varchar(length=20, default="pending_payment", index=True)
    currency = Varchar(length=3)
    subtotal_minor = BigInt()
    shipping_minor = BigInt()
    discount_minor = BigInt()
    total_minor = BigInt()
    payment_method = Varchar(length=60)
    payment_provider = Varchar(length=60, null=True, default=None)
    payment_id = Varchar(length=80, null=True, default=None)
    pay_url = Text(null=True, default=None)
    buyer_note = Text(default="")
    #: encrypted JSON of the shipping address (personal data)
    shipping_address = Text()
    idempotency_key = Varchar(length=200, null=True, default=None)
    created_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None)
