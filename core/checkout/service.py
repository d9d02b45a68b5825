"""Checkout: validate lines, reserve stock, split into one order per merchant, hand payment to its plugin.

``create`` runs in one unit of work: line checks (every problem reported at once) and
price checks change nothing; then ``bazaar_checkout_objections``; then the stock is
reserved (one conditional UPDATE per SKU, all or nothing); then the checkout, its orders
and lines are written with totals in minor units (shipping from
``bazaar_select_shipping_fee`` or the flat rate, discounts from
``bazaar_collect_discounts`` capped at the subtotal); then the payment provider that owns
the method starts the payment. An unpaid checkout has a ``core.checkout_expire`` timer.
An ``Idempotency-Key`` stores the answer in ``kernel_idempotency`` in the same transaction.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import msgspec

from bazaar.core.auth.actor import Actor
from bazaar.core.catalogue.states import ListingStatus
from bazaar.core.checkout import acknowledgements, policy, promotions
from bazaar.core.checkout.schemas import CheckoutCreate, CheckoutOrderOut, CheckoutOut, PaymentOut
from bazaar.core.checkout.states import CHECKOUT, CheckoutEvent, CheckoutStatus, settle_event
from bazaar.core.inventory import service as inventory
from bazaar.core.kernel.http import check_id
from bazaar.core.kernel.ids import looks_like, new_id
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.merchants.states import SELLING
from bazaar.core.orders import service as orders
from bazaar.core.orders.schemas import Totals
from bazaar.core.orders.states import ORDER, OrderEvent, OrderState
from bazaar.core.users.service import cipher
from bazaar.sdk.errors import (
    BazaarError,
    Conflict,
    FieldProblem,
    NotFound,
    ProviderError,
    ValidationFailed,
)
from bazaar.sdk.events import CheckoutCreated, CheckoutOutcome, CheckoutSettled, OrderCreated
from bazaar.sdk.money import Money
from bazaar.sdk.states import deadlines
from bazaar.sdk.timers import Due
from bazaar.sdk.types import (
    Acknowledgement,
    CheckoutQuote,
    CheckoutSnapshot,
    Discount,
    HookContext,
    LineSnapshot,
    OrderDraft,
    PaymentMethod,
    PaymentStart,
)

log = logging.getLogger("bazaar.checkout")

EXPIRE_TIMER = "core.checkout_expire"
#: the ``checkout.settled`` outcome of each settling event
OUTCOME: dict[CheckoutEvent, CheckoutOutcome] = {
    CheckoutEvent.pay: "paid", CheckoutEvent.place: "placed", CheckoutEvent.cancel: "cancelled",
    CheckoutEvent.expire: "expired",
}


class DuplicatePaymentMethod(BazaarError):
    """Two plugins offer the same payment method id: a deployment error, not the customer's."""

    code = "duplicate_payment_method"
    status = 500
    title = "Payment methods clash"


@dataclass(frozen=True)
class PricedLine:
    """A requested line checked against the catalogue."""

    position: int
    sku_id: str
    quantity: int
    row: dict[str, Any]

    def snapshot(self, currency: str) -> LineSnapshot:
        flags = []
        if self.row["licence_kind"]:
            flags.append(f"licence:{self.row['licence_kind']}")
        if self.row["no_reason_return_excluded"]:
            flags.append("no_reason_return_excluded")
        return LineSnapshot(
            sku_id=self.sku_id,
            product_id=self.row["product_id"],
            merchant_id=self.row["merchant_id"],
            quantity=self.quantity,
            unit_price=Money(amount=int(self.row["price_minor"]), currency=currency),
            category_flags=tuple(flags),
        )


# --- lines -------------------------------------------------------------------------------


async def _sku_rows(rt: Runtime, sku_ids: list[str]) -> dict[str, dict[str, Any]]:
    if not sku_ids:
        return {}
    marks = ", ".join("{}" for _ in sku_ids)
    rows = await rt.db.fetch(
        "SELECT s.id, s.product_id, s.merchant_id, s.code, s.price_minor, s.currency, s.attributes, s.active, "
        "p.name, p.status AS product_status, p.visible, m.status AS merchant_status, "
        "c.licence_kind, c.no_reason_return_excluded "
        "FROM catalogue_sku s JOIN catalogue_product p ON p.id = s.product_id "
        "JOIN core_merchant m ON m.id = s.merchant_id "
        "LEFT JOIN catalogue_category c ON c.id = p.category_id "
        f"WHERE s.id IN ({marks})",
        *sku_ids,
    )
    return {r["id"]: r for r in rows}


