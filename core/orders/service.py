"""Order rules: the one way an order changes state, and the reads for customers, merchants, operators.

Facade for plugins (``from bazaar.core.orders import service``):

* ``transition(rt, order_id, event, *, actor_id=None, actor_kind="user", plugin=None, reason=None,
  cancel_reason=None, proof=None)`` — payments mark orders ``pay``, logistics ``deliver``
  (with ``proof``), after-sales ``auto_confirm``; a ``cancel`` says why (``cancel_reason``)
* ``ship(rt, order_id, *, carrier, tracking_number, actor_id=None, actor_kind="user", plugin=None, ship_by=None)``
* ``set_aftersales_open(rt, order_id, open, *, plugin, case_id=None)``
* ``order_snapshot(rt, order_id)``

Every transition runs in one unit of work: load the order (``FOR UPDATE`` on PostgreSQL),
apply the transition table, ask ``bazaar_order_transition_objections`` (a veto changes
nothing), run the side effects (release or commit stock, refund a paid order through its
payment provider), write the state, its timestamp and a history row, and emit the typed
event of the new state (``OrderPaid``, ``OrderShipped``, ``OrderCancelled`` ...) to the outbox.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Literal

import msgspec

from bazaar.core.auth.actor import Actor
from bazaar.core.inventory import service as inventory
from bazaar.core.kernel.http import check_id
from bazaar.core.kernel.ids import new_id
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.orders import states
from bazaar.core.orders.events import order_event
from bazaar.core.orders.schemas import (
    Address,
    OrderLineOut,
    OrderOut,
    OrderSummary,
    Totals,
    TransitionOut,
)
from bazaar.core.users.service import cipher
from bazaar.sdk.errors import BazaarError, FieldProblem, NotFound, ProviderError, ValidationFailed
from bazaar.sdk.events import CancelReason, OrderAftersalesClosed, OrderAftersalesOpened
from bazaar.sdk.money import Money
from bazaar.sdk.privacy import mask_name, mask_phone, mask_text, sees_in_full
from bazaar.sdk.states import Deadline, deadlines
from bazaar.sdk.types import AcknowledgementRecord, OrderSnapshot, RefundRequest

log = logging.getLogger("bazaar.orders")

ActorKind = Literal["user", "merchant", "operator", "plugin", "system"]
ShippingMethod = Literal["express", "postal", "virtual"]

#: who reads an order: decides how much of the shipping address is shown
Audience = Literal["customer", "merchant", "operator"]


# --- loading ------------------------------------------------------------------------


async def _load(rt: Runtime, order_id: str, *, for_update: bool = False) -> dict[str, Any]:
    lock = " FOR UPDATE" if for_update and not rt.db.is_sqlite else ""
    row = await rt.db.fetchrow(f"SELECT * FROM orders_order WHERE id = {{}}{lock}", order_id)
    if row is None:
        raise NotFound("no such order", code="order_not_found")
    return row


def snapshot(row: dict[str, Any]) -> OrderSnapshot:
    """The frozen view of an order row that hooks and providers receive."""
    return OrderSnapshot(
        id=row["id"],
        checkout_id=row["checkout_id"],
        merchant_id=row["merchant_id"],
        customer_id=row["customer_id"],
        state=row["state"],
        total=Money(amount=row["total_minor"], currency=row["currency"]),
        payment_method=row["payment_method"],
        payment_provider=row["payment_provider"],
        aftersales_open=bool(row["aftersales_open"]),
    )


async def order_snapshot(rt: Runtime, order_id: str) -> OrderSnapshot:
    """The current snapshot of an order (``404 order_not_found``)."""
    return snapshot(await _load(rt, order_id))


async def stock_lines(rt: Runtime, order_id: str) -> list[tuple[str, int]]:
    """``(sku_id, quantity)`` of an order's lines, in SKU order (the lock order of inventory)."""
    rows = await rt.db.fetch(
        "SELECT sku_id, quantity FROM orders_line WHERE order_id = {} ORDER BY sku_id", order_id
    )
    return [(r["sku_id"], int(r["quantity"])) for r in rows]


# --- transitions ----------------------------------------------------------------------


