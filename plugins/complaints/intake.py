"""Filing a complaint: category, subject, evidence, channel; duplicates linked; the ack clock starts.

A complaint names what it is about: an order (the complainant's own), a merchant, a
listing, or the platform. A second open complaint of the same complainant on the same
subject within ``duplicate_window_days`` is not multiplied: its text is added to the open
one as a ``duplicate`` message and the open one is answered (``duplicates`` counts them).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bazaar.plugins.complaints import clockwork, evidence, ports, views
from bazaar.plugins.complaints.errors import ComplaintInvalid, SubjectNotFound, WrongParty
from bazaar.plugins.complaints.events import ComplaintOpened
from bazaar.plugins.complaints.records import complaint, dump, set_complaint, values
from bazaar.plugins.complaints.schemas import ComplaintCreate, ComplaintOut
from bazaar.plugins.complaints.states import OPEN_STATES
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import FieldProblem
from bazaar.sdk.runtime import PluginRuntime


async def _subject(rt: PluginRuntime, data: ComplaintCreate, complainant_id: str) -> dict[str, Any]:
    """``subject_id``, ``order_id``, ``product_id`` and ``merchant_id`` of the subject, or ``422``."""
    kind, sid = data.subject.type, data.subject.id
    if kind == "platform":
        if sid is not None:
            raise ComplaintInvalid("a complaint about the platform names no id",
                                   errors=[FieldProblem(field="subject.id", reason="must be null for the platform")])
        return {"subject_id": None, "order_id": None, "product_id": None, "merchant_id": None}
    if sid is None:
        raise ComplaintInvalid(f"a complaint about a {kind} names its id",
                               errors=[FieldProblem(field="subject.id", reason="required")])
    missing = SubjectNotFound(f"no such {kind}", errors=[FieldProblem(field="subject.id", reason=f"no such {kind}")])
    if kind == "order":
        order = await ports.order(rt, sid)
        if order is None or order.customer_id != complainant_id:
            raise missing
        return {"subject_id": sid, "order_id": sid, "product_id": None, "merchant_id": order.merchant_id}
    if kind == "merchant":
        merchant = await ports.merchant(rt, sid)
        if merchant is None:
            raise missing
        return {"subject_id": sid, "order_id": None, "product_id": None, "merchant_id": merchant.id}
    listing = await ports.listing(rt, sid)
    if listing is None:
        raise missing
    return {"subject_id": sid, "order_id": None, "product_id": sid, "merchant_id": listing.merchant_id}


def _complainant(data: ComplaintCreate, actor: Actor) -> str:
    """Who complains: the caller, or the caller an operator enters a phone complaint for."""
    if data.on_behalf_of is not None or data.channel == "phone":
        if not actor.is_operator:
            raise WrongParty("only an operator enters a complaint on a caller's behalf")
        if data.on_behalf_of is None:
            raise ComplaintInvalid("a phone complaint names the caller",
                                   errors=[FieldProblem(field="on_behalf_of", reason="required for channel phone")])
        return data.on_behalf_of
    assert actor.user_id is not None
    return actor.user_id


async def _duplicate_of(rt: PluginRuntime, complainant_id: str, subject: dict[str, Any], kind: str,
                        category: str) -> dict[str, Any] | None:
    window = timedelta(days=int(values(rt)["duplicate_window_days"]))
    since = rt.clock.now() - window
    states = tuple(str(s) for s in OPEN_STATES)
    marks = ", ".join("{}" for _ in states)
    same = "subject_id = {}" if subject["subject_id"] is not None else "subject_id IS NULL AND category = {}"
    return await rt.db.fetchrow(
        f"SELECT * FROM complaints_complaint WHERE complainant_id = {{}} AND subject_type = {{}} AND {same} "
        f"AND duplicate_of IS NULL AND created_at >= {{}} AND state IN ({marks}) ORDER BY created_at LIMIT 1",
        complainant_id, kind, subject["subject_id"] if subject["subject_id"] is not None else category, since, *states,
    )


async def file(rt: PluginRuntime, data: ComplaintCreate, actor: Actor, key: str | None) -> ComplaintOut:
    """File a complaint (or link it to the open one on the same subject) and start the ack clock."""
    vals = values(rt)
    if data.category not in vals["categories"]:
        raise ComplaintInvalid("unknown category", errors=[FieldProblem(
            field="category", reason="one of: " + ", ".join(vals["categories"]), value=data.category)])
    complainant_id = _complainant(data, actor)
    async with rt.unit_of_work():
        if key is not None:
            again = await rt.db.fetchrow("SELECT id, complainant_id FROM complaints_complaint WHERE "
                                         "idempotency_key = {}", f"{complainant_id}:{key}")
            if again is not None:
                row = await complaint(rt, again["id"])
                return await views.out(rt, row, views.role_of(row, actor))
        subject = await _subject(rt, data, complainant_id)
        await evidence.check(rt, data.evidence_ids, complainant_id, actor, field="evidence_ids")
        now = rt.clock.now()
        earlier = await _duplicate_of(rt, complainant_id, subject, data.subject.type, data.category)
        if earlier is not None:
            await rt.db.execute(
                "INSERT INTO complaints_message (id, complaint_id, author_role, author_id, kind, body, visibility, "
                "evidence_ids, created_at) VALUES ({}, {}, 'complainant', {}, 'duplicate', {}, 'all', {}, {})",
                new_id("cms"), earlier["id"], complainant_id, data.description, dump(data.evidence_ids), now,
            )
            await set_complaint(rt, earlier["id"], duplicates=int(earlier["duplicates"]) + 1)
            row = await complaint(rt, earlier["id"])
            return await views.out(rt, row, views.role_of(row, actor))
        complaint_id = new_id("cmp")
        contact = ports.cipher(rt).encrypt(data.contact) if data.contact else None  # type: ignore[arg-type]
        await rt.db.execute(
            "INSERT INTO complaints_complaint (id, complainant_id, channel, entered_by, category, subject_type, "
            "subject_id, order_id, product_id, merchant_id, description, desired_outcome, contact, evidence_ids, "
            "state, round, duplicates, escalated, upheld_emitted, plan_round, idempotency_key, created_at, updated_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 'received', 1, 0, FALSE, FALSE, 0, {}, {}, {})",
            complaint_id, complainant_id, data.channel, actor.user_id if data.on_behalf_of else None, data.category,
            data.subject.type, subject["subject_id"], subject["order_id"], subject["product_id"],
            subject["merchant_id"], data.description, data.desired_outcome, contact, dump(data.evidence_ids),
            f"{complainant_id}:{key}" if key else None, now, now,
        )
        row = await complaint(rt, complaint_id)
        await clockwork.start(rt, row, "ack")
        await rt.emit(ComplaintOpened(
            complaint_id=complaint_id, merchant_id=subject["merchant_id"], category=data.category,
            channel=data.channel, subject_type=data.subject.type, subject_id=subject["subject_id"]))
        return await views.out(rt, row, views.role_of(row, actor))
