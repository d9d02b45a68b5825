"""One state-machine shape for every machine in Bazaar (core and plugins).

A machine is an enum of states, an enum of events, one ``(state, event) -> state`` table,
and who may trigger each event. Build one with :class:`StateMachine`; it gives
``transition()`` (raising ``409 invalid_transition``), ``allowed_events(state)``,
``allowed_actions(state, roles)`` for responses, and a mermaid diagram for the docs::

    class ShipmentState(StrEnum):
        pending = "pending"
        packed = "packed"

    class ShipmentEvent(StrEnum):
        pack = "pack"

    SHIPMENT = StateMachine(
        "logistics.shipment", ShipmentState, ShipmentEvent,
        {(ShipmentState.pending, ShipmentEvent.pack): ShipmentState.packed},
        actors={ShipmentEvent.pack: {"merchant"}},
        final={...},
    )

Actors are role names: ``customer``, ``merchant``, ``operator``, ``service`` (API keys),
``system`` (timers, other plugins). An event without an ``actors`` entry is ``system`` only:
it is never offered as an action to a person. Every machine registers itself in
:data:`MACHINES` so the contract test walks every pair and the docs draw every diagram.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from bazaar.sdk.errors import InvalidTransition

S = TypeVar("S", bound=StrEnum)
E = TypeVar("E", bound=StrEnum)

#: every machine built, by name (filled as modules define them)
MACHINES: dict[str, StateMachine[StrEnum, StrEnum]] = {}

ROLES = ("customer", "merchant", "operator", "service", "system")


class StateMachine(Generic[S, E]):
    """An explicit ``(state, event) -> state`` table with the roles allowed to fire each event."""

    def __init__(
        self,
        name: str,
        states: type[S],
        events: type[E],
        table: Mapping[tuple[S, E], S],
        *,
        actors: Mapping[E, Iterable[str]] | None = None,
        final: Iterable[S] = (),
        initial: S | None = None,
        noun: str | None = None,
    ) -> None:
        self.name = name
        self.states = states
        self.events = events
        self.table: dict[tuple[S, E], S] = dict(table)
        self.actors: dict[E, frozenset[str]] = {
            event: frozenset(roles) for event, roles in (actors or {}).items()
        }
        self.final = frozenset(final)
        self.initial = initial if initial is not None else next(iter(states))
        self.noun = noun or name.rsplit(".", 1)[-1].replace("_", " ")
        for (state, event), target in self.table.items():
            if not isinstance(state, states) or not isinstance(event, events) or not isinstance(target, states):
                raise TypeError(f"machine {name!r}: table entry {(state, event)!r} -> {target!r} has a foreign member")
            if state in self.final:
                raise TypeError(f"machine {name!r}: final state {state!r} has an outgoing event {event!r}")
        for event, roles in self.actors.items():
            unknown = set(roles) - set(ROLES)
            if unknown:
                raise TypeError(f"machine {name!r}: event {event!r} names unknown roles {sorted(unknown)}")
        MACHINES[name] = self  # type: ignore[assignment]

    def state(self, value: str) -> S:
        """The state enum member for ``value`` (``invalid_transition`` when unknown)."""
        try:
            return self.states(value)
        except ValueError:
            raise InvalidTransition(f"unknown {self.noun} state {value!r}") from None

    def allowed_events(self, state: str) -> list[str]:
        """Every event the table accepts in ``state``, sorted (any actor)."""
        return sorted(str(e) for (s, e) in self.table if s == state)

    def allowed_actions(self, state: str, roles: Iterable[str]) -> list[str]:
        """The events a caller with ``roles`` may fire now, sorted: what a response offers."""
        have = set(roles)
        return sorted(
            str(e) for (s, e) in self.table if s == state and self.actors.get(e, frozenset()) & have
        )

    def can(self, state: str, event: str) -> bool:
        """Whether the table accepts ``event`` in ``state``."""
        try:
            return (self.states(state), self.events(event)) in self.table
        except ValueError:
            return False

    def transition(self, state: str, event: str) -> S:
        """The state after ``event``, or ``409 invalid_transition`` naming ``from``, ``event`` and what is allowed."""
        try:
            target = self.table.get((self.states(state), self.events(event)))
        except ValueError:
            target = None
        if target is None:
            raise InvalidTransition(
                f"a {self.noun} in state {state!r} does not accept {event!r}",
                extra={"from": str(state), "event": str(event), "allowed": self.allowed_events(state)},
            )
        return target

    def mermaid(self) -> str:
        """A ``stateDiagram-v2`` of the table, events labelled with who may fire them."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial}"]
        for (state, event), target in sorted(self.table.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
            who = ",".join(sorted(self.actors.get(event, frozenset()))) or "system"
            lines.append(f"    {state} --> {target}: {event} ({who})")
        for state in sorted(self.final):
            lines.append(f"    {state} --> [*]")
        return "\n".join(lines)


__all__ = ["MACHINES", "ROLES", "StateMachine"]
