"""Catalogue API: storefront browse and search, categories, merchant listings, operator review."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get, patch, post
from litestar.params import JSONBody, Parameter

from bazaar.core.auth.guard import ActorDep
from bazaar.core.catalogue import categories, service, storefront
from bazaar.core.catalogue.schemas import (
    CategoryCreate,
    CategoryOut,
    CategoryPatch,
    DelistIn,
    MerchantProduct,
    MerchantProductRow,
    ProductCard,
    ProductCreate,
    ProductDetail,
    ProductPatch,
    ReasonIn,
    RejectIn,
    SkuCreate,
    SkuOut,
    SkuPatch,
)
from bazaar.core.kernel.http import Cursor, Limit, Page, check_id, problems
from bazaar.core.kernel.runtime import RuntimeDep
from bazaar.sdk.errors import Conflict, InvalidTransition, NotFound, PluginVetoed, ValidationFailed

ListingStatusFilter = Literal["draft", "in_review", "live", "rejected", "delisted"]
PriceFilter = Annotated[int | None, Parameter(ge=0, le=10**12, description="minor units")]


class CategoriesController(Controller):
    path = "/categories"
    tags = ["catalogue"]

    @get("/", operation_id="categories_list", opt={"auth": "public"})
    async def list_categories(self, rt: RuntimeDep) -> Page[CategoryOut]:
        """The whole category tree as a flat list: parents before children, each with its path of ids."""
        return Page(items=await categories.tree(rt))


class AdminCategoriesController(Controller):
    path = "/admin/categories"
    tags = ["admin"]

    @post("/", operation_id="admin_category_create", opt={"auth": "operator"},
          responses=problems(ValidationFailed, Conflict))
    async def create(self, rt: RuntimeDep, data: JSONBody[CategoryCreate]) -> CategoryOut:
        """Add a category (root, or under ``parent_id``) with its licence and returns flags."""
        return await categories.create(rt, data)

    @patch("/{category_id:str}", operation_id="admin_category_patch", opt={"auth": "operator"},
           responses=problems(ValidationFailed, NotFound, Conflict))
    async def patch_category(self, rt: RuntimeDep, category_id: str, data: JSONBody[CategoryPatch]) -> CategoryOut:
        """Rename, re-flag or move a category (``parent_id``); its subtree and products move with it."""
        return await categories.patch(rt, check_id(category_id, "cat", "category_id"), data)


class StorefrontController(Controller):
    path = "/products"
    tags = ["catalogue"]

    @get("/", operation_id="products_search", opt={"auth": "public"}, responses=problems(ValidationFailed, NotFound))
    async def search(
        self,
        rt: RuntimeDep,
        q: Annotated[str | None, Parameter(max_length=200, description="words that must all occur")] = None,
        category_id: Annotated[str | None, Parameter(max_length=40, description="this category and below")] = None,
        merchant_id: Annotated[str | None, Parameter(max_length=40)] = None,
        price_min: PriceFilter = None,
        price_max: PriceFilter = None,
        in_stock: bool | None = None,
        sort: storefront.Sort | None = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[ProductCard]:
        """Search and browse live products of selling merchants; keyset pagination via ``next_cursor``.

        Sorts: ``relevance`` (default with ``q``), ``newest`` (default without), ``price_asc``,
        ``price_desc``. The price filter keeps products with a variant in the range.
        """
        items, nxt = await storefront.list_products(
            rt,
            q=q,
            category_id=check_id(category_id, "cat", "category_id") if category_id else None,
            merchant_id=check_id(merchant_id, "mch", "merchant_id") if merchant_id else None,
            price_min=price_min,
            price_max=price_max,
            in_stock=in_stock,
            sort=sort,
            limit=limit,
            cursor=cursor,
        )
        return Page(items=items, next_cursor=nxt)

    @get("/{product_id:str}", operation_id="product_get", opt={"auth": "public"}, responses=problems(NotFound))
    async def detail(self, rt: RuntimeDep, product_id: str) -> ProductDetail:
        """A visible product: variants with availability (``in_stock`` / ``low`` / ``out``), merchant, categories."""
        return await storefront.get_product(rt, check_id(product_id, "prd", "product_id"))


class MerchantProductsController(Controller):
    path = "/merchants/{merchant_id:str}/products"
    tags = ["merchants"]

    @post("/", operation_id="merchant_product_create", opt={"auth": "merchant"},
          responses=problems(ValidationFailed, Conflict, NotFound))
    async def create(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, data: JSONBody[ProductCreate]) -> MerchantProduct:
        """Create a draft listing with its SKUs (prices in the platform currency, opening stock)."""
        return await service.create_product(rt, check_id(merchant_id, "mch", "merchant_id"), data, actor)

    @get("/", operation_id="merchant_products_list", opt={"auth": "merchant"}, responses=problems(ValidationFailed))
    async def list_products(
        self, rt: RuntimeDep, merchant_id: str, status: ListingStatusFilter | None = None, limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[MerchantProductRow]:
        """The merchant's own products in any status (drafts included), newest first."""
        items, nxt = await service.list_for_merchant(
            rt, check_id(merchant_id, "mch", "merchant_id"), status=status, limit=limit, cursor=cursor
        )
        return Page(items=items, next_cursor=nxt)

    @get("/{product_id:str}", operation_id="merchant_product_get", opt={"auth": "merchant"}, responses=problems(NotFound))
    async def get_product(self, rt: RuntimeDep, merchant_id: str, product_id: str) -> MerchantProduct:
        """One of the merchant's products with SKUs, raw stock, review reasons and status history."""
        return await service.get_for_merchant(
            rt, check_id(merchant_id, "mch", "merchant_id"), check_id(product_id, "prd", "product_id")
        )

    @patch("/{product_id:str}", operation_id="merchant_product_patch", opt={"auth": "merchant"},
           responses=problems(ValidationFailed, NotFound, Conflict, InvalidTransition, PluginVetoed))
    async def patch_product(
        self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, product_id: str, data: JSONBody[ProductPatch]
    ) -> MerchantProduct:
        """Edit content. A rejected listing returns to draft; a live one is re-reviewed at once."""
        return await service.patch_product(
            rt, check_id(merchant_id, "mch", "merchant_id"), check_id(product_id, "prd", "product_id"), data, actor
        )

    @post("/{product_id:str}/submit", operation_id="merchant_product_submit", status_code=200,
          opt={"auth": "merchant"}, responses=problems(NotFound, Conflict, InvalidTransition, PluginVetoed))
    async def submit(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, product_id: str) -> MerchantProduct:
        """Submit for sale: plugins may veto, reject (all reasons at once) or queue for review; else live."""
        return await service.submit(
            rt, check_id(merchant_id, "mch", "merchant_id"), check_id(product_id, "prd", "product_id"), actor
        )

    @post("/{product_id:str}/delist", operation_id="merchant_product_delist", status_code=200,
          opt={"auth": "merchant"}, responses=problems(ValidationFailed, NotFound, InvalidTransition))
    async def delist(
        self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, product_id: str, data: JSONBody[DelistIn]
    ) -> MerchantProduct:
        """Take a live listing off sale; it can be submitted again later."""
        return await service.delist(
            rt, check_id(merchant_id, "mch", "merchant_id"), check_id(product_id, "prd", "product_id"), data.reason,
            actor,
        )

    @post("/{product_id:str}/skus", operation_id="merchant_sku_create", opt={"auth": "merchant"},
          responses=problems(ValidationFailed, NotFound, Conflict))
    async def add_sku(
        self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, product_id: str, data: JSONBody[SkuCreate]
    ) -> SkuOut:
        """Add a variant (code, price, attributes, opening stock); no re-review."""
        return await service.add_sku(
            rt, check_id(merchant_id, "mch", "merchant_id"), check_id(product_id, "prd", "product_id"), data, actor
        )

    @patch("/{product_id:str}/skus/{sku_id:str}", operation_id="merchant_sku_patch", opt={"auth": "merchant"},
           responses=problems(ValidationFailed, NotFound, Conflict))
    async def patch_sku(
        self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, product_id: str, sku_id: str, data: JSONBody[SkuPatch]
    ) -> SkuOut:
        """Change a variant's code, price, attributes or ``active``; no re-review."""
        return await service.patch_sku(
            rt, check_id(merchant_id, "mch", "merchant_id"), check_id(product_id, "prd", "product_id"),
            check_id(sku_id, "sku", "sku_id"), data, actor,
        )


