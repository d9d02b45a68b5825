"""Tables of categories, products, SKUs and listing status changes.

Stock counts live on the SKU row (``on_hand``, ``reserved``) so a reservation is one
conditional UPDATE; the inventory package owns every write to them.
"""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class Category(Table, tablename="catalogue_category"):
    """A node of the category tree; ``path`` is ``/root_id/.../own_id/`` for subtree filters."""

    id = Varchar(length=40, primary_key=True)
    parent_id = Varchar(length=40, null=True, default=None, index=True)
    name = Varchar(length=100)
    slug = Varchar(length=100, unique=True)
    path = Varchar(length=1000, index=True)
    position = Integer(default=0)
    #: goods that need a licence before listing (food, drugs, medical devices, cosmetics)
    licence_kind = Varchar(length=40, null=True, default=None)
    #: excluded from no-reason returns (custom-made, perishable, digital, ...)
    no_reason_return_excluded = Boolean(default=False)
    created_at = Timestamptz()


class Product(Table, tablename="catalogue_product"):
    """A listing. ``visible`` = live and the merchant sells (kept by the services)."""

    id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    category_id = Varchar(length=40, null=True, default=None, index=True)
    category_path = Varchar(length=1000, default="")
    name = Varchar(length=200)
    description = Text(default="")
    status = Varchar(length=12, default="draft", index=True)
    visible = Boolean(default=False)
    image_urls = JSON(default="[]")
    attributes = JSON(default="{}")
    currency = Varchar(length=3)
    price_min_minor = BigInt(default=0)
    price_max_minor = BigInt(default=0)
    in_stock = Boolean(default=False)
    review_reasons = JSON(default="[]")
    created_at = Timestamptz()
    updated_at = Timestamptz()
    submitted_at = Timestamptz(null=True, default=None)
    published_at = Timestamptz(null=True, default=None)


class Sku(Table, tablename="catalogue_sku"):
    """A variant with its own price, attributes and stock."""

    id = Varchar(length=40, primary_key=True)
    product_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40, index=True)
    code = Varchar(length=64)
    price_minor = BigInt()
    currency = Varchar(length=3)
    attributes = JSON(default="{}")
    #: display order of the variants within the product (creation order)
    position = Integer(default=0)
    on_hand = Integer(default=0)
    reserved = Integer(default=0)
    active = Boolean(default=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ProductStatusChange(Table, tablename="catalogue_product_status_change"):
    """Every listing status change, with reasons (review findings) and who made it."""

    id = Varchar(length=40, primary_key=True)
    product_id = Varchar(length=40, index=True)
    from_status = Varchar(length=12)
    to_status = Varchar(length=12)
    reasons = JSON(default="[]")
    actor_id = Varchar(length=40, null=True, default=None)
    plugin = Varchar(length=60, null=True, default=None)
    at = Timestamptz()
