"""Typed events of the kernel tests, declared by a small ``emitter`` plugin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bazaar.sdk.events import Event
from bazaar.sdk.plugin import Plugin


class ThingCreated(Event, frozen=True, kw_only=True, tag="thing.created"):
    """A test thing was created."""

    thing_id: str | None = None
    name: str = ""
    n: int = 0
    subject_field = "thing_id"


class OtherCreated(Event, frozen=True, kw_only=True, tag="other.created"):
    """Another kind of test thing was created (matches no ``thing.*`` subscription)."""


class GadgetRefunded(Event, frozen=True, kw_only=True, tag="gadget.refunded"):
    """A test gadget was refunded."""


THING_EVENTS = (ThingCreated, OtherCreated, GadgetRefunded)


def emitter(routes: Sequence[Any] = ()) -> Plugin:
    """The plugin that declares the test events (and serves ``routes``)."""
    return Plugin(id="emitter", version="1.0.0", summary="emits test events", routes=tuple(routes),
                  events=THING_EVENTS)
