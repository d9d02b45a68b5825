"""Personal data: who may see it in full (one rule for every route), and how it is masked.

:func:`sees_in_full` is the only place that decides; core services and plugins call it
with what they know about the data (whose it is, which store needs it, and whether that
store needs it now) and mask with the functions below when it answers ``False``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class Reader(Protocol):
    """Who reads: a user (``user_id``), possibly staff of stores (``merchants``: id -> role), possibly an operator."""

    @property
    def user_id(self) -> str | None: ...

    @property
    def is_operator(self) -> bool: ...

    @property
    def merchants(self) -> Mapping[str, str]: ...

    def has_right(self, right: str) -> bool: ...


def sees_in_full(reader: Reader, *, subject_id: str | None = None, merchant_id: str | None = None,
                 merchant_roles: tuple[str, ...] = (), merchant_needs: bool = False) -> bool:
    """Whether ``reader`` may see personal data in full (PIPL data minimisation).

    * the person the data is about (``subject_id``) sees it;
    * staff of ``merchant_id`` whose role is in ``merchant_roles`` (any role when empty) see it
      only while the store needs it (``merchant_needs``: an order to ship, its own dossier);
      being an operator never makes anyone staff;
    * operators see it only with the ``pii`` right (each such read of another person's data
      is an advanced right, audited once rights land);
    * everyone else sees it masked.
    """
    if subject_id is not None and reader.user_id == subject_id:
        return True
    if merchant_id is not None and merchant_needs:
        role = reader.merchants.get(merchant_id)
        if role is not None and (not merchant_roles or role in merchant_roles):
            return True
    return reader.is_operator and reader.has_right("pii")


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
