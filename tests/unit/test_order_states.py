"""The order transition table: every (state, event) pair, walked."""

from __future__ import annotations

import itertools

import pytest

from bazaar.core.orders.states import (
    FINAL,
    HOLDS_STOCK,
    ORDER,
    TIMESTAMP_COLUMN,
    TRANSITIONS,
    OrderEvent,
    OrderState,
)
from bazaar.sdk.errors import InvalidTransition

allowed_events, transition = ORDER.allowed_events, ORDER.transition

PAIRS = list(itertools.product(OrderState, OrderEvent))


@pytest.mark.parametrize(("state", "event"), PAIRS, ids=[f"{s}-{e}" for s, e in PAIRS])
def test_every_pair_follows_the_table(state: OrderState, event: OrderEvent) -> None:
    expected = TRANSITIONS.get((state, event))
    if expected is None:
        with pytest.raises(InvalidTransition) as caught:
            transition(state, event)
        problem = caught.value.problem()
        assert problem["status"] == 409 and problem["code"] == "invalid_transition"
        assert problem["from"] == state and problem["event"] == event
        assert problem["allowed"] == allowed_events(state)
    else:
        assert transition(str(state), str(event)) == expected


def test_final_states_accept_nothing() -> None:
    for state in FINAL:
        assert allowed_events(state) == []


def test_every_state_is_reachable_from_pending_payment() -> None:
    seen, todo = {OrderState.pending_payment}, [OrderState.pending_payment]
    while todo:
        state = todo.pop()
        for (frm, _), to in TRANSITIONS.items():
            if frm == state and to not in seen:
                seen.add(to)
                todo.append(to)
    assert seen == set(OrderState)


def test_cancel_only_before_shipment() -> None:
    cancellable = {s for (s, e) in TRANSITIONS if e == OrderEvent.cancel}
    assert cancellable == HOLDS_STOCK == {OrderState.pending_payment, OrderState.paid, OrderState.placed}


def test_every_target_but_placed_is_stamped() -> None:
    targets = set(TRANSITIONS.values())
    assert set(TIMESTAMP_COLUMN) == targets - {OrderState.placed}


def test_unknown_state_or_event_is_an_invalid_transition() -> None:
    with pytest.raises(InvalidTransition):
        transition("paid", "teleport")
    with pytest.raises(InvalidTransition):
        transition("lost", "ship")


def test_each_role_is_offered_only_what_it_may_do() -> None:
    assert ORDER.allowed_actions("paid", ("customer",)) == ["cancel"]
    assert ORDER.allowed_actions("paid", ("merchant",)) == ["cancel", "ship"]  # each has its cancel route
    assert ORDER.allowed_actions("paid", ("operator",)) == ["cancel"]
    assert ORDER.allowed_actions("shipped", ("merchant",)) == []
    assert ORDER.allowed_actions("shipped", ("customer",)) == ["confirm_receipt"]
    assert ORDER.allowed_actions("shipped", ("system",)) == ["auto_confirm", "deliver"]
