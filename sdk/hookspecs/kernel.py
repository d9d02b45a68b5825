"""Kernel hooks: registration at start, readiness, and the event hook."""

from __future__ import annotations

from typing import Any

from bazaar.sdk.events import AnyEvent
from bazaar.sdk.hookspecs import hookspec
from bazaar.sdk.types import HookContext, ReadinessCheck


@hookspec
def bazaar_register_providers() -> list[Any]:
    """Register provider objects (payment, carrier, storage) that the core calls by id.

    Return a list of objects each with a ``kind`` (``"payment"``, ``"carrier"``,
    ``"storage"``) and a stable ``id``. The core stores the id on the row it concerns
    (an order keeps its payment provider id) and calls that provider directly. Two
    plugins registering the same ``(kind, id)`` stop the start with an error naming both.
    """


@hookspec
def bazaar_collect_readiness_checks(ctx: HookContext) -> list[ReadinessCheck]:
    """Contribute checks to ``GET /ready`` (may be async).

    Combining rule: all checks are listed, sorted by name; the service is ready only
    when every check passes.
    """


@hookspec
def bazaar_handle_event(event: AnyEvent, ctx: HookContext) -> None:
    """Handle a domain event after the transaction that emitted it committed (may be async).

    ``event`` is the typed Struct (``bazaar.sdk.events``: ``OrderShipped``, ...; a plugin's
    own from its ``events.py``): match on its class (``isinstance`` / ``match``). An event
    whose class is not loaded (another plugin's, which you never import) arrives as
    ``UnknownEvent`` with ``type`` and raw ``data``; ``event_data(event)`` reads either as
    a dict. Called only for the event types listed in the plugin's ``subscribes`` (glob
    patterns such as ``"order.*"``). Delivery is at least once: dedupe by ``event.id``.
    The handler runs in its own transaction; raising rolls it back and the delivery is
    retried with backoff.
    """
