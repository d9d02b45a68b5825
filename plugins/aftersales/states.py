"""The after-sales case machine: one ``(state, event) -> state`` table, who fires each event, and
the clock of every waiting state with its automatic outcome.

Events are what the table knows; *actions* are what a caller sees in ``allowed_actions``
(several events share one action when the service picks the event: the merchant's
``receipt`` is ``receive_refund``, ``receive_exchange``, ``receive_repair``,
``repair_exhausted`` or ``refuse_goods`` depending on the case and what arrived).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple

from bazaar.sdk.states import StateMachine


class CaseState(StrEnum):
    requested = "requested"
    info_requested = "info_requested"
    reviewing = "reviewing"
    intercepting = "intercepting"
    awaiting_return_address = "awaiting_return_address"
    awaiting_buyer_shipment = "awaiting_buyer_shipment"
    return_in_transit = "return_in_transit"
    return_delivered = "return_delivered"
    non_compliant = "non_compliant"
    rejected = "rejected"
    escalated = "escalated"
    awaiting_evidence = "awaiting_evidence"
    ruled = "ruled"
    appealed = "appealed"
    awaiting_replacement = "awaiting_replacement"
    replacement_shipped = "replacement_shipped"
    repairing = "repairing"
    repair_returned = "repair_returned"
    repair_failed = "repair_failed"
    closed = "closed"


class CaseEvent(StrEnum):
    accept_refund = "accept_refund"
    accept_return = "accept_return"
    reject = "reject"
    request_info = "request_info"
    supply_info = "supply_info"
    lapse = "lapse"
    intercept = "intercept"
    intercepted = "intercepted"
    intercept_failed = "intercept_failed"
    give_address = "give_address"
    address_missed = "address_missed"
    ship_back = "ship_back"
    parcel_delivered = "parcel_delivered"
    parcel_lost = "parcel_lost"
    receive_refund = "receive_refund"
    receive_exchange = "receive_exchange"
    receive_repair = "receive_repair"
    repair_exhausted = "repair_exhausted"
    refuse_goods = "refuse_goods"
    accept_outcome = "accept_outcome"
    escalate = "escalate"
    request_evidence = "request_evidence"
    submit_evidence = "submit_evidence"
    evidence_window_closed = "evidence_window_closed"
    mark_overdue = "mark_overdue"
    rule = "rule"
    accept_ruling = "accept_ruling"
    appeal = "appeal"
    execute = "execute"
    execute_return = "execute_return"
    decide_appeal = "decide_appeal"
    decide_appeal_return = "decide_appeal_return"
    ship_replacement = "ship_replacement"
    replacement_missed = "replacement_missed"
    confirm_replacement = "confirm_replacement"
    return_repaired = "return_repaired"
    repair_overdue = "repair_overdue"
    confirm_repair = "confirm_repair"
    report_repair_failed = "report_repair_failed"
    choose_refund = "choose_refund"
    choose_exchange = "choose_exchange"
    cancel = "cancel"


S, E = CaseState, CaseEvent
RECEIVING = (S.return_in_transit, S.return_delivered)
ANSWERING = (S.requested, S.reviewing)

TABLE: dict[tuple[CaseState, CaseEvent], CaseState] = {
    **{(s, E.accept_refund): S.closed for s in ANSWERING},
    **{(s, E.accept_return): S.awaiting_return_address for s in ANSWERING},
    **{(s, E.reject): S.rejected for s in ANSWERING},
    (S.requested, E.request_info): S.info_requested,
    (S.requested, E.intercept): S.intercepting,
    (S.info_requested, E.supply_info): S.reviewing,
    (S.info_requested, E.lapse): S.closed,
    (S.intercepting, E.intercepted): S.closed,
    (S.intercepting, E.intercept_failed): S.requested,
    (S.awaiting_return_address, E.give_address): S.awaiting_buyer_shipment,
    (S.awaiting_return_address, E.address_missed): S.escalated,
    (S.awaiting_buyer_shipment, E.ship_back): S.return_in_transit,
    (S.awaiting_buyer_shipment, E.lapse): S.closed,
    (S.return_in_transit, E.parcel_delivered): S.return_delivered,
    (S.return_in_transit, E.parcel_lost): S.escalated,
    **{(s, E.receive_refund): S.closed for s in RECEIVING},
    **{(s, E.receive_exchange): S.awaiting_replacement for s in RECEIVING},
    **{(s, E.receive_repair): S.repairing for s in RECEIVING},
    **{(s, E.repair_exhausted): S.repair_failed for s in RECEIVING},
    **{(s, E.refuse_goods): S.non_compliant for s in RECEIVING},
    (S.rejected, E.accept_outcome): S.closed,
    (S.non_compliant, E.accept_outcome): S.closed,
    (S.rejected, E.escalate): S.escalated,
    (S.non_compliant, E.escalate): S.escalated,
    (S.replacement_shipped, E.escalate): S.escalated,
    (S.escalated, E.request_evidence): S.awaiting_evidence,
    (S.escalated, E.mark_overdue): S.escalated,
    (S.escalated, E.rule): S.ruled,
    (S.awaiting_evidence, E.submit_evidence): S.escalated,
    (S.awaiting_evidence, E.evidence_window_closed): S.escalated,
    (S.ruled, E.accept_ruling): S.ruled,
    (S.ruled, E.appeal): S.appealed,
    (S.ruled, E.execute): S.closed,
    (S.ruled, E.execute_return): S.awaiting_return_address,
    (S.appealed, E.mark_overdue): S.appealed,
    (S.appealed, E.decide_appeal): S.closed,
    (S.appealed, E.decide_appeal_return): S.awaiting_return_address,
    (S.awaiting_replacement, E.ship_replacement): S.replacement_shipped,
    (S.awaiting_replacement, E.replacement_missed): S.closed,
    (S.replacement_shipped, E.confirm_replacement): S.closed,
    (S.repairing, E.return_repaired): S.repair_returned,
    (S.repairing, E.repair_overdue): S.repair_failed,
    (S.repair_returned, E.confirm_repair): S.closed,
    (S.repair_returned, E.report_repair_failed): S.awaiting_buyer_shipment,
    (S.repair_failed, E.choose_refund): S.closed,
    (S.repair_failed, E.choose_exchange): S.awaiting_replacement,
    **{(s, E.cancel): S.closed for s in (S.requested, S.info_requested, S.reviewing, S.awaiting_return_address,
                                         S.awaiting_buyer_shipment, S.rejected, S.non_compliant)},
}

BUYER, MERCHANT, OPERATOR, SYSTEM = "customer", "merchant", "operator", "system"
ACTORS: dict[CaseEvent, set[str]] = {
    E.accept_refund: {MERCHANT, SYSTEM}, E.accept_return: {MERCHANT, SYSTEM}, E.reject: {MERCHANT},
    E.request_info: {MERCHANT}, E.supply_info: {BUYER}, E.give_address: {MERCHANT}, E.ship_back: {BUYER},
    E.parcel_delivered: {MERCHANT, SYSTEM}, E.receive_refund: {MERCHANT, SYSTEM},
    E.receive_exchange: {MERCHANT, SYSTEM}, E.receive_repair: {MERCHANT, SYSTEM},
    E.repair_exhausted: {MERCHANT, SYSTEM}, E.refuse_goods: {MERCHANT}, E.accept_outcome: {BUYER, SYSTEM},
    E.escalate: {BUYER, MERCHANT}, E.request_evidence: {OPERATOR}, E.submit_evidence: {BUYER, MERCHANT},
    E.rule: {OPERATOR}, E.accept_ruling: {BUYER, MERCHANT}, E.appeal: {BUYER, MERCHANT},
    E.decide_appeal: {OPERATOR}, E.decide_appeal_return: {OPERATOR}, E.ship_replacement: {MERCHANT}, E.confirm_replacement: {BUYER, SYSTEM},
    E.return_repaired: {MERCHANT}, E.confirm_repair: {BUYER, SYSTEM}, E.report_repair_failed: {BUYER},
    E.choose_refund: {BUYER, SYSTEM}, E.choose_exchange: {BUYER}, E.cancel: {BUYER},
}

CASE: StateMachine[CaseState, CaseEvent] = StateMachine(
    "aftersales.case", CaseState, CaseEvent, TABLE, actors=ACTORS, final={S.closed}, initial=S.requested,
    noun="after-sales case",
)

#: the action a caller sees for each event a person may fire (HTTP: ``POST /cases/{id}/<action>``)
ACTION: dict[CaseEvent, str] = {
    E.accept_refund: "accept", E.accept_return: "accept", E.reject: "reject", E.request_info: "request_info",
    E.supply_info: "supply_info", E.give_address: "return_address", E.ship_back: "return_shipment",
    E.parcel_delivered: "confirm_arrival", E.receive_refund: "receipt", E.receive_exchange: "receipt",
    E.receive_repair: "receipt", E.repair_exhausted: "receipt", E.refuse_goods: "receipt",
    E.accept_outcome: "accept_outcome", E.escalate: "escalate", E.request_evidence: "request_evidence",
    E.submit_evidence: "submit_evidence", E.rule: "rule", E.accept_ruling: "accept_ruling", E.appeal: "appeal",
    E.decide_appeal: "decide_appeal", E.decide_appeal_return: "decide_appeal", E.ship_replacement: "ship_replacement",
    E.confirm_replacement: "confirm_replacement", E.return_repaired: "return_repaired",
    E.confirm_repair: "confirm_repair", E.report_repair_failed: "report_repair_failed",
    E.choose_refund: "choose_refund", E.choose_exchange: "choose_exchange", E.cancel: "cancel",
}


class Clock(NamedTuple):
    """The clock of a waiting state: its name, the policy key that sets it, who must act, what expiry does."""

    name: str
    key: str
    actor: str
    on_expiry: CaseEvent


#: every waiting state has a clock; ``closed`` has none. ``escalated`` / ``appealed`` only mark the
#: case overdue for the operator (a person must rule); the others move the case.
CLOCKS: dict[CaseState, Clock] = {
    S.requested: Clock("merchant_response", "merchant_response_hours", MERCHANT, E.accept_return),
    S.reviewing: Clock("merchant_response", "merchant_response_hours", MERCHANT, E.accept_return),
    S.info_requested: Clock("buyer_reply", "buyer_reply_hours", BUYER, E.lapse),
    S.intercepting: Clock("interception", "intercept_hours", "carrier", E.intercept_failed),
    S.awaiting_return_address: Clock("return_address", "return_address_hours", MERCHANT, E.address_missed),
    S.awaiting_buyer_shipment: Clock("buyer_ship_back", "buyer_ship_back_days", BUYER, E.lapse),
    S.return_in_transit: Clock("merchant_receipt", "merchant_receipt_days", MERCHANT, E.receive_refund),
    S.return_delivered: Clock("refund_deadline", "refund.deadline_days", MERCHANT, E.receive_refund),
    S.non_compliant: Clock("buyer_escalation", "buyer_escalation_days", BUYER, E.accept_outcome),
    S.rejected: Clock("buyer_escalation", "buyer_escalation_days", BUYER, E.accept_outcome),
    S.escalated: Clock("platform_ruling", "ruling_working_days", OPERATOR, E.mark_overdue),
    S.awaiting_evidence: Clock("evidence_window", "evidence_window_hours", "party", E.evidence_window_closed),
    S.ruled: Clock("appeal_window", "appeal_window_days", "party", E.execute),
    S.appealed: Clock("platform_ruling", "ruling_working_days", OPERATOR, E.mark_overdue),
    S.awaiting_replacement: Clock("replacement_shipment", "exchange.reship_hours", MERCHANT, E.replacement_missed),
    S.replacement_shipped: Clock("replacement_confirmation", "exchange.confirm_days", BUYER, E.confirm_replacement),
    S.repairing: Clock("repair", "repair.days", MERCHANT, E.repair_overdue),
    S.repair_returned: Clock("repair_confirmation", "exchange.confirm_days", BUYER, E.confirm_repair),
    S.repair_failed: Clock("buyer_choice", "buyer_escalation_days", BUYER, E.choose_refund),
}

#: case types (``withdrawal`` only where the preset has the withdrawal function)
CASE_TYPES = ("refund_only", "return_refund", "exchange", "repair", "withdrawal")
#: outcomes a closed case carries (``aftersales.case_closed``)
OUTCOMES = ("refunded", "rejected", "lapsed", "exchanged", "repaired", "withdrawn", "cancelled")


def allowed_actions(state: str, roles: Iterable[str], *, escalation: bool = True) -> list[str]:
    """The actions a caller with ``roles`` may take on a case in ``state``, sorted."""
    events = CASE.allowed_actions(state, roles)
    actions = {ACTION[CaseEvent(e)] for e in events if CaseEvent(e) in ACTION}
    if not escalation:
        actions.discard("escalate")
    return sorted(actions)
