"""One state-machine shape for every machine in Bazaar (core and plugins).

A machine is an enum of states, an enum of events, one ``(state, event) -> state`` table,
and who may trigger each event. Build one with :class:`StateMachine`; it gives
``transition()`` (raising ``409 invalid_transition``), ``allowed_events(state)``,
``allowed_actions(state, roles)`` for responses, and a mermaid diagram for the docs::

    class ShipmentState(StrEnum):
        pending = "pending"
        packed = "packed"
        cancelled = "cancelled"

    class ShipmentEvent(StrEnum):
        pack = "pack"
        cancel = "cancel"

    SHIPMENT = StateMachine(
        "logistics.shipment", ShipmentState, ShipmentEvent,
        {
            (ShipmentState.pending, ShipmentEvent.pack): ShipmentState.packed,
            (ShipmentState.pending, ShipmentEvent.cancel): ShipmentState.cancelled,
        },
        actors={ShipmentEvent.pack: {"merchant"}, ShipmentEvent.cancel: {"customer", "system"}},
        final={ShipmentState.cancelled},
    )

    SHIPMENT.transition(row["state"], ShipmentEvent.pack)        # -> ShipmentState.packed, or 409
    SHIPMENT.allowed_actions(row["state"], ("merchant",))        # -> ["pack"]

Actors are role names: ``customer``, ``merchant``, ``operator``, ``service`` (API keys),
``system`` (timers, other plugins). An event without an ``actors`` entry is ``system`` only:
it is never offered as an action to a person. Every machine registers itself in
:data:`MACHINES` so the contract test walks every pair and ``docs/states.md`` draws every
diagram. A response that carries a state also carries ``allowed_actions`` (for the
caller's role) and ``deadlines`` (:class:`Deadline`: what falls due in this state).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Generic, TypeVar

import msgspec

from bazaar.sdk.errors import InvalidTransition

S = TypeVar("S", bound=StrEnum)
E = TypeVar("E", bound=StrEnum)

#: every machine built, by name (filled as modules define them)
MACHINES: dict[str, StateMachine[StrEnum, StrEnum]] = {}

ROLES = ("customer", "merchant", "operator", "service", "system")
SYSTEM_ONLY: frozenset[str] = frozenset({"system"})


class Deadline(msgspec.Struct, frozen=True, kw_only=True):
    """Something that falls due while an object is in its current state.

    ``name`` says what happens or must happen (``pay_by``, ``auto_confirm``, ``ship_by``),
    ``due_at`` when (UTC, on the kernel calendar where working days matter).
    """

    name: str
    due_at: Annotated[datetime, msgspec.Meta(tz=True)]


def deadlines(**due: datetime | None) -> list[Deadline]:
    """The given ``name=due_at`` pairs that are set, soonest first: ``deadlines(pay_by=row["expires_at"])``."""
    found = [Deadline(name=name, due_at=at) for name, at in due.items() if at is not None]
    return sorted(found, key=lambda d: (d.due_at, d.name))


class StateMachine(Generic[S, E]):
    """An explicit ``(state, event) -> state`` table with the roles allowed to fire each event.

    ``initial`` is the state objects are created in (one state, or several when objects
    may start in different states); it defaults to the first member of ``states``.
    ``final`` states accept no event.
    """

    def __init__(
        self,
        name: str,
        states: type[S],
        events: type[E],
        table: Mapping[tuple[S, E], S],
        *,
        actors: Mapping[E, Iterable[str]] | None = None,
        final: Iterable[S] = (),
        initial: S | Iterable[S] | None = None,
        noun: str | None = None,
        module: str | None = None,
    ) -> None:
        self.name = name
        #: the module that defined the machine (the docs list built-in machines by it)
        self.module: str = module or sys._getframe(1).f_globals.get("__name__", "")
        self.states = states
        self.events = events
        self.table: dict[tuple[S, E], S] = dict(table)
        self.actors: dict[E, frozenset[str]] = {
            event: frozenset(roles) for event, roles in (actors or {}).items()
        }
        self.final = frozenset(final)
        if initial is None:
            starts: tuple[S, ...] = (next(iter(states)),)
        elif isinstance(initial, states):
            starts = (initial,)
        else:
            starts = tuple(initial)  # type: ignore[arg-type]
        #: the states objects are created in; ``initial`` is the first (the usual one)
        self.initials: tuple[S, ...] = starts
        self.initial: S = starts[0]
        self.noun = noun or name.rsplit(".", 1)[-1].replace("_", " ")
        for (state, event), target in self.table.items():
            if not isinstance(state, states) or not isinstance(event, events) or not isinstance(target, states):
                raise TypeError(f"machine {name!r}: table entry {(state, event)!r} -> {target!r} has a foreign member")
            if state in self.final:
                raise TypeError(f"machine {name!r}: final state {state!r} has an outgoing event {event!r}")
        for member in (*self.final, *self.initials):
            if not isinstance(member, states):
                raise TypeError(f"machine {name!r}: {member!r} is not a {states.__name__}")
        for event, roles in self.actors.items():
            if not isinstance(event, events):
                raise TypeError(f"machine {name!r}: actors name {event!r}, not a {events.__name__}")
            unknown = set(roles) - set(ROLES)
            if unknown or not roles:
                raise TypeError(f"machine {name!r}: event {event!r} names unknown roles {sorted(unknown)}")
        MACHINES[name] = self  # type: ignore[assignment]

    def state(self, value: str) -> S:
        """The state enum member for ``value`` (``invalid_transition`` when unknown)."""
        try:
            return self.states(value)
        except ValueError:
            raise InvalidTransition(f"unknown {self.noun} state {value!r}") from None

    def who(self, event: str) -> list[str]:
        """The roles that may fire ``event``, sorted (``["system"]`` when the machine names none)."""
        return sorted(self.actors.get(self.events(event), SYSTEM_ONLY))

    def allowed_events(self, state: str) -> list[str]:
        """Every event the table accepts in ``state``, sorted (any actor)."""
        return sorted(str(e) for (s, e) in self.table if s == state)

    def allowed_actions(self, state: str, roles: Iterable[str]) -> list[str]:
        """The events a caller with ``roles`` may fire now, sorted: what a response offers."""
        have = set(roles)
        return sorted(
            str(e) for (s, e) in self.table if s == state and self.actors.get(e, SYSTEM_ONLY) & have
        )

    def targets(self, state: str) -> list[str]:
        """Every state reachable from ``state`` by one event, sorted."""
        return sorted({str(t) for (s, _), t in self.table.items() if s == state})

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

    def event_for(self, state: str, target: str) -> E:
        """The event that moves ``state`` to ``target`` (for callers that name the state they want).

        ``409 invalid_transition`` naming ``from``, ``to`` and the ``allowed`` target states
        when no event does. When several events lead there, the first in the events enum wins.
        """
        for (frm, event), to in sorted(self.table.items(), key=lambda kv: list(self.events).index(kv[0][1])):
            if frm == state and to == target:
                return event
        raise InvalidTransition(
            f"a {self.noun} in state {state!r} cannot become {target!r}",
            extra={"from": str(state), "to": str(target), "allowed": self.targets(state)},
        )

    def reachable(self) -> set[S]:
        """Every state reachable from the initial states (themselves included)."""
        seen, todo = set(self.initials), list(self.initials)
        while todo:
            state = todo.pop()
            for (frm, _), to in self.table.items():
                if frm == state and to not in seen:
                    seen.add(to)
                    todo.append(to)
        return seen

    def mermaid(self) -> str:
        """A ``stateDiagram-v2`` of the table, events labelled with who may fire them."""
        lines = ["stateDiagram-v2"]
        lines += [f"    [*] --> {state}" for state in self.initials]
        for (state, event), target in sorted(self.table.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
            lines.append(f"    {state} --> {target}: {event} ({', '.join(self.who(event))})")
        for state in sorted(self.final):
            lines.append(f"    {state} --> [*]")
        return "\n".join(lines)


__all__ = ["MACHINES", "ROLES", "Deadline", "StateMachine", "deadlines"]
