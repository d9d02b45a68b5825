"""The plugin's tables; every name starts with ``complaints_``. No foreign keys: ids are plain columns.

JSON values are kept in ``Text`` columns (encoded and decoded by the plugin) so both
engines return the same thing.
"""

from __future__ import annotations

from piccolo.columns import BigInt, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class Complaint(Table, tablename="complaints_complaint"):
    """One complaint: who, about what, where it stands, and what came of it."""

    id = Varchar(length=40, primary_key=True)
    complainant_id = Varchar(length=40, index=True)
    channel = Varchar(length=8)
    entered_by = Varchar(length=40, null=True, default=None)
    category = Varchar(length=40, index=True)
    subject_type = Varchar(length=10)
    subject_id = Varchar(length=40, null=True, default=None)
    order_id = Varchar(length=40, null=True, default=None, index=True)
    product_id = Varchar(length=40, null=True, default=None)
    merchant_id = Varchar(length=40, null=True, default=None, index=True)
    description = Text()
    desired_outcome = Text(null=True, default=None)
    #: encrypted contact (phone or email) of the complainant
    contact = Text(null=True, default=None)
    evidence_ids = Text(default="[]")
    state = Varchar(length=24, index=True)
    round = Integer(default=1)
    duplicate_of = Varchar(length=40, null=True, default=None, index=True)
    duplicates = Integer(default=0)
    upheld = Boolean(null=True, default=None)
    upheld_emitted = Boolean(default=False)
    responsible_party = Varchar(length=12, null=True, default=None)
    findings = Text(null=True, default=None)
    reported_by = Varchar(length=40, null=True, default=None)
    reported_at = Timestamptz(null=True, default=None)
    plan_round = Integer(default=0)
    plan_note = Text(null=True, default=None)
    answer_due_at = Timestamptz(null=True, default=None)
    outcome = Varchar(length=16, null=True, default=None)
    satisfaction = Integer(null=True, default=None)
    feedback_comment = Text(null=True, default=None)
    suspended_reason = Text(null=True, default=None)
    escalated = Boolean(default=False)
    idempotency_key = Varchar(length=200, null=True, default=None, unique=True)
    created_at = Timestamptz(index=True)
    updated_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)


class Clock(Table, tablename="complaints_clock"):
    """A clock's live row, folded from its marks; pinned terms and calendar version."""

    id = Varchar(length=40, primary_key=True)
    complaint_id = Varchar(length=40, index=True)
    name = Varchar(length=20)
    round = Integer(default=1)
    info_request_id = Varchar(length=40, null=True, default=None)
    merchant_id = Varchar(length=40, null=True, default=None, index=True)
    category = Varchar(length=40)
    actor = Varchar(length=12)
    unit = Varchar(length=12)
    amount = Integer()
    terms = Text()
    calendar_version = Varchar(length=16)
    state = Varchar(length=10, index=True)
    started_at = Timestamptz(index=True)
    due_at = Timestamptz(null=True, default=None)
    final_due_at = Timestamptz(null=True, default=None)
    paused_at = Timestamptz(null=True, default=None)
    warned_at = Timestamptz(null=True, default=None)
    breached_at = Timestamptz(null=True, default=None)
    fulfilled_at = Timestamptz(null=True, default=None)
    stopped_at = Timestamptz(null=True, default=None)
    used_seconds = BigInt(null=True, default=None)
    paused_seconds = BigInt(default=0)


class ClockMark(Table, tablename="complaints_clock_mark"):
    """The append-only log of a clock: started, paused, resumed, warned, breached, fulfilled, stopped."""

    id = Varchar(length=40, primary_key=True)
    clock_id = Varchar(length=40, index=True)
    complaint_id = Varchar(length=40, index=True)
    seq = Integer()
    kind = Varchar(length=10)
    at = Timestamptz()
    reason = Text(null=True, default=None)
    recorded_at = Timestamptz()


class CalendarVersion(Table, tablename="complaints_calendar"):
    """Each kernel calendar a clock started on: zone, holidays and make-up days by version."""

    version = Varchar(length=16, primary_key=True)
    timezone = Varchar(length=64)
    holidays = Text()
    workdays = Text()
    recorded_at = Timestamptz()


class Message(Table, tablename="complaints_message"):
    """A message in a complaint; ``visibility`` says who reads it (all, complainant, merchant, platform)."""

    id = Varchar(length=40, primary_key=True)
    complaint_id = Varchar(length=40, index=True)
    author_role = Varchar(length=12)
    author_id = Varchar(length=40, null=True, default=None)
    kind = Varchar(length=16, default="message")
    body = Text()
    visibility = Varchar(length=12)
    evidence_ids = Text(default="[]")
    created_at = Timestamptz()