class AdminProductsController(Controller):
    path = "/admin/products"
    tags = ["admin"]

    @get("/", operation_id="admin_products_list", opt={"auth": "operator"}, responses=problems(ValidationFailed))
    async def list_products(
        self, rt: RuntimeDep, status: ListingStatusFilter | None = None, limit: Limit = 20, cursor: Cursor = None
    ) -> Page[MerchantProductRow]:
        """Every merchant's products, least recently changed first (``status=in_review`` is the review queue)."""
        items, nxt = await service.list_for_operator(rt, status=status, limit=limit, cursor=cursor)
        return Page(items=items, next_cursor=nxt)

    @get("/{product_id:str}", operation_id="admin_product_get", opt={"auth": "operator"}, responses=problems(NotFound))
    async def get_product(self, rt: RuntimeDep, product_id: str) -> MerchantProduct:
        """Any product in full, with review reasons and history."""
        return await service.operator_view(rt, check_id(product_id, "prd", "product_id"))

    @post("/{product_id:str}/approve", operation_id="admin_product_approve", status_code=200,
          opt={"auth": "operator"}, responses=problems(NotFound, InvalidTransition))
    async def approve(self, rt: RuntimeDep, actor: ActorDep, product_id: str) -> MerchantProduct:
        """Approve a listing waiting in review."""
        pid = check_id(product_id, "prd", "product_id")
        await service.approve_listing(rt, pid, plugin=None, actor_id=actor.user_id)
        return await service.operator_view(rt, pid)

    @post("/{product_id:str}/reject", operation_id="admin_product_reject", status_code=200,
          opt={"auth": "operator"}, responses=problems(ValidationFailed, NotFound, InvalidTransition))
    async def reject(self, rt: RuntimeDep, actor: ActorDep, product_id: str, data: JSONBody[RejectIn]) -> MerchantProduct:
        """Reject a listing waiting in review, with every reason."""
        pid = check_id(product_id, "prd", "product_id")
        await service.reject_listing(rt, pid, data.reasons, plugin=None, actor_id=actor.user_id)
        return await service.operator_view(rt, pid)

    @post("/{product_id:str}/take-down", operation_id="admin_product_take_down", status_code=200,
          opt={"auth": "operator"}, responses=problems(ValidationFailed, NotFound, InvalidTransition))
    async def take_down(self, rt: RuntimeDep, actor: ActorDep, product_id: str, data: JSONBody[ReasonIn]) -> MerchantProduct:
        """Take a live listing off sale (it becomes ``delisted``), with a reason."""
        pid = check_id(product_id, "prd", "product_id")
        await service.take_down(rt, pid, data.reason, plugin=None, actor_id=actor.user_id)
        return await service.operator_view(rt, pid)
