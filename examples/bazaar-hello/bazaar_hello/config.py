"""The ``[plugins.hello]`` table, decoded and checked at start."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta


class HelloConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``greeting`` opens every message; reminders fall due ``remind_after_minutes`` later."""

    greeting: Annotated[str, Meta(min_length=1, max_length=40)] = "Hello"
    remind_after_minutes: Annotated[int, Meta(ge=1, le=7 * 24 * 60)] = 60
