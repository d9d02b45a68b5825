"""The after-sales plugin's events (tags ``aftersales.*``), listed on ``Plugin(events=...)``.

Consumers: payments (``order.aftersales_opened/closed`` come from the core when this plugin
raises the order's flag), qualification's credit rating (``aftersales.case_closed``:
outcome, refund, auto-accepted, ruled against the merchant). Evolution rule: only add
fields, with defaults.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from bazaar.sdk.events import Event
from bazaar.sdk.money import Money

CaseType = Literal["refund_only", "return_refund", "exchange", "repair", "withdrawal"]
Outcome = Literal["refunded", "rejected", "lapsed", "exchanged", "repaired", "withdrawn", "cancelled"]


class CaseOpened(Event, frozen=True, kw_only=True, tag="aftersales.case_opened"):
    """A buyer opened a case on an order (the order's after-sales flag is raised with it)."""

    case_id: str
    order_id: str
    merchant_id: str
    customer_id: str
    case_type: CaseType
    ground: str = "no_reason"
    subject_field = "case_id"


class CaseMoved(Event, frozen=True, kw_only=True, tag="aftersales.case_moved"):
    """A case changed state (``event`` by ``actor``); for notifications and webhooks."""

    case_id: str
    order_id: str
    merchant_id: str
    customer_id: str
    from_state: str
    to_state: str
    event: str
    actor: str
    subject_field = "case_id"


class CaseClosed(Event, frozen=True, kw_only=True, tag="aftersales.case_closed"):
    """A case ended: its outcome, what was refunded, whether silence accepted it, whether a ruling went
    against the merchant (qualification's credit rating counts these)."""

    case_id: str
    order_id: str
    merchant_id: str
    outcome: Outcome
    refunded: Money | None = None
    auto_accepted: bool = False
    ruled_against_merchant: bool = False
    case_type: CaseType = "return_refund"
    customer_id: str | None = None
    subject_field = "case_id"


class RulingMade(Event, frozen=True, kw_only=True, tag="aftersales.ruling_made"):
    """The platform ruled on an escalated case (``appeal``: on the appeal); visible to both parties."""

    case_id: str
    order_id: str
    merchant_id: str
    outcome: Literal["refund", "return", "reject"]
    refund: Money | None = None
    return_shipping_payer: Literal["merchant", "consumer", "platform"] = "consumer"
    against: Literal["merchant", "customer"] | None = None
    appeal: bool = False
    subject_field = "case_id"


class RefundIssued(Event, frozen=True, kw_only=True, tag="aftersales.refund_issued"):
    """Money went back to the buyer through the order's payment provider (``compensation``: beyond
    the goods, e.g. return shipping borne by the merchant)."""

    case_id: str
    order_id: str
    merchant_id: str
    amount: Money
    refund_id: str | None = None
    compensation: Money | None = None
    subject_field = "case_id"


class DeadlineMissed(Event, frozen=True, kw_only=True, tag="aftersales.deadline_missed"):
    """A clock of a case ran out: who should have acted, when, and the automatic outcome applied."""

    case_id: str
    order_id: str
    merchant_id: str
    clock: str
    actor: str
    due_at: datetime
    outcome: str
    subject_field = "case_id"


EVENTS = (CaseOpened, CaseMoved, CaseClosed, RulingMade, RefundIssued, DeadlineMissed)
