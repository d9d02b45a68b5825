"""``DemoShop``: the :class:`bazaar.sdk.demo.DemoContext` the core hands to plugins' demo seeders.

It knows the ids of the core's demo data and buys as a demo customer: in-stock SKUs of
one merchant, through the core's checkout service, and (``pay=True``) pays the way a
shopper does in the sandbox: it follows the checkout's pay URL through this app to the
provider's hosted page and approves there, then runs what fell due, so the provider's
signed notification marks the orders ``paid``.
"""

from __future__ import annotations

from typing import Any

import httpx

from bazaar.core.auth.actor import Actor
from bazaar.core.checkout import service as checkout
from bazaar.core.checkout.schemas import (
    CheckoutCreate,
    CheckoutLineIn,
    CheckoutOut,
    PriceSeen,
    ShippingAddressIn,
)
from bazaar.core.kernel.runtime import Runtime

#: where demo customers live (Hangzhou)
DEMO_ADDRESS = ShippingAddressIn(
    name="Demo Customer", phone="13912345678", country="CN", region="Zhejiang", city="Hangzhou",
    line1="88 Wensan Road, Building 2", postcode="310000",
)
CUSTOMERS = ("customer", "customer2")
MERCHANTS = ("merchant", "merchant2", "pending_merchant")


class DemoShop:
    """Ids of the core's demo data, and :meth:`buy`. Build with :meth:`load`; :meth:`close` after use."""

    def __init__(self, rt: Runtime, operator_id: str, merchant_ids: dict[str, str],
                 customer_ids: dict[str, str], emails: dict[str, str]) -> None:
        self.rt = rt
        self.operator_id = operator_id
        self.merchant_ids = merchant_ids
        self.customer_ids = customer_ids
        self._emails = emails
        self._http: httpx.AsyncClient | None = None

    @classmethod
    async def load(cls, rt: Runtime, logins: dict[str, dict[str, str]]) -> DemoShop:
        """Find the seeded operator, merchants and customers by their demo logins."""
        ids: dict[str, str] = {}
        for key, login in logins.items():
            row = await rt.db.fetchrow("SELECT id FROM core_user WHERE email = {}", login["email"])
            if row is None:
                raise LookupError(f"the demo user {key!r} is missing: seed the core first")
            ids[key] = row["id"]
        merchants = {}
        for key in MERCHANTS:
            row = await rt.db.fetchrow(
                "SELECT id FROM core_merchant WHERE owner_id = {} ORDER BY created_at, id LIMIT 1", ids[key]
            )
            if row is not None:
                merchants[key] = row["id"]
        return cls(rt, ids["operator"], merchants, {k: ids[k] for k in CUSTOMERS},
                   {k: logins[k]["email"] for k in CUSTOMERS})

    async def buy(self, customer: str, merchant: str, *, lines: int = 1, quantity: int = 1,
                  payment_method: str | None = None, pay: bool = True) -> list[str]:
        """Check out ``lines`` in-stock SKUs of ``merchant`` as ``customer`` (``quantity`` each) with
        ``payment_method`` (the first offered when ``None``); pay when ``pay``; the order ids."""
        rt = self.rt
        customer_id, merchant_id = self.customer_ids[customer], self.merchant_ids[merchant]
        skus = await rt.db.fetch(
            "SELECT s.id, s.price_minor, s.currency FROM catalogue_sku s "
            "JOIN catalogue_product p ON p.id = s.product_id WHERE p.merchant_id = {} AND p.status = 'live' "
            "AND p.visible = TRUE AND s.active = TRUE AND s.on_hand - s.reserved >= {} ORDER BY s.id LIMIT {}",
            merchant_id, quantity, lines,
        )
        if len(skus) < lines:
            raise LookupError(f"{merchant} has {len(skus)} SKUs with {quantity} in stock; {lines} wanted")
        actor = Actor(kind="user", user_id=customer_id, email=self._emails[customer])
        if payment_method is None:
            query = ",".join(f"{s['id']}:{quantity}" for s in skus)
            offered, _ = await checkout.payment_methods(rt, actor, query, DEMO_ADDRESS.country, DEMO_ADDRESS.region)
            if not offered:
                raise LookupError("no payment method is offered: enable a payments plugin")
            payment_method = offered[0].id
        order = CheckoutCreate(
            lines=[CheckoutLineIn(sku_id=s["id"], quantity=quantity,
                                  unit_price=PriceSeen(amount=int(s["price_minor"]), currency=s["currency"]))
                   for s in skus],
            shipping_address=DEMO_ADDRESS, payment_method=payment_method, buyer_note="demo order",
        )
        out, _ = await checkout.create(rt, actor, order, idempotency_key=None)
        await rt.worker.run_due()  # the provider sets the payment up after the checkout commits
        if pay and out.status == "pending_payment":
            await self._pay(out)
        return [o.id for o in out.orders]

    async def _pay(self, out: CheckoutOut) -> None:
        """Follow the pay URL to the provider's hosted page and approve there (the sandbox's page)."""
        pay_url = out.payment.pay_url
        if not pay_url or not pay_url.startswith("/"):
            raise LookupError(f"the demo cannot pay through {out.payment.provider!r}: no pay page on this API")
        http = self._client()
        redirect = await http.get(pay_url)
        page = redirect.headers.get("location") if redirect.status_code in (302, 303) else None
        if page is None:
            raise LookupError(f"the pay URL answered {redirect.status_code}: {redirect.text[:200]}")
        approved = await http.post(page.rstrip("/") + "/approve")
        if approved.status_code != 200:
            raise LookupError(f"the pay page refused the approval ({approved.status_code}): {approved.text[:200]}")
        await self.rt.worker.run_due()  # the provider's signed notification marks the orders paid

    async def run_due(self) -> int:
        """Run the timers and event deliveries that fell due; how many ran."""
        return await self.rt.worker.run_due()

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            from bazaar.core.root import create_app

            app: Any = create_app(runtime=self.rt, embedded_worker=False)
            self._http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo")
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
