"""``bazaar serve --demo``: complaints in several states and one IP notice (idempotent).

alice: a quality complaint about her order, acknowledged, with a question to the merchant;
a logistics complaint just filed (ack clock running). bob: a complaint about his order
upheld with a plan waiting for his answer; a service complaint closed with his score.
bob, as a brand owner, filed an IP notice: the listing was taken down and the merchant
declared non-infringement (the 15-day wait runs).
"""

from __future__ import annotations

from bazaar.plugins.complaints import conversation, handling, intake, ip, ports
from bazaar.plugins.complaints.schemas import (
    ComplaintCreate,
    FeedbackIn,
    InfoRequestIn,
    NoteIn,
    PlanIn,
    RemedyIn,
    ReportIn,
    SubjectIn,
)
from bazaar.plugins.complaints.schemas_ip import DeclarationIn, NoticeCreate
from bazaar.sdk.api import Actor
from bazaar.sdk.demo import DemoContext
from bazaar.sdk.money import Money
from bazaar.sdk.runtime import PluginRuntime

MARK = "demo-complaints"


def _person(user_id: str, *, operator: bool = False, merchant: str | None = None) -> Actor:
    return Actor(kind="user", user_id=user_id, is_operator=operator, operator_rights=("*",) if operator else (),
                 merchants={merchant: "owner"} if merchant else {})


async def demo(rt: PluginRuntime, shop: DemoContext) -> None:
    """Seed once: a second run finds the first demo complaint and stops."""
    if await rt.db.fetchrow("SELECT id FROM complaints_complaint WHERE idempotency_key LIKE {}", f"%:{MARK}-1"):
        return
    alice = _person(shop.customer_ids["customer"])
    bob = _person(shop.customer_ids["customer2"])
    staff = _person(shop.operator_id, operator=True)
    tea = shop.merchant_ids["merchant2"]

    order_a = (await shop.buy("customer", "merchant"))[0]
    first = await intake.file(rt, ComplaintCreate(
        category="product_quality", subject=SubjectIn(type="order", id=order_a),
        description="The charger gets very hot after ten minutes.", desired_outcome="replacement",
        contact="+86 138 0000 0001"), alice, f"{MARK}-1")
    await handling.acknowledge(rt, first.id, staff)
    await conversation.request_info(rt, first.id, InfoRequestIn(
        party="merchant", question="Which batch was shipped? Any other reports?"), staff)

    await intake.file(rt, ComplaintCreate(category="logistics", subject=SubjectIn(type="platform"),
                                          description="Tracking has not moved for three days."), alice, f"{MARK}-2")

    order_b = (await shop.buy("customer2", "merchant2"))[0]
    upheld = await intake.file(rt, ComplaintCreate(
        category="false_advertising", subject=SubjectIn(type="order", id=order_b),
        description="The tea was sold as first flush but the tin says second flush."), bob, f"{MARK}-3")
    await handling.acknowledge(rt, upheld.id, staff)
    await handling.report(rt, upheld.id, ReportIn(findings="The listing overstated the grade.", upheld=True,
                                                  responsible_party="merchant"), staff)
    snapshot = await ports.order(rt, order_b)
    currency = snapshot.total.currency if snapshot else "CNY"
    await handling.propose_plan(rt, upheld.id, PlanIn(remedies=[
        RemedyIn(kind="refund", amount=Money(amount=500, currency=currency), note="price difference"),
        RemedyIn(kind="sanction", measure="warning", note="misleading grade on the listing")],
        note="Partial refund of the price difference; a warning to the store."), staff)

    done = await intake.file(rt, ComplaintCreate(category="service", subject=SubjectIn(type="merchant", id=tea),
                                                 description="The store did not answer for a week."), bob, f"{MARK}-4")
    await handling.acknowledge(rt, done.id, staff)
    await handling.report(rt, done.id, ReportIn(findings="Replies were late.", upheld=True,
                                                responsible_party="merchant"), staff)
    await handling.propose_plan(rt, done.id, PlanIn(remedies=[RemedyIn(kind="apology")]), staff)
    await handling.answer_plan(rt, done.id, True, None, bob)
    await handling.complete(rt, done.id, NoteIn(note="the store apologised"), staff)
    await handling.feedback(rt, done.id, FeedbackIn(score=4), bob)

    product_id = next((line.product_id for line in getattr(snapshot, "lines", ()) or ()), None)
    if product_id is None:
        return
    notice = await ip.file(rt, NoticeCreate(
        product_id=product_id, right_kind="trademark", right_reference="CN TM 20240001",
        description="The listing uses our registered tea brand.", proof="Registration certificate 20240001."), bob)
    await ip.take_down(rt, notice.id, "registered mark; preliminary proof sufficient", staff)
    store = await ports.merchant(rt, tea)
    owner = _person(store.owner_id if store else tea, merchant=tea)
    await ip.declare(rt, tea, notice.id, DeclarationIn(statement="Our tea is bought from the brand's own estate.",
                                                       proof="Purchase contract 2025-88."), owner)