async def check_lines(
    rt: Runtime, requested: list[tuple[str, int, tuple[int, str] | None]]
) -> list[PricedLine]:
    """Check ``(sku_id, quantity, price seen)`` lines; every problem is reported at once.

    ``422`` with the kind as code (``invalid_quantity``, ``sku_not_found``, ``wrong_currency``,
    ...) or ``invalid_lines`` for several kinds; then ``409 price_changed`` listing each line
    whose current price differs from the price seen.
    """
    cfg = rt.settings.checkout
    problems: list[tuple[str, FieldProblem]] = []

    def problem(kind: str, field: str, reason: str, value: Any = None) -> None:
        problems.append((kind, FieldProblem(field=field, reason=reason, value=value)))

    if len(requested) > cfg.max_lines:
        problem("too_many_lines", "lines", f"at most {cfg.max_lines} lines", len(requested))
    seen: dict[str, int] = {}
    for i, (sku_id, quantity, price) in enumerate(requested):
        if not looks_like(sku_id, "sku"):
            problem("invalid_id", f"lines[{i}].sku_id", "expected an id like sku_<26 characters>", sku_id[:60])
        elif sku_id in seen:
            problem("duplicate_line", f"lines[{i}].sku_id", f"same SKU as lines[{seen[sku_id]}]; one line per SKU", sku_id)
        else:
            seen[sku_id] = i
        if not 1 <= quantity <= cfg.max_quantity_per_line:
            problem("invalid_quantity", f"lines[{i}].quantity", f"must be 1..{cfg.max_quantity_per_line}", quantity)
        if price is not None and price[1] != cfg.currency:
            problem("wrong_currency", f"lines[{i}].unit_price.currency", f"this shop sells in {cfg.currency}", price[1])
    rows = await _sku_rows(rt, list(seen))
    for sku_id, i in seen.items():
        row = rows.get(sku_id)
        if row is None:
            problem("sku_not_found", f"lines[{i}].sku_id", "no such SKU", sku_id)
        elif not (
            row["active"]
            and row["product_status"] == ListingStatus.live
            and row["visible"]
            and row["merchant_status"] in SELLING
            and row["currency"] == cfg.currency
        ):
            problem("sku_unavailable", f"lines[{i}].sku_id", "this SKU is not for sale", sku_id)
    if problems:
        raise policy.line_problems_error(problems)
    priced = [PricedLine(position=seen[s], sku_id=s, quantity=requested[seen[s]][1], row=rows[s]) for s in seen]
    changed = [
        line for line in priced
        if (price := requested[line.position][2]) is not None and price[0] != int(line.row["price_minor"])
    ]
    if changed:
        raise Conflict(
            f"the price of {len(changed)} line(s) changed; review the new prices",
            code="price_changed",
            errors=[
                FieldProblem(field=f"lines[{line.position}].unit_price.amount", reason="the price changed",
                             value=int(line.row["price_minor"]))
                for line in changed
            ],
            extra={
                "lines": [
                    {"sku_id": line.sku_id, "seen": requested[line.position][2][0],  # type: ignore[index]
                     "current": int(line.row["price_minor"]), "currency": cfg.currency}
                    for line in changed
                ]
            },
        )
    return priced


def _quote(rt: Runtime, customer_id: str | None, lines: list[PricedLine], country: str | None,
           region: str | None) -> CheckoutQuote:
    cur = rt.settings.checkout.currency
    snaps = tuple(line.snapshot(cur) for line in lines)
    subtotal = sum(s.unit_price.amount * s.quantity for s in snaps)
    return CheckoutQuote(customer_id=customer_id, currency=cur, lines=snaps,
                         subtotal=Money(amount=subtotal, currency=cur), country=country, region=region)


# --- payment methods ------------------------------------------------------------------------


async def offered_methods(rt: Runtime, ctx: HookContext, quote: CheckoutQuote) -> list[PaymentMethod]:
    """The union of every plugin's methods for this quote, sorted by id; a duplicate id is an error."""
    owner: dict[str, str] = {}
    methods: dict[str, PaymentMethod] = {}
    for plugin, answer in await rt.plugins.collect("bazaar_collect_payment_methods", ctx=ctx, quote=quote):
        for method in answer:
            if method.id in methods:
                raise DuplicatePaymentMethod(
                    f"plugins {owner[method.id]!r} and {plugin!r} both offer the payment method {method.id!r}",
                    extra={"plugins": sorted({owner[method.id], plugin}), "method": method.id},
                )
            owner[method.id] = plugin
            methods[method.id] = method
    return [methods[k] for k in sorted(methods)]


