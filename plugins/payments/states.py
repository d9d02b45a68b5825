"""The payments machines: a payment, the money of each order, an instruction to the provider.

::

    payment        created --acknowledge--> pending --succeed--> paid
                   created|pending|failed --fail|cancel|flag_for_review--> ...
                   cancelled --flag_for_review--> needs_review --resolve--> resolved
    order money    pending --hold--> held --request_release--> releasing --confirm_release--> released
                   pending --capture--> captured       releasing --fail_release--> held
                   pending --cancel--> cancelled       held --close_refunded--> released
    instruction    queued --send--> sent --succeed|fail|flag_for_review--> succeeded|failed|needs_review

Money moves only on the provider's verified notification, so nearly every event is the
system's; operators resolve payments in review. States are stored as the enum values
and passed to SQL as parameters, never written as literals.
"""

from __future__ import annotations

from enum import StrEnum

from bazaar.sdk.states import StateMachine


class PaymentState(StrEnum):
    created = "created"  # recorded; the create instruction is on its way
    pending = "pending"  # the provider knows it; waiting for the payer
    failed = "failed"  # the payer's attempt failed; they may try again
    paid = "paid"  # the provider confirmed the full amount
    cancelled = "cancelled"  # the checkout was cancelled before payment
    needs_review = "needs_review"  # money arrived that does not fit (wrong amount, after cancel)
    resolved = "resolved"  # an operator refunded or dismissed it


class PaymentEvent(StrEnum):
    acknowledge = "acknowledge"  # the provider accepted the create instruction
    succeed = "succeed"  # verified notice: paid in full
    fail = "fail"  # verified notice: the attempt failed
    cancel = "cancel"  # the checkout was cancelled or expired unpaid
    flag_for_review = "flag_for_review"  # verified notice that does not fit: funds go to suspense
    resolve = "resolve"  # an operator refunds the suspense or dismisses the case


class OrderMoneyState(StrEnum):
    pending = "pending"  # not paid yet
    held = "held"  # escrow: paid, held until release
    releasing = "releasing"  # the release instruction is with the provider
    released = "released"  # settled to the merchant (less commission), or nothing left to release
    captured = "captured"  # instant: paid and credited to the merchant at once
    cancelled = "cancelled"  # the payment was cancelled before it was paid


class OrderMoneyEvent(StrEnum):
    hold = "hold"  # escrow payment confirmed
    capture = "capture"  # instant payment confirmed
    cancel = "cancel"
    request_release = "request_release"  # receipt confirmed (or auto-confirmed), no case open
    confirm_release = "confirm_release"  # verified notice: released
    fail_release = "fail_release"  # verified notice: the release failed; the money stays held
    close_refunded = "close_refunded"  # the hold was refunded in full: nothing left to release


class InstructionStatus(StrEnum):
    queued = "queued"  # recorded; its dispatch timer sends it after commit
    sent = "sent"  # the provider accepted it; waiting for its notice
    succeeded = "succeeded"
    failed = "failed"
    needs_review = "needs_review"  # the provider confirmed another amount


class InstructionEvent(StrEnum):
    send = "send"
    succeed = "succeed"  # acknowledged synchronously (create, close) or by verified notice
    fail = "fail"
    flag_for_review = "flag_for_review"


P, PE = PaymentState, PaymentEvent
PAYMENT = StateMachine(
    "payments.payment",
    PaymentState,
    PaymentEvent,
    {
        (P.created, PE.acknowledge): P.pending,
        **{(s, PE.succeed): P.paid for s in (P.created, P.pending, P.failed)},
        **{(s, PE.fail): P.failed for s in (P.created, P.pending)},
        **{(s, PE.cancel): P.cancelled for s in (P.created, P.pending, P.failed)},
        **{(s, PE.flag_for_review): P.needs_review for s in (P.created, P.pending, P.failed, P.cancelled)},
        (P.needs_review, PE.resolve): P.resolved,
    },
    actors={PE.resolve: {"operator"}},
    final={P.paid, P.resolved},
    initial=P.created,
    noun="payment",
)

#: a payer may (still, or again) be sent to the provider's pay page
PAYABLE = frozenset({P.created, P.pending, P.failed})
#: a notice of success was already applied
RECEIVED = frozenset({P.paid, P.needs_review, P.resolved})

M, ME = OrderMoneyState, OrderMoneyEvent
ORDER_MONEY = StateMachine(
    "payments.order_money",
    OrderMoneyState,
    OrderMoneyEvent,
    {
        (M.pending, ME.hold): M.held,
        (M.pending, ME.capture): M.captured,
        (M.pending, ME.cancel): M.cancelled,
        (M.held, ME.request_release): M.releasing,
        (M.held, ME.close_refunded): M.released,
        (M.releasing, ME.confirm_release): M.released,
        (M.releasing, ME.fail_release): M.held,
    },
    final={M.released, M.captured, M.cancelled},
    initial=M.pending,
    noun="order payment",
)

#: the customer paid: refunds may be asked for
PAID = frozenset({M.held, M.releasing, M.released, M.captured})
#: the receipt clock runs (escrow holds, instant captured)
CONFIRMING = frozenset({M.held, M.captured})

N, IE = InstructionStatus, InstructionEvent
INSTRUCTION = StateMachine(
    "payments.instruction",
    InstructionStatus,
    InstructionEvent,
    {
        (N.queued, IE.send): N.sent,
        **{(s, IE.succeed): N.succeeded for s in (N.queued, N.sent)},
        **{(s, IE.fail): N.failed for s in (N.queued, N.sent)},
        **{(s, IE.flag_for_review): N.needs_review for s in (N.queued, N.sent)},
    },
    final={N.succeeded, N.failed, N.needs_review},
    initial=N.queued,
    noun="instruction",
)

#: the provider has not answered yet
IN_FLIGHT = (N.queued, N.sent)
