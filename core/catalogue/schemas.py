"""Structs in and out of the catalogue API: categories, products, SKUs, storefront cards."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from bazaar.sdk.fields import (
    Code,
    Currency,
    Description,
    Name,
    PriceMinor,
    Reason,
    Slug,
    StockLevel,
    Title,
    Url,
)
from bazaar.sdk.money import Money

#: ``food``, ``drugs``, ``medical_devices``, ``cosmetics``, ... (plugins map kinds to licences)
LicenceKind = Annotated[str, Meta(pattern=r"^[a-z][a-z_]{1,39}$")]
AttrKey = Annotated[str, Meta(min_length=1, max_length=64)]
AttrValue = Annotated[str, Meta(max_length=500)]
Attributes = Annotated[dict[AttrKey, AttrValue], Meta(max_length=50)]
ImageUrls = Annotated[list[Url], Meta(max_length=20)]
Position = Annotated[int, Meta(ge=0, le=1_000_000)]


# --- categories -----------------------------------------------------------------------


class CategoryCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Name
    slug: Slug
    parent_id: str | None = None
    position: Position = 0
    licence_kind: LicenceKind | None = None
    no_reason_return_excluded: bool = False


class CategoryPatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Rename, move (``parent_id``; ``null`` makes it a root) or re-flag a category."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    slug: Slug | msgspec.UnsetType = msgspec.UNSET
    parent_id: str | None | msgspec.UnsetType = msgspec.UNSET
    position: Position | msgspec.UnsetType = msgspec.UNSET
    licence_kind: LicenceKind | None | msgspec.UnsetType = msgspec.UNSET
    no_reason_return_excluded: bool | msgspec.UnsetType = msgspec.UNSET


class CategoryOut(msgspec.Struct, frozen=True, kw_only=True):
    """A node of the tree; ``path`` lists the ids from the root down to this one."""

    id: str
    parent_id: str | None
    name: str
    slug: str
    path: list[str]
    depth: int
    position: int
    licence_kind: str | None
    no_reason_return_excluded: bool


# --- products and SKUs (merchant side) --------------------------------------------------


class PriceIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    amount: PriceMinor
    currency: Currency


class SkuCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    code: Code
    price: PriceIn
    attributes: Attributes = {}
    on_hand: StockLevel = 0


class SkuPatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Price, code, attributes and active flag of a variant; never sends a product back to review."""

    code: Code | msgspec.UnsetType = msgspec.UNSET
    price: PriceIn | msgspec.UnsetType = msgspec.UNSET
    attributes: Attributes | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class ProductCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Title
    description: Description = ""
    category_id: str | None = None
    image_urls: ImageUrls = []
    attributes: Attributes = {}
    skus: Annotated[list[SkuCreate], Meta(min_length=1, max_length=100)]


class ProductPatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Content of a listing. Editing a live listing sends it back through review."""

    name: Title | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    category_id: str | None | msgspec.UnsetType = msgspec.UNSET
    image_urls: ImageUrls | msgspec.UnsetType = msgspec.UNSET
    attributes: Attributes | msgspec.UnsetType = msgspec.UNSET


class DelistIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Reason | None = None


class ReasonIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Reason


class RejectIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reasons: Annotated[list[Reason], Meta(min_length=1, max_length=50)]


class SkuOut(msgspec.Struct, frozen=True, kw_only=True):
    """A variant as its merchant sees it: raw stock counts included."""

    id: str
    product_id: str
    code: str
    price: Money
    attributes: dict[str, str]
    on_hand: int
    reserved: int
    available: int
    active: bool
    updated_at: datetime


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """One review finding kept on the product (and in its history)."""

    field: str
    reason: str
    outcome: str = "reject"
    plugin: str | None = None


class StatusChangeOut(msgspec.Struct, frozen=True, kw_only=True):
    from_status: str
    to_status: str
    reasons: list[Finding]
    actor_id: str | None
    plugin: str | None
    at: datetime


class MerchantProduct(msgspec.Struct, frozen=True, kw_only=True):
    """A listing as its merchant sees it: any status, review reasons and history."""

    id: str
    merchant_id: str
    name: str
    description: str
    category_id: str | None
    status: str
    visible: bool
    image_urls: list[str]
    attributes: dict[str, str]
    currency: str
    price_min: Money
    price_max: Money
    in_stock: bool
    review_reasons: list[Finding]
    allowed_actions: list[str]
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None
    published_at: datetime | None = None
    skus: list[SkuOut] = []
    history: list[StatusChangeOut] = []


class MerchantProductRow(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a back-office product list (the merchant's own, or the operator queue)."""

    id: str
    name: str
    status: str
    visible: bool
    category_id: str | None
    price_min: Money
    price_max: Money
    in_stock: bool
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[str]


# --- storefront ----------------------------------------------------------------------

StockLevelName = Literal["in_stock", "low", "out"]


class MerchantBrief(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    status: str
    #: badges plugins show with the merchant (e.g. ``credit:A``, ``verified``)
    badges: list[str] = []


class ProductCard(msgspec.Struct, frozen=True, kw_only=True):
    """One storefront search result."""

    id: str
    name: str
    merchant: MerchantBrief
    category_id: str | None
    image_url: str | None
    price_min: Money
    price_max: Money
    in_stock: bool
    created_at: datetime
    score: float | None = None


class Variant(msgspec.Struct, frozen=True, kw_only=True):
    """A variant on the storefront: availability as a level; raw count only if configured."""

    id: str
    code: str
    price: Money
    attributes: dict[str, str]
    availability: StockLevelName
    available: int | None = None


class CategoryCrumb(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    slug: str


class ProductDetail(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    description: str
    merchant: MerchantBrief
    category_id: str | None
    categories: list[CategoryCrumb]
    image_urls: list[str]
    attributes: dict[str, str]
    price_min: Money
    price_max: Money
    in_stock: bool
    variants: list[Variant]
    published_at: datetime | None
    created_at: datetime


# --- stock ---------------------------------------------------------------------------


class StockSet(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    on_hand: StockLevel
    reason: Annotated[str, Meta(min_length=1, max_length=200)]


class MovementOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    sku_id: str
    kind: str
    on_hand_delta: int
    reserved_delta: int
    on_hand_after: int | None
    reserved_after: int | None
    reason: str
    ref: str | None
    actor_id: str | None
    at: datetime

