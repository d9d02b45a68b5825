"""The plugin declaration: one small object an integrator copies and fills in.

Example (``examples/bazaar-hello``)::

    plugin = Plugin(
        id="hello",
        version="1.0.0",
        summary="Greets people and remembers them",
        config=HelloConfig,            # decoded from [plugins.hello]
        kernel=">=0.1,<1.0",           # kernel versions supported
        requires=(), conflicts=(),     # other plugin ids
        hooks=HelloHooks,              # hookimpls: a class taking the PluginContext, or a module
        piccolo_app="bazaar_hello.piccolo_app",   # tables + migrations
        routes=(HelloController,),     # Litestar handlers, mounted under /api/v1
        timers={"hello.remind": remind},          # timer kind -> async handler
        subscribes=("order.*",),       # event types handed to bazaar_handle_event (after commit)
        listeners={"order.cancelled": forget},    # run by rt.emit inside the emitting transaction
        events=(HelloGreeted,),        # the typed events it emits (its events.py)
        commands=(Command("hello", "greet from the shell", configure, run),),
    )

and in the package's ``pyproject.toml``::

    [project.entry-points."bazaar.plugins"]
    hello = "bazaar_hello:plugin"
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec


class NoConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Config Struct of a plugin that takes no settings."""


TimerHandler = Callable[..., Awaitable[None]]
#: ``async def listener(rt: PluginRuntime, event: <the Event subclass>) -> None``
Listener = Callable[[Any, Any], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    """A ``bazaar <name>`` sub-command: ``configure(argparse parser)`` then ``run(args) -> exit code``."""

    name: str
    help: str
    configure: Callable[[Any], None]
    run: Callable[[Any], int]


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """One result of a deployment check: an ``error`` refuses to start, a ``warning`` is said loudly."""

    level: Literal["error", "warning", "manual"]
    key: str
    message: str


@dataclass(frozen=True)
class Plugin:
    """What a plugin is and what it brings; see the module docstring for an example."""

    id: str
    version: str
    summary: str
    config: type[msgspec.Struct] = NoConfig
    kernel: str = ">=0.1"
    requires: Sequence[str] = ()
    conflicts: Sequence[str] = ()
    slots: Sequence[str] = ()
    hooks: Any = None
    piccolo_app: str | None = None
    routes: Sequence[Any] = ()
    timers: dict[str, TimerHandler] = field(default_factory=dict)
    subscribes: Sequence[str] = ()
    #: event type -> ``async def listener(rt, event)``: called by ``rt.emit`` inside the emitting
    #: transaction, before ``emit`` returns; what it writes commits or rolls back with the change,
    #: and an error it raises fails the emitter. For work that must not be missing if the change
    #: commits (the core's domains keep each other consistent this way); anything slower or that
    #: may fail on its own belongs in ``bazaar_handle_event`` (``subscribes``), after commit.
    listeners: Mapping[str, Listener] = field(default_factory=dict)
    #: ``policy(config)``: the policy lines in force (key, value, origin, source), for ``bazaar plugins --policy``
    policy: Callable[[Any], list[dict[str, Any]] | dict[str, Any]] | None = None
    #: ``checks(config, production) -> list[Finding]``: run by ``bazaar config check [--production]``
    #: and at start (errors refuse to start, warnings go to the log and ``/ready``)
    checks: Callable[[Any, bool], list[Finding]] | None = None
    events: Sequence[type] = ()
    commands: Sequence[Command] = ()
    #: ``async def demo(rt: PluginRuntime, demo: bazaar.sdk.demo.DemoContext) -> None``, run by ``serve --demo``
    demo: Callable[..., Awaitable[None]] | None = None

    def __post_init__(self) -> None:
        if not self.id or self.id != self.id.strip().lower():
            raise ValueError(f"plugin id must be lower-case and non-empty: {self.id!r}")
        # the core's built-in domains (ids ``core.<domain>``) share the ``core.`` timer namespace
        prefix = "core." if self.id.startswith("core.") else self.id + "."
        for kind in self.timers:
            if not kind.startswith(prefix):
                raise ValueError(
                    f"plugin {self.id!r}: timer kind {kind!r} must start with {prefix!r}"
                )