async def payment_methods(rt: Runtime, actor: Actor, lines_query: str, country: str | None,
                          region: str | None) -> tuple[list[PaymentMethod], Money]:
    """Methods offered for ``sku:qty,...`` lines at current prices (and the subtotal)."""
    parsed = policy.parse_lines_query(lines_query)
    lines = await check_lines(rt, [(sku, qty, None) for sku, qty in parsed])
    quote = _quote(rt, actor.user_id, lines, country, region)
    return await offered_methods(rt, rt.context(actor.user_id, actor.roles), quote), quote.subtotal


async def acknowledgements_for(rt: Runtime, actor: Actor, lines_query: str, country: str | None,
                               region: str | None) -> list[Acknowledgement]:
    """What the buyer will have to tick to check out these lines (sorted by id)."""
    parsed = policy.parse_lines_query(lines_query)
    lines = await check_lines(rt, [(sku, qty, None) for sku, qty in parsed])
    quote = _quote(rt, actor.user_id, lines, country, region)
    asked = await acknowledgements.required(rt, rt.context(actor.user_id, actor.roles), quote)
    return [ack for _, ack in asked.values()]


def _provider_for(rt: Runtime, method_id: str, offered: list[PaymentMethod]) -> tuple[PaymentMethod, str]:
    method = next((m for m in offered if m.id == method_id), None)
    answer = rt.plugins.select("bazaar_select_payment_provider", method=method_id)
    provider_id = answer[1] if answer else (method.provider if method else None)
    if method is None or provider_id is None or ("payment", provider_id) not in rt.plugins.providers:
        raise ValidationFailed(
            f"payment method {method_id!r} is not offered for this checkout",
            code="unknown_payment_method",
            errors=[FieldProblem(field="payment_method", reason="not offered: "
                                 + (", ".join(m.id for m in offered) or "no method available"), value=method_id)],
        )
    return method, provider_id


# --- create -------------------------------------------------------------------------------


async def create(rt: Runtime, actor: Actor, data: CheckoutCreate, idempotency_key: str | None) -> tuple[CheckoutOut, bool]:
    """Place a checkout; ``(answer, replayed)`` — a repeat with the same key answers the stored result."""
    customer_id = actor.user_id or ""
    scope = f"checkout:{customer_id}"
    digest = policy.request_hash(data)
    try:
        async with rt.unit_of_work():
            if idempotency_key is not None:
                stored = await _stored(rt, scope, idempotency_key, digest)
                if stored is not None:
                    return stored, True
            out = await _create(rt, actor, data, idempotency_key)
            if idempotency_key is not None:
                await rt.db.execute(
                    "INSERT INTO kernel_idempotency (id, scope, key, request_hash, status_code, response, created_at) "
                    "VALUES ({}, {}, {}, {}, {}, {}, {})",
                    new_id("idk"), scope, idempotency_key, digest, 201, msgspec.json.encode(out).decode(), rt.clock.now(),
                )
            return out, False
    except (asyncpg.UniqueViolationError, sqlite3.IntegrityError):
        # the same key raced in another request, which committed first: answer what it stored
        if idempotency_key is None:
            raise
        stored = await _stored(rt, scope, idempotency_key, digest)
        if stored is None:
            raise
        return stored, True


async def _stored(rt: Runtime, scope: str, key: str, digest: str) -> CheckoutOut | None:
    row = await rt.db.fetchrow(
        "SELECT request_hash, response FROM kernel_idempotency WHERE scope = {} AND key = {}", scope, key
    )
    if row is None:
        return None
    if row["request_hash"] != digest:
        raise ValidationFailed(
            "this Idempotency-Key was used with a different request",
            code="idempotency_key_reused",
            errors=[FieldProblem(field="Idempotency-Key", reason="already used for another request body")],
        )
    return msgspec.json.decode(row["response"], type=CheckoutOut)


