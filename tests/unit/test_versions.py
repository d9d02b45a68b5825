"""Kernel version ranges that plugins declare (``Plugin.kernel``)."""

from __future__ import annotations

import pytest

from bazaar.core import KERNEL_VERSION
from bazaar.core.kernel.versions import parse_version, satisfies


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("1", (1, 0, 0)), ("0.1", (0, 1, 0)), ("1.2.3", (1, 2, 3)), ("1.2.3.4", (1, 2, 3)), ("2.0.0+local", (2, 0, 0))],
)
def test_parse_version(text, parsed):
    assert parse_version(text) == parsed


@pytest.mark.parametrize(
    ("version", "spec", "ok"),
    [
        ("0.1.0", ">=0.1", True),
        ("0.1.0", ">=0.1,<1.0", True),
        ("1.0.0", ">=0.1,<1.0", False),
        ("0.0.9", ">=0.1", False),
        ("0.10.0", ">=0.9", True),  # numeric, not lexical
        ("0.1.0", "==0.1", True),
        ("0.1.1", "!=0.1.1", False),
        ("0.1.0", "", True),
        ("0.1.0", " >= 0.1 , < 2 ", True),
        ("2.0.0", ">1.9.9", True),
        ("1.9.9", "<=1.9.9", True),
    ],
)
def test_satisfies(version, spec, ok):
    assert satisfies(version, spec) is ok


@pytest.mark.parametrize("spec", ["~=0.1", ">= one", "0.1", ">=0.1;<1"])
def test_malformed_range_raises(spec):
    with pytest.raises(ValueError, match="malformed version range"):
        satisfies("0.1.0", spec)


def test_kernel_version_is_a_version():
    assert parse_version(KERNEL_VERSION) >= (0, 1, 0)
    assert satisfies(KERNEL_VERSION, f"=={KERNEL_VERSION}")
