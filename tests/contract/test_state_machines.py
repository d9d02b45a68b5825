"""Every state machine, walked: each (state, event) pair of every core and plugin machine.

The machines are loaded the way the docs generator loads them (every ``states`` module of
the core's domains and the built-in plugins), so a machine that is not walked here is not
drawn in docs/states.md either, and the other way round.
"""

from __future__ import annotations

import itertools
import runpy
from pathlib import Path
from typing import Any

import pytest

from bazaar.sdk.errors import InvalidTransition
from bazaar.sdk.states import ROLES, StateMachine

DOCS = Path(__file__).parents[2] / "docs"
GENERATOR = runpy.run_path(str(DOCS / "gen_state_diagrams.py"))
MACHINES: list[StateMachine[Any, Any]] = GENERATOR["load_machines"]()
BY_NAME = {m.name: m for m in MACHINES}

#: the machines issue 9 asks for; more may come, none may disappear
EXPECTED = {
    "orders.order", "catalogue.listing", "merchants.merchant", "checkout.checkout",
    "payments.payment", "payments.order_money", "payments.instruction",
    "qualification.dossier", "qualification.verification", "qualification.sanction",
    "qualification.review", "qualification.licence",
    "reviews.moderation",
}

PAIRS = [
    (m.name, str(state), str(event))
    for m in MACHINES
    for state, event in itertools.product(m.states, m.events)
]


def test_every_expected_machine_is_loaded() -> None:
    assert EXPECTED <= set(BY_NAME), sorted(EXPECTED - set(BY_NAME))


@pytest.mark.parametrize(("name", "state", "event"), PAIRS, ids=[f"{n}:{s}-{e}" for n, s, e in PAIRS])
def test_every_pair_follows_the_table(name: str, state: str, event: str) -> None:
    machine = BY_NAME[name]
    expected = machine.table.get((machine.states(state), machine.events(event)))
    if expected is None:
        assert not machine.can(state, event)
        with pytest.raises(InvalidTransition) as caught:
            machine.transition(state, event)
        problem = caught.value.problem()
        assert problem["status"] == 409 and problem["code"] == "invalid_transition"
        assert problem["from"] == state and problem["event"] == event
        assert problem["allowed"] == machine.allowed_events(state)
        assert event not in machine.allowed_events(state)
    else:
        assert machine.can(state, event)
        assert machine.transition(state, event) == expected
        assert event in machine.allowed_events(state)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_final_states_accept_nothing(name: str) -> None:
    machine = BY_NAME[name]
    for state in machine.final:
        assert machine.allowed_events(state) == [], f"{name}: final state {state} has outgoing events"


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_state_is_reachable_from_an_initial_state(name: str) -> None:
    machine = BY_NAME[name]
    assert machine.reachable() == set(machine.states), sorted(set(machine.states) - machine.reachable())


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_event_appears_in_the_table(name: str) -> None:
    machine = BY_NAME[name]
    used = {event for _, event in machine.table}
    assert used == set(machine.events), sorted(set(machine.events) - used)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_event_names_known_roles_and_actions_follow_them(name: str) -> None:
    machine = BY_NAME[name]
    for event in machine.events:
        assert set(machine.who(event)) <= set(ROLES)
    for state, role in itertools.product(machine.states, ROLES):
        offered = machine.allowed_actions(state, (role,))
        assert set(offered) <= set(machine.allowed_events(state))
        assert all(role in machine.who(event) for event in offered)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_unknown_states_and_events_are_invalid_transitions(name: str) -> None:
    machine = BY_NAME[name]
    with pytest.raises(InvalidTransition):
        machine.transition("no_such_state", next(iter(machine.events)))
    with pytest.raises(InvalidTransition):
        machine.transition(machine.initial, "no_such_event")


def test_the_state_diagrams_page_is_current() -> None:
    assert (DOCS / "states.md").read_text(encoding="utf-8") == GENERATOR["page"](), (
        "docs/states.md is stale: python docs/gen_state_diagrams.py --write"
    )


def test_the_page_draws_every_machine() -> None:
    text = (DOCS / "states.md").read_text(encoding="utf-8")
    for machine in MACHINES:
        assert f"## `{machine.name}`" in text and machine.mermaid() in text