async def _create(rt: Runtime, actor: Actor, data: CheckoutCreate, idempotency_key: str | None) -> CheckoutOut:
    cfg = rt.settings.checkout
    cur = cfg.currency
    customer_id = actor.user_id or ""
    ctx = rt.context(actor.user_id, actor.roles)
    address = data.shipping_address
    lines = await check_lines(
        rt, [(ln.sku_id, ln.quantity, (ln.unit_price.amount, ln.unit_price.currency)) for ln in data.lines]
    )
    quote = _quote(rt, customer_id, lines, address.country, address.region)
    method, provider_id = _provider_for(rt, data.payment_method, await offered_methods(rt, ctx, quote))
    await rt.plugins.objections("bazaar_checkout_objections", ctx=ctx, quote=quote)
    asked = await acknowledgements.required(rt, ctx, quote)
    acknowledgements.check(asked, list(data.acknowledgements))
    checkout_id = new_id("chk")
    await inventory.reserve(rt, sorted((ln.sku_id, ln.quantity) for ln in lines), ref=checkout_id, actor_id=actor.user_id)

    now = rt.clock.now()
    sealed = cipher(rt).encrypt(msgspec.json.encode(address).decode())
    by_merchant: dict[str, list[PricedLine]] = {}
    for line in lines:
        by_merchant.setdefault(line.row["merchant_id"], []).append(line)
    order_rows: list[tuple[str, str, Totals]] = []
    for merchant_id in sorted(by_merchant):
        mlines = by_merchant[merchant_id]
        snaps = tuple(line.snapshot(cur) for line in mlines)
        subtotal = sum(s.unit_price.amount * s.quantity for s in snaps)
        draft = OrderDraft(merchant_id=merchant_id, currency=cur, lines=snaps,
                           subtotal=Money(amount=subtotal, currency=cur), country=address.country, region=address.region)
        shipping, waived = _shipping(rt, draft)
        granted = await _discounts(rt, ctx, draft)
        discount = policy.capped_discount([d.amount.amount for _, d in granted], subtotal)
        recorded = promotions.record(granted, discount, currency=cur, waived=waived,
                                     threshold=rt.settings.checkout.free_shipping_over_minor)
        total = policy.order_total(subtotal, shipping, discount)
        order_id = new_id("ord")
        await rt.db.execute(
            "INSERT INTO orders_order (id, checkout_id, merchant_id, customer_id, state, currency, subtotal_minor, "
            "shipping_minor, discount_minor, total_minor, refunded_minor, payment_method, payment_provider, "
            "aftersales_open, shipping_address, buyer_note, promotions, acknowledgements, created_at, updated_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 0, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            order_id, checkout_id, merchant_id, customer_id, ORDER.initial, cur, subtotal, shipping, discount, total,
            method.id, provider_id, False, sealed, data.buyer_note, recorded,
            acknowledgements.for_order(asked, {ln.sku_id for ln in mlines}, now), now, now,
        )
        for line, snap in zip(mlines, snaps, strict=True):
            await rt.db.execute(
                "INSERT INTO orders_line (id, order_id, product_id, sku_id, name, sku_code, attributes, category_flags, "
                "unit_price_minor, quantity, line_total_minor, refunded_quantity) VALUES "
                "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 0)",
                new_id("oln"), order_id, snap.product_id, snap.sku_id, line.row["name"], line.row["code"],
                _json_text(line.row["attributes"], "{}"), msgspec.json.encode(list(snap.category_flags)).decode(),
                snap.unit_price.amount, snap.quantity, snap.unit_price.amount * snap.quantity,
            )
        order_rows.append((order_id, merchant_id, Totals(
            subtotal=Money(amount=subtotal, currency=cur), shipping=Money(amount=shipping, currency=cur),
            discount=Money(amount=discount, currency=cur), total=Money(amount=total, currency=cur))))
    sums = [sum(getattr(t, f).amount for _, _, t in order_rows) for f in ("subtotal", "shipping", "discount", "total")]
    await rt.db.execute(
        "INSERT INTO checkout_checkout (id, customer_id, status, currency, subtotal_minor, shipping_minor, "
        "discount_minor, total_minor, payment_method, payment_provider, buyer_note, shipping_address, "
        "idempotency_key, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        checkout_id, customer_id, CHECKOUT.initial, cur, *sums, method.id, provider_id, data.buyer_note, sealed, idempotency_key, now,
    )
    await rt.emit(CheckoutCreated(checkout_id=checkout_id, customer_id=customer_id,
                                  order_ids=tuple(o for o, _, _ in order_rows),
                                  total=Money(amount=sums[3], currency=cur), payment_method=method.id))
    for order_id, merchant_id, totals in order_rows:
        await rt.emit(OrderCreated(order_id=order_id, checkout_id=checkout_id, merchant_id=merchant_id,
                                   customer_id=customer_id, total=totals.total))

    start = await _start_payment(rt, ctx, provider_id, await checkout_snapshot(rt, checkout_id))
    expires_at = start.expires_at or now + timedelta(minutes=cfg.unpaid_timeout_minutes)
    await rt.db.execute(
        "UPDATE checkout_checkout SET payment_id = {}, pay_url = {}, expires_at = {} WHERE id = {}",
        start.payment_id, start.pay_url, expires_at, checkout_id,
    )
    owner = rt.plugins.provider_owner.get(("payment", provider_id))
    if start.status in ("paid", "on_delivery"):
        event = OrderEvent.pay if start.status == "paid" else OrderEvent.place_cod
        for order_id, _, _ in order_rows:
            await orders.transition(rt, order_id, event, actor_kind="plugin", plugin=owner, reason="payment started")
    else:
        await rt.timers.schedule(EXPIRE_TIMER, checkout_id, expires_at, {"customer_id": customer_id})
    return await read(rt, checkout_id)


