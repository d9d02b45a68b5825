"""docs/aftersales.md stays true: the case diagram is the machine's, every policy key is documented."""

from __future__ import annotations

from pathlib import Path

from bazaar.plugins.aftersales.policy import RULES
from bazaar.plugins.aftersales.states import CASE, CLOCKS, CaseState

DOC = Path(__file__).parents[3] / "docs" / "aftersales.md"


def test_the_case_diagram_is_the_machine() -> None:
    assert CASE.mermaid() in DOC.read_text()


def test_every_policy_key_and_clock_is_documented() -> None:
    text = DOC.read_text()
    missing = [key for key in RULES.rules if f"`{key}`" not in text]
    assert missing == []
    assert [c.name for c in CLOCKS.values() if f"`{c.name}`" not in text] == []
    assert set(CLOCKS) == set(CaseState) - {CaseState.closed}
