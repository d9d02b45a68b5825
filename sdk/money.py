"""Money: integer minor units with an ISO 4217 currency; splits round explicitly."""

from __future__ import annotations

from typing import Annotated

import msgspec

from bazaar.sdk.errors import ValidationFailed

Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$", description="ISO 4217 code")]
MinorUnits = Annotated[int, msgspec.Meta(ge=-(10**15), le=10**15)]


class Money(msgspec.Struct, frozen=True, kw_only=True):
    """An amount in minor units (fen, cents) and its currency. Never a float."""

    amount: MinorUnits
    currency: Currency

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(amount=self.amount + other.amount, currency=self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(amount=self.amount - other.amount, currency=self.currency)

    def times(self, quantity: int) -> Money:
        return Money(amount=self.amount * quantity, currency=self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValidationFailed(
                f"cannot combine {self.currency} with {other.currency}", code="currency_mismatch"
            )

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(amount=0, currency=currency)


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` by largest remainder.

    The parts always sum to ``total``; ties go to the earlier weight.
    """
    if not weights:
        raise ValueError("allocate needs at least one weight")
    if any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative")
    whole = sum(weights)
    if whole == 0:
        parts = [0] * len(weights)
        parts[0] = total
        return parts
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    floors = [magnitude * w // whole for w in weights]
    remainders = [magnitude * w % whole for w in weights]
    short = magnitude - sum(floors)
    for i in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:short]:
        floors[i] += 1
    return [sign * part for part in floors]


def bps_share(amount: int, bps: int) -> int:
    """``amount * bps / 10000`` rounded half up (commission); the rest is ``amount - share``."""
    if not 0 <= bps <= 10_000:
        raise ValueError("basis points must be within 0..10000")
    return (amount * bps + 5_000) // 10_000