def _json_text(value: Any, default: str) -> str:
    if value is None:
        return default
    return value if isinstance(value, str) else msgspec.json.encode(value).decode()


def _shipping(rt: Runtime, draft: OrderDraft) -> tuple[int, int]:
    """The shipping fee, and the flat fee the free-shipping threshold waived (recorded on the order)."""
    answer = rt.plugins.select("bazaar_select_shipping_fee", draft=draft)
    if answer is None:
        cfg = rt.settings.checkout
        fee = policy.shipping_fee(draft.subtotal.amount, flat=cfg.flat_shipping_minor, free_over=cfg.free_shipping_over_minor)
        return fee, cfg.flat_shipping_minor - fee
    plugin, fee = answer
    if not isinstance(fee, Money) or fee.currency != draft.currency or fee.amount < 0:
        raise ProviderError(f"plugin {plugin!r} priced shipping as {fee!r}", code="plugin_failed")
    return fee.amount, 0


async def _discounts(rt: Runtime, ctx: HookContext, draft: OrderDraft) -> list[tuple[str, Discount]]:
    found: list[tuple[str, Discount]] = []
    for plugin, granted in await rt.plugins.collect("bazaar_collect_discounts", ctx=ctx, draft=draft):
        for discount in granted:
            if not isinstance(discount, Discount) or discount.amount.currency != draft.currency or discount.amount.amount < 0:
                raise ProviderError(f"plugin {plugin!r} granted an invalid discount {discount!r}", code="plugin_failed")
            found.append((plugin, discount))
    return found


async def _start_payment(rt: Runtime, ctx: HookContext, provider_id: str, snap: CheckoutSnapshot) -> PaymentStart:
    provider = rt.plugins.provider("payment", provider_id)
    try:
        start = await provider.start_payment(ctx, snap)
    except BazaarError:
        raise
    except Exception as exc:
        log.exception("payment provider %s failed to start payment for %s", provider_id, snap.id)
        raise ProviderError(f"payment provider {provider_id!r} failed to start the payment") from exc
    if not isinstance(start, PaymentStart):
        raise ProviderError(f"payment provider {provider_id!r} answered {type(start).__name__}, not PaymentStart")
    return start


# --- after order changes, timers, reads -------------------------------------------------------


async def checkout_snapshot(rt: Runtime, checkout_id: str) -> CheckoutSnapshot:
    """The frozen view of a checkout and its orders that payment providers receive."""
    row = await _load(rt, checkout_id)
    rows = await rt.db.fetch("SELECT * FROM orders_order WHERE checkout_id = {} ORDER BY merchant_id, id", checkout_id)
    return CheckoutSnapshot(
        id=row["id"],
        customer_id=row["customer_id"],
        payment_method=row["payment_method"],
        total=Money(amount=int(row["total_minor"]), currency=row["currency"]),
        orders=tuple(orders.snapshot(r) for r in rows),
        idempotency_key=row["idempotency_key"],
    )