async def transition(
    rt: Runtime,
    order_id: str,
    event: str,
    *,
    actor_id: str | None = None,
    actor_kind: ActorKind = "user",
    plugin: str | None = None,
    reason: str | None = None,
    cancel_reason: CancelReason | None = None,
    proof: str | None = None,
) -> OrderSnapshot:
    """Apply ``event`` to an order: the one way orders change state (see the module doc).

    A cancellation says why in ``cancel_reason`` (default from the event and actor: ``expire``
    is ``unpaid_timeout``, a customer's ``customer_request``, a merchant's
    ``merchant_request``, an operator's ``operator_action``, else ``other``); ``deliver``
    may name its ``proof``. ``409 invalid_transition`` (with ``from`` and ``event``) when
    the table refuses it, ``409 plugin_vetoed`` when a plugin objects; in both cases
    nothing changes.
    """
    return await _apply(rt, order_id, event, actor_id=actor_id, actor_kind=actor_kind, plugin=plugin, reason=reason,
                        details={"cancel_reason": cancel_reason, "proof": proof})


async def ship(
    rt: Runtime,
    order_id: str,
    *,
    carrier: str,
    tracking_number: str,
    actor_id: str | None = None,
    actor_kind: ActorKind = "user",
    plugin: str | None = None,
    ship_by: datetime | None = None,
    shipping_method: ShippingMethod | None = None,
) -> OrderSnapshot:
    """Ship an order: commit its stock and record carrier and tracking number.

    A logistics plugin passes its ``ship_by`` deadline (``order.shipped`` then says whether it
    was ``on_time``) and the ``shipping_method`` (``express``, ``postal``, ``virtual``), which
    picks the receipt window.
    """
    return await _apply(
        rt,
        order_id,
        states.OrderEvent.ship,
        actor_id=actor_id,
        actor_kind=actor_kind,
        plugin=plugin,
        reason=None,
        extra={"carrier": carrier, "tracking_number": tracking_number},
        details={"ship_by": ship_by, "shipping_method": shipping_method},
    )


