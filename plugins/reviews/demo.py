"""Demo data for ``bazaar serve --demo``: completed orders with reviews, a reply, a follow-up, a hidden one.

Idempotent: a second run finds the demo customers' reviews and does nothing.
"""

from __future__ import annotations

from bazaar.plugins.reviews import facts, moderation, service
from bazaar.plugins.reviews.schemas import FollowupCreate, HideCreate, ReplyCreate, ReviewCreate
from bazaar.sdk.api import Actor
from bazaar.sdk.demo import DemoContext
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.services import orders


async def _complete(rt: PluginRuntime, order_id: str, customer_id: str) -> None:
    """Ship and confirm receipt through the orders facade, and record the facts at once.

    The same facts arrive again as events after commit; recording them is idempotent.
    """
    await orders.ship(rt, order_id, carrier="SF Express", tracking_number=f"SF{order_id[-10:]}",
                      actor_kind="plugin", plugin="reviews")
    snapshot = await orders.transition(rt, order_id, "confirm_receipt", actor_id=customer_id, actor_kind="user")
    now = rt.clock.now()
    async with rt.unit_of_work():
        await facts.record_order(rt, order_id, merchant_id=snapshot.merchant_id, customer_id=customer_id,
                                 paid_at=now, paid_via="online", completed_at=now)
        await facts.record_lines(rt, order_id)


async def seed(rt: PluginRuntime, demo: DemoContext) -> None:
    """Alice reviews two Lotus items (one answered by the store, then followed up), Bob a tea that is hidden."""
    alice, bob = demo.customer_ids["customer"], demo.customer_ids["customer2"]
    lotus = demo.merchant_ids["merchant"]
    if await rt.db.fetchrow("SELECT id FROM reviews_review WHERE customer_id IN ({}, {})", alice, bob):
        return
    alice_orders = await demo.buy("customer", "merchant", lines=2)
    bob_orders = await demo.buy("customer2", "merchant2", lines=1)
    for order_id in alice_orders:
        await _complete(rt, order_id, alice)
    for order_id in bob_orders:
        await _complete(rt, order_id, bob)

    as_alice = Actor(kind="user", user_id=alice)
    as_bob = Actor(kind="user", user_id=bob)
    as_lotus = Actor(kind="user", user_id=None, merchants={lotus: "owner"})
    as_operator = Actor(kind="user", user_id=demo.operator_id, is_operator=True, operator_rights=("*",))

    lines = [line for order_id in alice_orders for line in await rt.db.fetch(
        "SELECT line_id FROM reviews_line WHERE order_id = {} ORDER BY line_id", order_id)]
    texts = [(5, "Works perfectly, arrived two days early. Battery lasts all week."),
             (3, "Does the job, but the cable is shorter than described.")]
    first = None
    for line, (rating, text) in zip(lines, texts, strict=False):
        out = await service.create_review(rt, as_alice, ReviewCreate(
            line_id=line["line_id"], rating=rating, service_rating=5, delivery_rating=4, text=text))
        first = first or out
    if first is not None:
        await service.reply(rt, as_lotus, lotus, first.id, ReplyCreate(text="Thank you for your kind words!"))
        await service.create_followup(rt, as_alice, first.id, FollowupCreate(
            text="Two months on: still excellent, no problems at all."))

    bob_line = await rt.db.fetchrow("SELECT line_id FROM reviews_line WHERE order_id = {}", bob_orders[0])
    if bob_line is not None:
        hidden = await service.create_review(rt, as_bob, ReviewCreate(
            line_id=bob_line["line_id"], rating=2, text="Bitter tea. Call the owner at 13800138000 and complain!"))
        await moderation.hide(rt, as_operator, hidden.id, HideCreate(
            ground="personal_data", reason="The review names a private phone number (PIPL 13)."))