async def settle(rt: Runtime, checkout_id: str, *, ctx: HookContext, reason: str) -> None:
    """After an order of a pending checkout moved (``listeners.py``): once none is pending, the
    checkout is paid, placed or cancelled (the ``checkout.checkout`` machine, :func:`states.settle_event`);
    a cancelled one has its payment voided at the provider. Emits ``checkout.settled`` with
    the outcome (``expired`` when the payment deadline had passed).
    """
    row = await rt.db.fetchrow("SELECT * FROM checkout_checkout WHERE id = {}", checkout_id)
    if row is None or row["status"] != CheckoutStatus.pending_payment:
        return  # no such checkout (an order event from elsewhere), or settled already
    rows = await rt.db.fetch("SELECT state, paid_at FROM orders_order WHERE checkout_id = {}", checkout_id)
    expires_at = row["expires_at"]
    event = settle_event(
        ((r["state"], r["paid_at"] is not None) for r in rows),
        past_deadline=expires_at is not None and _aware(expires_at) <= rt.clock.now(),
    )
    if event is None:
        return
    status = str(CHECKOUT.transition(row["status"], event))
    await rt.db.execute("UPDATE checkout_checkout SET status = {} WHERE id = {}", status, checkout_id)
    timer = await rt.timers.get(EXPIRE_TIMER, checkout_id)
    if timer is not None and _aware(timer["due_at"]) > rt.clock.now():
        await rt.timers.cancel(EXPIRE_TIMER, checkout_id)
    if status == CheckoutStatus.cancelled and row["payment_provider"] and row["payment_id"]:
        provider = rt.plugins.provider("payment", row["payment_provider"])
        await provider.cancel_payment(ctx, await checkout_snapshot(rt, checkout_id), reason)
    await rt.emit(CheckoutSettled(checkout_id=checkout_id, customer_id=row["customer_id"], outcome=OUTCOME[event]))


def _aware(value: Any) -> datetime:
    """A timestamp read back from the database, timezone-aware (SQLite may answer naive or text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def expire(rt: Runtime, due: Due) -> None:
    """Timer ``core.checkout_expire``: orders still unpaid are cancelled (event ``expire``), stock released."""
    rows = await rt.db.fetch(
        "SELECT id FROM orders_order WHERE checkout_id = {} AND state = {} ORDER BY id",
        due.subject,
        OrderState.pending_payment,
    )
    for r in rows:
        await orders.transition(rt, r["id"], OrderEvent.expire, actor_kind="system", reason="payment not received in time",
                                cancel_reason="unpaid_timeout")


async def _load(rt: Runtime, checkout_id: str) -> dict[str, Any]:
    row = await rt.db.fetchrow("SELECT * FROM checkout_checkout WHERE id = {}", checkout_id)
    if row is None:
        raise NotFound("no such checkout", code="checkout_not_found")
    return row


#: who reads a checkout: its customer
CUSTOMER = ("customer",)


async def read(rt: Runtime, checkout_id: str) -> CheckoutOut:
    """A checkout as its customer sees it; ``deadlines`` holds ``pay_by`` while it is unpaid."""
    row = await _load(rt, checkout_id)
    rows = await rt.db.fetch("SELECT * FROM orders_order WHERE checkout_id = {} ORDER BY merchant_id, id", checkout_id)
    cur = row["currency"]

    def money(value: Any) -> Money:
        return Money(amount=int(value), currency=cur)

    return CheckoutOut(
        id=row["id"],
        customer_id=row["customer_id"],
        status=row["status"],
        allowed_actions=CHECKOUT.allowed_actions(row["status"], CUSTOMER),
        deadlines=deadlines(pay_by=_aware(row["expires_at"]) if row["expires_at"] is not None else None)
        if row["status"] == CheckoutStatus.pending_payment else [],
        totals=Totals(subtotal=money(row["subtotal_minor"]), shipping=money(row["shipping_minor"]),
                      discount=money(row["discount_minor"]), total=money(row["total_minor"])),
        orders=[
            CheckoutOrderOut(
                id=r["id"], merchant_id=r["merchant_id"], state=r["state"],
                allowed_actions=ORDER.allowed_actions(r["state"], CUSTOMER),
                totals=Totals(subtotal=money(r["subtotal_minor"]), shipping=money(r["shipping_minor"]),
                              discount=money(r["discount_minor"]), total=money(r["total_minor"])),
            )
            for r in rows
        ],
        payment=PaymentOut(provider=row["payment_provider"], method=row["payment_method"], payment_id=row["payment_id"],
                           pay_url=row["pay_url"], expires_at=row["expires_at"]),
        buyer_note=row["buyer_note"],
        created_at=row["created_at"],
    )


async def read_for_customer(rt: Runtime, checkout_id: str, actor: Actor) -> CheckoutOut:
    """A checkout of the caller's; anyone else's is a 404."""
    row = await _load(rt, check_id(checkout_id, "chk", "checkout_id"))
    if row["customer_id"] != actor.user_id:
        raise NotFound("no such checkout", code="checkout_not_found")
    return await read(rt, checkout_id)