class InfoRequest(Table, tablename="complaints_info_request"):
    """A question to the complainant or the merchant, with its own due time."""

    id = Varchar(length=40, primary_key=True)
    complaint_id = Varchar(length=40, index=True)
    party = Varchar(length=12)
    question = Text()
    due_at = Timestamptz()
    status = Varchar(length=10, index=True)
    answered_at = Timestamptz(null=True, default=None)
    created_by = Varchar(length=40, null=True, default=None)
    created_at = Timestamptz()


class Remedy(Table, tablename="complaints_remedy"):
    """One remedy of a plan; money ones go to the payment provider with an idempotency key."""

    id = Varchar(length=40, primary_key=True)
    complaint_id = Varchar(length=40, index=True)
    plan_round = Integer()
    kind = Varchar(length=12)
    amount_minor = BigInt(null=True, default=None)
    currency = Varchar(length=3, null=True, default=None)
    payer = Varchar(length=10, null=True, default=None)
    measure = Varchar(length=12, null=True, default=None)
    note = Text(null=True, default=None)
    status = Varchar(length=10, index=True)
    reference = Varchar(length=100, null=True, default=None)
    executed_by = Varchar(length=40, null=True, default=None)
    executed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class Escalation(Table, tablename="complaints_escalation"):
    """The supervisor queue: breached clocks and rejected plans."""

    id = Varchar(length=40, primary_key=True)
    complaint_id = Varchar(length=40, index=True)
    clock_id = Varchar(length=40, null=True, default=None)
    reason = Varchar(length=16)
    created_at = Timestamptz(index=True)
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = Varchar(length=40, null=True, default=None)
    note = Text(null=True, default=None)


class Disclosure(Table, tablename="complaints_disclosure"):
    """Audit of each disclosure of a merchant's identity to a complainant (ECL 61, CPL 44)."""

    id = Varchar(length=40, primary_key=True)
    complaint_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40, index=True)
    requested_by = Varchar(length=40)
    fields = Text()
    at = Timestamptz()


class IpNotice(Table, tablename="complaints_ip_notice"):
    """A notice of infringement (ECL 42-45) and what became of it."""

    id = Varchar(length=40, primary_key=True)
    notifier_id = Varchar(length=40, index=True)
    product_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40, index=True)
    right_kind = Varchar(length=12)
    right_reference = Varchar(length=200)
    description = Text()
    proof = Text()
    proof_ids = Text(default="[]")
    state = Varchar(length=10, index=True)
    forwarded_at = Timestamptz(null=True, default=None)
    declaration = Text(null=True, default=None)
    declaration_proof = Text(null=True, default=None)
    declaration_proof_ids = Text(default="[]")
    declared_at = Timestamptz(null=True, default=None)
    lift_at = Timestamptz(null=True, default=None)
    lawsuit_reference = Text(null=True, default=None)
    lawsuit_at = Timestamptz(null=True, default=None)
    decision_reason = Text(null=True, default=None)
    decided_by = Varchar(length=40, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    false_notice = Boolean(default=False)
    false_notice_note = Text(null=True, default=None)
    created_at = Timestamptz(index=True)


class Appeal(Table, tablename="complaints_appeal"):
    """An appeal against a decision on a merchant or listing; decided by someone other than the decider."""

    id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    decision_kind = Varchar(length=12)
    decision_id = Varchar(length=40)
    decided_by_first = Varchar(length=40, null=True, default=None)
    grounds = Text()
    state = Varchar(length=12, index=True)
    filed_by = Varchar(length=40)
    reviewer_id = Varchar(length=40, null=True, default=None)
    reason = Text(null=True, default=None)
    created_at = Timestamptz()
    decided_at = Timestamptz(null=True, default=None)


class Survey(Table, tablename="complaints_survey"):
    """The follow-up survey of one completed order (once, optional)."""

    order_id = Varchar(length=40, primary_key=True)
    customer_id = Varchar(length=40, index=True)
    merchant_id = Varchar(length=40, index=True)
    opened_at = Timestamptz()
    closes_at = Timestamptz()
    score = Integer(null=True, default=None)
    comment = Text(null=True, default=None)
    answered_at = Timestamptz(null=True, default=None, index=True)


class OrderFact(Table, tablename="complaints_order_fact"):
    """Order, shipment and after-sales events as delivered to this plugin, kept for evidence packs (ECL 62)."""

    event_id = Varchar(length=40, primary_key=True)
    order_id = Varchar(length=40, index=True)
    type = Varchar(length=60)
    data = Text()
    occurred_at = Timestamptz(null=True, default=None)
