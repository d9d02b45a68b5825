"""Fixtures for the qualification plugin's tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
async def qkit(bazaar_factory: Any) -> Any:
    """A kit with the qualification plugin on its ``cn`` preset."""
    return await bazaar_factory(plugins=["qualification"], config={"qualification": {"preset": "cn"}})
