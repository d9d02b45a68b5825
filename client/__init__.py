"""``bazaar.client``: a typed async client for storefronts and back offices (httpx + msgspec).

It imports no server code (no ``bazaar.core``, no server part of ``bazaar.sdk``, no
Litestar or Piccolo): a storefront installs it alone (``pip install ./client``, the
``bazaar-client`` distribution) or with the server. See docs/api.md.

::

    async with BazaarClient("https://shop.example.com") as shop:
        await shop.login("alice@example.com", "Correct-Horse-42")
        page = await shop.products(q="teapot", sort="price_asc")
        detail = await shop.product(page.items[0].id)
        checkout = await shop.checkout(
            lines=[CheckoutLineIn(sku_id=detail.variants[0].id, quantity=1,
                                  unit_price=PriceSeen(amount=detail.variants[0].price.amount, currency="CNY"))],
            shipping_address=ShippingAddressIn(...), payment_method="sandbox", idempotency_key="basket-42",
        )

Every error answer raises :class:`ApiError` with the problem's ``status``, ``code``,
``detail`` and field ``errors``. Responses decode into frozen Structs
(:mod:`bazaar.client.schemas`) that mirror the server's field for field and ignore fields
they do not know, so a newer server still decodes.
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
import msgspec

from bazaar.client.schemas import (
    CategoryOut,
    CheckoutCreate,
    CheckoutLineIn,
    CheckoutOut,
    Money,
    OrderOut,
    OrderSummary,
    Page,
    PaymentMethodsOut,
    PriceSeen,
    ProductCard,
    ProductDetail,
    ShippingAddressIn,
    TokenOut,
    UserOut,
)

T = TypeVar("T")

__all__ = [
    "ApiError",
    "BazaarClient",
    "CheckoutLineIn",
    "Money",
    "PriceSeen",
    "ShippingAddressIn",
]


class ApiError(Exception):
    """A problem+json answer: ``status``, stable ``code``, ``detail`` and per-field ``errors``."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.code = body.get("code", "error")
        self.detail = body.get("detail", "")
        self.errors: list[dict[str, Any]] = body.get("errors") or []
        self.body = body
        super().__init__(f"{status} {self.code}: {self.detail}")


class BazaarClient:
    """One signed-in (or anonymous) session against a Bazaar API."""

    def __init__(self, base_url: str = "", *, http: httpx.AsyncClient | None = None, token: str | None = None) -> None:
        self.http = http or httpx.AsyncClient(base_url=base_url, timeout=30)
        self.token = token

    async def __aenter__(self) -> BazaarClient:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.http.aclose()

    async def _call(self, method: str, path: str, into: type[T], *, json: Any = None,
                    params: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> T:
        sent = dict(headers or {})
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        body = msgspec.json.encode(json) if json is not None else None
        if body is not None:
            sent["content-type"] = "application/json"
        params = {k: v for k, v in (params or {}).items() if v is not None}
        response = await self.http.request(method, f"/api/v1{path}", content=body, params=params, headers=sent)
        if response.status_code >= 400:
            try:
                problem = response.json()
            except ValueError:
                problem = {"code": "http_error", "detail": response.text[:200]}
            raise ApiError(response.status_code, problem)
        if into is type(None):
            return None  # type: ignore[return-value]
        return msgspec.json.decode(response.content, type=into)

    # --- accounts ---------------------------------------------------------------------

    async def register(self, email: str, password: str, name: str) -> UserOut:
        return await self._call("POST", "/auth/register", UserOut,
                                json={"email": email, "password": password, "name": name})

    async def login(self, email: str, password: str) -> TokenOut:
        """Sign in; later calls carry the token."""
        token = await self._call("POST", "/auth/login", TokenOut, json={"email": email, "password": password})
        self.token = token.access_token
        return token

    async def me(self) -> UserOut:
        return await self._call("GET", "/me", UserOut)

    async def logout(self) -> None:
        await self._call("POST", "/auth/logout", type(None))
        self.token = None

    # --- storefront -------------------------------------------------------------------

    async def categories(self) -> list[CategoryOut]:
        return (await self._call("GET", "/categories", Page[CategoryOut])).items

    async def products(self, *, q: str | None = None, category_id: str | None = None, merchant_id: str | None = None,
                       price_min: int | None = None, price_max: int | None = None, in_stock: bool | None = None,
                       sort: str | None = None, limit: int = 20, cursor: str | None = None) -> Page[ProductCard]:
        """One page of the storefront listing; pass ``cursor=page.next_cursor`` for the next."""
        params = {"q": q, "category_id": category_id, "merchant_id": merchant_id, "price_min": price_min,
                  "price_max": price_max, "in_stock": None if in_stock is None else str(in_stock).lower(),
                  "sort": sort, "limit": limit, "cursor": cursor}
        return await self._call("GET", "/products", Page[ProductCard], params=params)

    async def product(self, product_id: str) -> ProductDetail:
        return await self._call("GET", f"/products/{product_id}", ProductDetail)

    # --- buying -----------------------------------------------------------------------

    async def payment_methods(self, lines: list[tuple[str, int]], *, country: str | None = None) -> PaymentMethodsOut:
        joined = ",".join(f"{sku}:{quantity}" for sku, quantity in lines)
        return await self._call("GET", "/checkout/payment-methods", PaymentMethodsOut,
                                params={"lines": joined, "country": country})

    async def checkout(self, *, lines: list[CheckoutLineIn], shipping_address: ShippingAddressIn, payment_method: str,
                       buyer_note: str = "", idempotency_key: str | None = None) -> CheckoutOut:
        """Place a checkout; retrying with the same ``idempotency_key`` never buys twice."""
        body = CheckoutCreate(lines=lines, shipping_address=shipping_address, payment_method=payment_method,
                              buyer_note=buyer_note)
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return await self._call("POST", "/checkouts", CheckoutOut, json=body, headers=headers)

    async def orders(self, *, limit: int = 20, cursor: str | None = None) -> Page[OrderSummary]:
        return await self._call("GET", "/orders", Page[OrderSummary], params={"limit": limit, "cursor": cursor})

    async def order(self, order_id: str) -> OrderOut:
        return await self._call("GET", f"/orders/{order_id}", OrderOut)

    async def cancel(self, order_id: str, reason: str) -> OrderOut:
        return await self._call("POST", f"/orders/{order_id}/cancel", OrderOut, json={"reason": reason})

    async def confirm_receipt(self, order_id: str) -> OrderOut:
        return await self._call("POST", f"/orders/{order_id}/confirm-receipt", OrderOut)