async def _apply(
    rt: Runtime,
    order_id: str,
    event: str,
    *,
    actor_id: str | None,
    actor_kind: str,
    plugin: str | None,
    reason: str | None,
    extra: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> OrderSnapshot:
    async with rt.unit_of_work():
        row = await _load(rt, order_id, for_update=True)
        before = snapshot(row)
        target = states.ORDER.transition(row["state"], event)
        ctx = rt.context(actor_id=actor_id)
        await rt.plugins.objections(
            "bazaar_order_transition_objections", ctx=ctx, order=before, event=str(event), to_state=str(target)
        )
        now = rt.clock.now()
        changes: dict[str, Any] = {"state": str(target), "updated_at": now, **(extra or {})}
        if target in states.TIMESTAMP_COLUMN:
            changes[states.TIMESTAMP_COLUMN[target]] = now
        lines = await stock_lines(rt, order_id)
        details = {**(details or {}), **(extra or {})}
        if target == states.OrderState.cancelled:
            changes["cancel_reason"] = reason
            await inventory.release(
                rt, lines, ref=order_id, actor_id=actor_id, reason="payment_timeout" if event == "expire" else "order_cancelled"
            )
            if before.state in states.PAID:
                refunded = Money(amount=await _refund_all(rt, row, before, reason, ctx), currency=row["currency"])
                changes["refunded_minor"] = row["refunded_minor"] + refunded.amount
                details["refunded"] = refunded
        elif target == states.OrderState.shipped:
            await inventory.commit(rt, lines, ref=order_id, actor_id=actor_id)
        sets = ", ".join(f"{column} = {{}}" for column in changes)
        await rt.db.execute(f"UPDATE orders_order SET {sets} WHERE id = {{}}", *changes.values(), order_id)
        await _history(rt, order_id, before.state, str(target), str(event), actor_id, actor_kind, plugin, reason)
        after = snapshot(await _load(rt, order_id))
        # checkout listens (core.checkout): it settles the checkout in this transaction
        await rt.emit(order_event(target, str(event), before=before, now=now, actor_id=actor_id, actor_kind=actor_kind,
                                  plugin=plugin, reason=reason, details=details))
        return after


async def _refund_all(rt: Runtime, row: dict[str, Any], order: OrderSnapshot, reason: str | None, ctx: Any) -> int:
    """Refund what is left of a paid order through the provider that took the payment."""
    amount = row["total_minor"] - row["refunded_minor"]
    if amount <= 0 or not row["payment_provider"]:
        return 0
    provider = rt.plugins.provider("payment", row["payment_provider"])
    request = RefundRequest(
        order=order,
        amount=Money(amount=amount, currency=row["currency"]),
        reason=reason or "order cancelled",
        idempotency_key=f"{row['id']}:cancel",
        lines=tuple(await stock_lines(rt, row["id"])),
    )
    try:
        result = await provider.refund(ctx, request)
    except BazaarError:
        raise
    except Exception as exc:
        log.exception("payment provider %s failed to refund %s", row["payment_provider"], row["id"])
        raise ProviderError(f"payment provider {row['payment_provider']!r} failed to refund", code="refund_failed") from exc
    if result.status == "failed":
        raise ProviderError(f"payment provider {row['payment_provider']!r} refused the refund", code="refund_failed")
    return int(result.amount.amount)


async def _history(
    rt: Runtime,
    order_id: str,
    frm: str,
    to: str,
    event: str,
    actor_id: str | None,
    actor_kind: str,
    plugin: str | None,
    reason: str | None,
) -> None:
    await rt.db.execute(
        "INSERT INTO orders_transition (id, order_id, from_state, to_state, event, actor_id, actor_kind, plugin, "
        "reason, at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        new_id("otr"),
        order_id,
        frm,
        to,
        event,
        actor_id,
        actor_kind,
        plugin,
        reason,
        rt.clock.now(),
    )


async def set_aftersales_open(
    rt: Runtime, order_id: str, open: bool, *, plugin: str, case_id: str | None = None
) -> OrderSnapshot:
    """Raise or clear the order's ``aftersales_open`` flag (the after-sales plugin owns it).

    Not a state change: the history gets an ``aftersales_open`` / ``aftersales_close``
    line with the state unchanged, and ``order.aftersales_opened`` / ``_closed`` is emitted.
    """
    async with rt.unit_of_work():
        row = await _load(rt, order_id, for_update=True)
        if bool(row["aftersales_open"]) == open:
            return snapshot(row)
        await rt.db.execute(
            "UPDATE orders_order SET aftersales_open = {}, updated_at = {} WHERE id = {}", open, rt.clock.now(), order_id
        )
        event = "aftersales_open" if open else "aftersales_close"
        await _history(rt, order_id, row["state"], row["state"], event, None, "plugin", plugin, None)
        flag = OrderAftersalesOpened if open else OrderAftersalesClosed
        await rt.emit(flag(order_id=order_id, merchant_id=row["merchant_id"], plugin=plugin, case_id=case_id))
        return snapshot(await _load(rt, order_id))


# --- what callers of the API may do -------------------------------------------------------


async def _owned(rt: Runtime, order_id: str, *, customer_id: str | None = None, merchant_id: str | None = None) -> dict[str, Any]:
    """The order if it belongs to that customer / merchant; someone else's order is a 404."""
    row = await _load(rt, order_id)
    if customer_id is not None and row["customer_id"] != customer_id:
        raise NotFound("no such order", code="order_not_found")
    if merchant_id is not None and row["merchant_id"] != merchant_id:
        raise NotFound("no such order", code="order_not_found")
    return row


async def cancel_by_customer(rt: Runtime, order_id: str, actor: Actor, reason: str) -> OrderOut:
    """The customer cancels an order before shipment (a paid order is refunded): ``customer_request``."""
    await _owned(rt, order_id, customer_id=actor.user_id)
    await transition(rt, order_id, "cancel", actor_id=actor.user_id, actor_kind="user", reason=reason,
                     cancel_reason="customer_request")
    return await read(rt, order_id, "customer", actor)


async def cancel_by_merchant(rt: Runtime, merchant_id: str, order_id: str, actor: Actor, reason: str) -> OrderOut:
    """Merchant staff cancel one of their orders before shipment (refunded if paid): ``merchant_request``."""
    await _owned(rt, order_id, merchant_id=merchant_id)
    await transition(rt, order_id, "cancel", actor_id=actor.user_id, actor_kind=_staff_kind(actor, merchant_id),
                     reason=reason, cancel_reason="merchant_request")
    return await read(rt, order_id, "merchant", actor)


async def cancel_by_operator(rt: Runtime, order_id: str, actor: Actor, reason: str,
                             cancel_reason: CancelReason) -> OrderOut:
    """Platform staff cancel any order before shipment, saying why (default ``operator_action``)."""
    await _load(rt, order_id)
    await transition(rt, order_id, "cancel", actor_id=actor.user_id, actor_kind="operator", reason=reason,
                     cancel_reason=cancel_reason)
    return await read(rt, order_id, "operator", actor)


async def confirm_receipt(rt: Runtime, order_id: str, actor: Actor) -> OrderOut:
    """The customer confirms receipt of a shipped or delivered order: it completes."""
    await _owned(rt, order_id, customer_id=actor.user_id)
    await transition(rt, order_id, "confirm_receipt", actor_id=actor.user_id, actor_kind="user")
    return await read(rt, order_id, "customer", actor)


def _staff_kind(actor: Actor, merchant_id: str) -> ActorKind:
    """``merchant`` for the store's staff, ``operator`` for platform staff acting on a merchant route."""
    return "operator" if actor.is_operator and merchant_id not in actor.merchants else "merchant"


async def ship_by_merchant(
    rt: Runtime, merchant_id: str, order_id: str, *, carrier: str, tracking_number: str, actor: Actor
) -> OrderOut:
    """Merchant staff ship one of their orders."""
    await _owned(rt, order_id, merchant_id=merchant_id)
    await ship(
        rt,
        order_id,
        carrier=carrier.strip(),
        tracking_number=tracking_number,
        actor_id=actor.user_id,
        actor_kind=_staff_kind(actor, merchant_id),
    )
    return await read(rt, order_id, "merchant", actor)


# --- reads -----------------------------------------------------------------------------


def _money(row: dict[str, Any], column: str) -> Money:
    return Money(amount=int(row[column]), currency=row["currency"])


def _json(value: Any, default: Any) -> Any:
    if isinstance(value, str | bytes):
        return msgspec.json.decode(value) if value else default
    return default if value is None else value


#: merchant staff see the full address only while they have to ship or follow the parcel
MERCHANT_FULL_ADDRESS = frozenset({states.OrderState.paid, states.OrderState.placed, states.OrderState.shipped,
                                   states.OrderState.delivered})


def address_for(rt: Runtime, stored: str | None, state: str, audience: Audience, reader: Actor, *,
                customer_id: str | None = None, merchant_id: str | None = None) -> Address | None:
    """The shipping address as ``reader`` may see it (PIPL minimisation).

    The customer sees it in full. Merchant staff see it in full while the order is to be
    shipped or is on its way (they and their carrier need name, phone and street), and
    masked before payment and once the order is completed or cancelled. Operators see it
    masked unless they hold the ``pii`` right, on every route (the rule: ``sdk.privacy.sees_in_full``).
    """
    if not stored:
        return None
    raw = cipher(rt).decrypt(stored)
    data = msgspec.json.decode(raw or "{}")
    full = sees_in_full(reader, subject_id=customer_id, merchant_id=merchant_id,
                        merchant_needs=state in MERCHANT_FULL_ADDRESS)
    if not full:
        data.update(
            name=mask_name(data["name"]),
            phone=mask_phone(data["phone"]),
            line1=mask_text(data["line1"], keep=4),
            line2=mask_text(data.get("line2"), keep=0) if data.get("line2") else None,
            masked=True,
        )
    return msgspec.convert(data, Address)


async def _deadlines(rt: Runtime, row: dict[str, Any]) -> list[Deadline]:
    """What falls due in the order's state: the payment deadline of its checkout while unpaid.

    (The receipt deadline after shipment belongs to the payment plugin: see its order view.)
    """
    if row["state"] != states.OrderState.pending_payment:
        return []
    checkout = await rt.db.fetchrow("SELECT expires_at FROM checkout_checkout WHERE id = {}", row["checkout_id"])
    return deadlines(pay_by=checkout["expires_at"] if checkout else None)


async def read(rt: Runtime, order_id: str, audience: Audience, reader: Actor) -> OrderOut:
    """An order in full as ``audience`` sees it (ownership is checked by the caller).

    ``allowed_actions`` are the events the audience's role may fire now (a customer is
    offered ``cancel``, the merchant ``ship``).
    """
    row = await _load(rt, order_id)
    lines = await rt.db.fetch("SELECT * FROM orders_line WHERE order_id = {} ORDER BY id", order_id)
    history = await rt.db.fetch("SELECT * FROM orders_transition WHERE order_id = {} ORDER BY at, id", order_id)
    cur = row["currency"]
    return OrderOut(
        id=row["id"],
        checkout_id=row["checkout_id"],
        merchant_id=row["merchant_id"],
        customer_id=row["customer_id"],
        state=row["state"],
        allowed_actions=states.ORDER.allowed_actions(row["state"], (audience,)),
        deadlines=await _deadlines(rt, row),
        totals=Totals(
            subtotal=_money(row, "subtotal_minor"),
            shipping=_money(row, "shipping_minor"),
            discount=_money(row, "discount_minor"),
            total=_money(row, "total_minor"),
            refunded=_money(row, "refunded_minor"),
        ),
        payment_method=row["payment_method"],
        payment_provider=row["payment_provider"],
        aftersales_open=bool(row["aftersales_open"]),
        lines=[
            OrderLineOut(
                id=r["id"],
                product_id=r["product_id"],
                sku_id=r["sku_id"],
                name=r["name"],
                sku_code=r["sku_code"],
                attributes=_json(r["attributes"], {}),
                quantity=int(r["quantity"]),
                unit_price=Money(amount=int(r["unit_price_minor"]), currency=cur),
                line_total=Money(amount=int(r["line_total_minor"]), currency=cur),
                refunded_quantity=int(r["refunded_quantity"]),
            )
            for r in lines
        ],
        shipping_address=address_for(rt, row["shipping_address"], row["state"], audience, reader,
                                     customer_id=row["customer_id"], merchant_id=row["merchant_id"]),
        buyer_note=row["buyer_note"],
        carrier=row["carrier"],
        tracking_number=row["tracking_number"],
        cancel_reason=row["cancel_reason"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        paid_at=row["paid_at"],
        shipped_at=row["shipped_at"],
        delivered_at=row["delivered_at"],
        completed_at=row["completed_at"],
        cancelled_at=row["cancelled_at"],
        history=[
            TransitionOut(
                from_state=h["from_state"],
                to_state=h["to_state"],
                event=h["event"],
                actor_id=h["actor_id"],
                actor_kind=h["actor_kind"],
                plugin=h["plugin"],
                reason=h["reason"],
                at=h["at"],
            )
            for h in history
        ],
        acknowledgements=msgspec.convert(_json(row.get("acknowledgements"), []), list[AcknowledgementRecord]),
    )


async def read_for_customer(rt: Runtime, order_id: str, actor: Actor) -> OrderOut:
    await _owned(rt, order_id, customer_id=actor.user_id)
    return await read(rt, order_id, "customer", actor)


async def read_for_merchant(rt: Runtime, merchant_id: str, order_id: str, actor: Actor) -> OrderOut:
    await _owned(rt, order_id, merchant_id=merchant_id)
    return await read(rt, order_id, "merchant", actor)


def check_state(state: str | None) -> str | None:
    """Refuse an unknown ``?state=`` filter with ``422 invalid_state``."""
    if state is not None and state not in states.OrderState.__members__:
        raise ValidationFailed(
            f"unknown order state {state!r}",
            code="invalid_state",
            errors=[FieldProblem(field="state", reason=f"one of {', '.join(states.OrderState)}", value=state[:40])],
        )
    return state


async def list_orders(
    rt: Runtime,
    audience: Audience,
    *,
    limit: int,
    cursor: str | None,
    customer_id: str | None = None,
    merchant_id: str | None = None,
    state: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> tuple[list[OrderSummary], str | None]:
    """Orders newest first, keyset-paginated on the (time-ordered) id; ``created_to`` is exclusive.

    Each carries the ``allowed_actions`` of ``audience`` (the role of the route listing them).
    """
    where: list[str] = []
    args: list[Any] = []
    for column, value in (("customer_id", customer_id), ("merchant_id", merchant_id), ("state", check_state(state))):
        if value is not None:
            where.append(f"o.{column} = {{}}")
            args.append(value)
    if created_from is not None:
        where.append("o.created_at >= {}")
        args.append(created_from)
    if created_to is not None:
        where.append("o.created_at < {}")
        args.append(created_to)
    if cursor is not None:
        where.append("o.id < {}")
        args.append(check_id(cursor, "ord", "cursor"))
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    rows = await rt.db.fetch(
        "SELECT o.*, (SELECT COALESCE(SUM(l.quantity), 0) FROM orders_line l WHERE l.order_id = o.id) AS item_count "
        f"FROM orders_order o {clause} ORDER BY o.id DESC LIMIT {{}}",
        *args,
        limit + 1,
    )
    items = [
        OrderSummary(
            id=r["id"],
            checkout_id=r["checkout_id"],
            merchant_id=r["merchant_id"],
            customer_id=r["customer_id"],
            state=r["state"],
            allowed_actions=states.ORDER.allowed_actions(r["state"], (audience,)),
            total=_money(r, "total_minor"),
            item_count=int(r["item_count"]),
            aftersales_open=bool(r["aftersales_open"]),
            created_at=r["created_at"],
            updated_at=r["updated_at"],
        )
        for r in rows[:limit]
    ]
    return items, (rows[limit - 1]["id"] if len(rows) > limit else None)
