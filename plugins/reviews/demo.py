"""Demo data for ``bazaar serve --demo``: completed orders with reviews, a reply, a follow-up, a hidden one.

Orders complete the real way: the demo customers buy (paid through the sandbox), the
seeder ships through the orders facade (trusted code, no person: logistics lets it), the
buyer confirms receipt, and the plugin learns of it from the events (``demo.run_due()``).
Idempotent: a second run finds the demo customers' reviews and does nothing.
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.reviews import moderation, service
from bazaar.plugins.reviews.schemas import FollowupCreate, HideCreate, ReplyCreate, ReviewCreate
from bazaar.plugins.reviews.settings import PLUGIN
from bazaar.sdk.api import Actor
from bazaar.sdk.demo import DemoContext
from bazaar.sdk.errors import InvalidTransition, PluginVetoed
from bazaar.sdk.events import By
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.services import ship_order, transition_order


async def _bought_and_shipped(rt: PluginRuntime, demo: DemoContext) -> list[str]:
    bought = await demo.buy("customer", "merchant", lines=2) + await demo.buy("customer2", "merchant2", lines=1)
    await demo.run_due()
    for order_id in bought:
        await ship_order(rt, order_id, carrier="SF Express", tracking_number=f"SF{order_id[-10:]}",
                         by=By(kind="plugin", plugin=PLUGIN))
    return bought


async def _complete(rt: PluginRuntime, demo: DemoContext, order_ids: list[str], who: dict[str, str]) -> None:
    """Confirm receipt as each order's buyer (an order that cannot be confirmed is left as it is)."""
    for order_id in order_ids:
        owner = await rt.db.fetchrow("SELECT customer_id FROM reviews_order WHERE order_id = {}", order_id)
        customer = owner["customer_id"] if owner else who["customer"]
        try:
            await transition_order(rt, order_id, "confirm_receipt", by=By(kind="customer", id=customer),
                                   reason="demo: goods received")
        except (InvalidTransition, PluginVetoed):
            continue
    await demo.run_due()


async def seed(rt: PluginRuntime, demo: DemoContext) -> None:
    """Reviews of the demo customers' completed lines: one answered by the store and followed up,
    one more, and the last hidden for naming a phone number (with its published reason)."""
    customers = (demo.customer_ids["customer"], demo.customer_ids["customer2"])
    if await rt.db.fetchrow("SELECT id FROM reviews_review WHERE customer_id IN ({}, {})", *customers):
        return
    await _complete(rt, demo, await _bought_and_shipped(rt, demo), demo.customer_ids)
    lines = await rt.db.fetch(
        "SELECT l.line_id, o.customer_id, o.merchant_id FROM reviews_line l JOIN reviews_order o "
        "ON o.order_id = l.order_id WHERE o.customer_id IN ({}, {}) ORDER BY o.customer_id = {}, l.line_id",
        *customers, customers[1],
    )
    if not lines:
        return
    operator = Actor(kind="user", user_id=demo.operator_id, is_operator=True, operator_rights=("*",))
    texts = [(5, "Works perfectly, arrived two days early. Battery lasts all week."),
             (3, "Does the job, but the cable is shorter than described.")]
    made: list[Any] = []
    for line, (rating, text) in zip(lines[:-1] or lines, texts, strict=False):
        made.append(await service.create_review(rt, Actor(kind="user", user_id=line["customer_id"]), ReviewCreate(
            line_id=line["line_id"], rating=rating, service_rating=5, delivery_rating=4, text=text)))
    first, store = made[0], lines[0]["merchant_id"]
    await service.reply(rt, Actor(kind="user", merchants={store: "owner"}), store,
                        first.id, ReplyCreate(text="Thank you for your kind words!"))
    await service.create_followup(rt, Actor(kind="user", user_id=lines[0]["customer_id"]), first.id,
                                  FollowupCreate(text="Two months on: still excellent, no problems at all."))
    if len(lines) > 1:
        last = lines[-1]
        hidden = await service.create_review(rt, Actor(kind="user", user_id=last["customer_id"]), ReviewCreate(
            line_id=last["line_id"], rating=2, text="Poor. Call the owner at 13800138000 and complain!"))
        await moderation.hide(rt, operator, hidden.id, HideCreate(
            ground="personal_data", reason="The review names a private phone number (PIPL 13)."))
