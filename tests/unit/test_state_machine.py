"""The StateMachine shape itself (``bazaar.sdk.states``), and the checkout's settling rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import msgspec
import pytest

from bazaar.core.checkout.states import CheckoutEvent, settle_event
from bazaar.sdk.errors import InvalidTransition
from bazaar.sdk.states import MACHINES, Deadline, StateMachine, deadlines


class Light(StrEnum):
    off = "off"
    on = "on"
    broken = "broken"


class Switch(StrEnum):
    flip_on = "flip_on"
    flip_off = "flip_off"
    smash = "smash"


TABLE = {
    (Light.off, Switch.flip_on): Light.on,
    (Light.on, Switch.flip_off): Light.off,
    (Light.on, Switch.smash): Light.broken,
    (Light.off, Switch.smash): Light.broken,
}


@pytest.fixture
def lamp() -> Iterator[StateMachine[Light, Switch]]:
    machine = StateMachine(
        "test.lamp", Light, Switch, TABLE,
        actors={Switch.flip_on: {"customer", "operator"}, Switch.flip_off: {"customer"}},
        final={Light.broken},
    )
    yield machine
    MACHINES.pop("test.lamp", None)  # keep the registry to the real machines for the docs


def test_transition_and_refusal(lamp: StateMachine[Light, Switch]) -> None:
    assert lamp.transition("off", "flip_on") is Light.on
    with pytest.raises(InvalidTransition) as caught:
        lamp.transition("broken", "flip_on")
    assert caught.value.extra == {"from": "broken", "event": "flip_on", "allowed": []}
    assert caught.value.status == 409 and caught.value.code == "invalid_transition"


def test_actions_by_role_and_system_only_events(lamp: StateMachine[Light, Switch]) -> None:
    assert lamp.allowed_events("on") == ["flip_off", "smash"]
    assert lamp.allowed_actions("on", ("customer",)) == ["flip_off"]
    assert lamp.allowed_actions("off", ("operator",)) == ["flip_on"]
    assert lamp.allowed_actions("off", ("merchant",)) == []
    assert lamp.who(Switch.smash) == ["system"]  # no actors entry: the system's only
    assert lamp.allowed_actions("on", ("system",)) == ["smash"]


def test_event_for_maps_a_wanted_state_to_its_event(lamp: StateMachine[Light, Switch]) -> None:
    assert lamp.event_for("off", "on") is Switch.flip_on
    assert lamp.event_for("on", "broken") is Switch.smash
    with pytest.raises(InvalidTransition) as caught:
        lamp.event_for("off", "off")
    assert caught.value.extra == {"from": "off", "to": "off", "allowed": ["broken", "on"]}


def test_registry_reachability_module_and_diagram(lamp: StateMachine[Light, Switch]) -> None:
    assert MACHINES["test.lamp"] is lamp and lamp.module == __name__
    assert lamp.initial is Light.off and lamp.reachable() == set(Light)
    diagram = lamp.mermaid()
    assert diagram.splitlines()[:2] == ["stateDiagram-v2", "    [*] --> off"]
    assert "    off --> on: flip_on (customer, operator)" in diagram and "    broken --> [*]" in diagram


def test_several_initial_states() -> None:
    machine = StateMachine("test.lamp2", Light, Switch, TABLE, initial=(Light.on, Light.off))
    try:
        assert machine.initials == (Light.on, Light.off) and machine.initial is Light.on
        assert machine.mermaid().count("[*] -->") == 2
    finally:
        MACHINES.pop("test.lamp2", None)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"final": {Light.on}}, "final state"),
        ({"actors": {Switch.flip_on: {"robot"}}}, "unknown roles"),
        ({"actors": {Light.on: {"customer"}}}, "not a Switch"),
    ],
)
def test_malformed_machines_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        StateMachine("test.bad", Light, Switch, TABLE, **kwargs)
    assert "test.bad" not in MACHINES


def test_deadlines_keep_the_set_ones_soonest_first() -> None:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    found = deadlines(ship_by=now + timedelta(days=2), pay_by=now, never=None)
    assert found == [Deadline(name="pay_by", due_at=now), Deadline(name="ship_by", due_at=now + timedelta(days=2))]
    assert msgspec.json.decode(msgspec.json.encode(found[0]), type=Deadline) == found[0]
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'{"name": "x", "due_at": "2026-01-05T00:00:00"}', type=Deadline)  # naive


def test_a_checkout_settles_once_no_order_waits() -> None:
    assert settle_event([("pending_payment", False), ("paid", True)], past_deadline=False) is None
    assert settle_event([("cancelled", False), ("paid", True)], past_deadline=False) is CheckoutEvent.pay
    assert settle_event([("placed", False)], past_deadline=False) is CheckoutEvent.place
    assert settle_event([("cancelled", False)] * 2, past_deadline=False) is CheckoutEvent.cancel
    assert settle_event([("cancelled", False)] * 2, past_deadline=True) is CheckoutEvent.expire
