"""Masking of personal data for readers who may not see it in full (pure functions)."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    """``13812341234`` -> ``138****1234``; short numbers keep only the last two digits."""
    if phone is None:
        return None
    digits = phone.strip()
    if len(digits) > 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(0, len(digits) - 2) + digits[-2:]


def mask_id_number(value: str | None) -> str | None:
    """Keep the first 1 and last 1 characters: ``1*****************X``."""
    if value is None:
        return None
    if len(value) <= 2:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_text(value: str | None, keep: int = 6) -> str | None:
    """Keep the first ``keep`` characters of an address line, mask the rest."""
    if value is None:
        return None
    return value[:keep] + "*" * max(0, min(8, len(value) - keep))


def mask_name(value: str | None) -> str | None:
    """``张三丰`` -> ``张**``; ``Alice`` -> ``A****``."""
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1)
