"""Demo data for ``bazaar serve --demo`` and ``bazaar demo``."""

from __future__ import annotations

from bazaar.core.kernel.config import Settings

DEMO_PLUGINS: list[str] = []


async def seed_and_print(settings: Settings) -> None:
    """Seed the demo data (once) and print the logins."""
    print("demo: no commerce data yet")
