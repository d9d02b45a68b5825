"""Every hookspec is documented: a docstring, a name of one of the five kinds, a section in docs.

Fails when a hook is added without documentation, and when the docs keep a section for a
hook that no longer exists.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from typing import Any

import pytest

import bazaar.sdk.hookspecs as hookspecs_pkg
from bazaar.sdk.hookspecs import PROJECT, hook_kind, spec_modules

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def all_hookspecs() -> dict[str, Any]:
    specs: dict[str, Any] = {}
    for module in spec_modules():
        for name, fn in vars(module).items():
            if hasattr(fn, f"{PROJECT}_spec"):
                assert name not in specs, f"{name} is specified twice"
                specs[name] = fn
    return specs


def documented_hooks(text: str) -> set[str]:
    """Hook names that have their own heading (``### `bazaar_x` ``, any level from 2 to 4)."""
    return set(re.findall(r"^#{2,4}\s+`?(bazaar_[a-z_]+)`?\s*$", text, flags=re.MULTILINE))


def missing_sections(text: str, names: set[str]) -> list[str]:
    return sorted(names - documented_hooks(text))


def stale_sections(text: str, names: set[str]) -> list[str]:
    return sorted(documented_hooks(text) - names)


SPECS = all_hookspecs()


def test_there_are_hookspecs():
    assert len(SPECS) >= 10
    assert "bazaar_handle_event" in SPECS


def test_every_hookspec_module_is_registered_with_the_host():
    """A module in sdk/hookspecs/ that spec_modules() forgets would never be added to the manager."""
    on_disk = {
        info.name
        for info in pkgutil.iter_modules(hookspecs_pkg.__path__)
        if any(hasattr(v, f"{PROJECT}_spec") for v in vars(importlib.import_module(f"{hookspecs_pkg.__name__}.{info.name}")).values())
    }
    registered = {m.__name__.rsplit(".", 1)[1] for m in spec_modules()}
    assert on_disk == registered


@pytest.mark.parametrize("name", sorted(SPECS))
def test_hookspec_has_a_docstring(name):
    doc = inspect.getdoc(SPECS[name])
    assert doc and len(doc.split()) >= 5, f"{name} needs a docstring saying what it is for"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_hookspec_name_says_its_kind(name):
    assert hook_kind(name) is not None, f"{name} fits none of the five kinds (register, collect, select, objections, event)"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_hookspec_options_match_its_kind(name):
    fn = SPECS[name]
    kind = hook_kind(name)
    opts = getattr(fn, f"{PROJECT}_spec")
    assert not inspect.iscoroutinefunction(fn), "specs are plain functions; async-ness is the implementation's"
    assert opts["firstresult"] is (kind == "select"), f"{name}: only select hooks are firstresult"
    assert not opts["historic"]
    if kind == "collect":
        assert "Combining rule" in (inspect.getdoc(fn) or ""), f"{name}: a collect hook documents its combining rule"
    for param in inspect.signature(fn).parameters.values():
        assert param.default is inspect.Parameter.empty, f"{name}({param.name}=...): hook arguments take no defaults"


def test_every_hookspec_has_a_section_in_the_plugin_guide():
    text = DOC.read_text(encoding="utf-8")
    assert missing_sections(text, set(SPECS)) == [], f"add the hooks to {DOC} (python docs/gen_hook_reference.py --write)"


def test_the_plugin_guide_has_no_section_for_a_hook_that_does_not_exist():
    text = DOC.read_text(encoding="utf-8")
    assert stale_sections(text, set(SPECS)) == []


def test_the_checks_catch_a_missing_and_a_stale_section():
    text = "## Hooks\n\n### `bazaar_handle_event`\n\ntext\n\n#### bazaar_old_hook\n"
    assert missing_sections(text, {"bazaar_handle_event", "bazaar_collect_things"}) == ["bazaar_collect_things"]
    assert stale_sections(text, {"bazaar_handle_event"}) == ["bazaar_old_hook"]
    assert hook_kind("bazaar_on_order_paid") is None


def test_generated_reference_is_current():
    import runpy

    generator = runpy.run_path(str(DOC.parent / "gen_hook_reference.py"))
    text = DOC.read_text(encoding="utf-8")
    assert generator["embed"](text, generator["reference"]()) == text, (
        "docs/plugins.md is stale: python docs/gen_hook_reference.py --write"
    )
