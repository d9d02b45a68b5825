"""Every event class is documented and typed, tags are unique, and plugins declare what they emit.

Also: ``docs/events.md`` is generated from the classes and tested current (like the hook reference).
"""

from __future__ import annotations

import inspect
import runpy
import typing
from pathlib import Path

import msgspec
import pytest
from plugin_sources import REPO, emitted_class_names, plugin_packages

from bazaar.core.kernel.plugins import discover
from bazaar.sdk import events as core_events
from bazaar.sdk.events import TAG_PATTERN, Event, check_event_class, event_classes

DOC = REPO / "docs" / "events.md"
GENERATOR = REPO / "docs" / "gen_event_reference.py"

CORE = [cls for cls in vars(core_events).values()
        if isinstance(cls, type) and issubclass(cls, Event) and cls is not Event
        and cls.__module__ == core_events.__name__ and not cls.__name__.startswith("_")]
PLUGINS = discover()
DECLARED = {cls: sorted(pid for pid, p in PLUGINS.items() if cls in p.events)
            for p in PLUGINS.values() for cls in p.events}
ALL = [*CORE, *DECLARED]


def test_there_are_core_and_plugin_events():
    assert {"order.cancelled", "order.shipped", "checkout.settled", "merchant.status_changed"} <= {
        c.event_type() for c in CORE}
    assert {"qualification.sanction_imposed", "payments.refund_settled", "hello.reminder_scheduled"} <= {
        c.event_type() for c in DECLARED}


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__qualname__)
def test_event_class_is_tagged_documented_and_typed(cls):
    assert check_event_class(cls) is None, check_event_class(cls)
    assert TAG_PATTERN.match(cls.event_type())
    assert len((cls.__dict__.get("__doc__") or "").split()) >= 5, f"{cls.__qualname__}: say what happened"
    hints = typing.get_type_hints(cls, include_extras=True)  # every annotation resolves
    for name in cls.__struct_fields__:
        assert "Any" not in str(hints[name]) or name == "data", f"{cls.__qualname__}.{name} is typed Any"
    assert msgspec.json.schema(cls)["$ref"], "msgspec can describe (and so decode) every field"


def test_tags_are_unique():
    seen: dict[str, str] = {}
    for cls in ALL:
        other = seen.setdefault(cls.event_type(), cls.__qualname__)
        assert other == cls.__qualname__, f"{cls.event_type()!r} is defined by {other} and {cls.__qualname__}"
    assert event_classes()  # the registry itself refuses a tag defined twice


def test_no_plugin_declares_a_core_event():
    assert [(cls.__qualname__, pids) for cls, pids in DECLARED.items() if cls in CORE] == []


@pytest.mark.parametrize("package", plugin_packages(), ids=lambda p: p.path.name)
def test_a_plugin_declares_the_events_it_emits_and_defines(package):
    declared = {cls.__name__ for plugin in package.plugins for cls in plugin.events}
    problems = []
    for module in package.modules():
        for line, name in emitted_class_names(module.read_text(encoding="utf-8")):
            if name not in declared:
                problems.append(f"{module.relative_to(REPO)}:{line}: emits {name}, not on Plugin(events=...)")
    defined = [cls for cls in event_classes().values() if package.path in Path(inspect.getfile(cls)).resolve().parents]
    # several plugins may share a package (logistics, logistics.cod): one of them declares each class
    for cls in defined:
        if package.plugins and not any(cls in plugin.events for plugin in package.plugins):
            owners = ", ".join(p.id for p in package.plugins)
            problems.append(f"{owners}: none declares {cls.__qualname__} of its own package")
    assert problems == [], "\n".join(problems)


def test_the_emit_scan_sees_through_aliases_and_refuses_what_it_cannot_read():
    source = '''
async def f(rt, events, kind):
    await rt.emit(Lapsed(merchant_id="m", reason="r"))
    await rt.emit(events.ReminderScheduled(name="x"))
    cls = Lapsed if kind else Escalated
    await rt.emit(cls(merchant_id="m"))
    await rt.emit(ready_made)
'''
    assert emitted_class_names(source) == [(3, "Lapsed"), (4, "ReminderScheduled"), (6, "cls"),
                                           (7, "<not a constructor call>")]


def test_generated_event_reference_is_current():
    generator = runpy.run_path(str(GENERATOR))
    assert DOC.read_text(encoding="utf-8") == generator["reference"](), (
        "docs/events.md is stale: python docs/gen_event_reference.py --write"
    )
