"""Fixtures for the complaints plugin's tests."""

from __future__ import annotations

from typing import Any

import pytest
from complaints_market import Market, cst, make_market


@pytest.fixture
async def market(bazaar_factory: Any) -> Market:
    """A ``cn`` market on the 2026 Spring Festival calendar, clock at Mon 2026-01-05 09:00 Beijing."""
    return await make_market(bazaar_factory, start=cst(1, 5, 9))
