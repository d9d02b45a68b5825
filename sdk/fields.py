"""Shared constraints for inbound Structs (``Annotated[..., Meta(...)]`` aliases)."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

Email = Annotated[str, Meta(min_length=3, max_length=254, pattern=r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$")]
Password = Annotated[str, Meta(min_length=1, max_length=256)]
Name = Annotated[str, Meta(min_length=1, max_length=100)]
Title = Annotated[str, Meta(min_length=1, max_length=200)]
Description = Annotated[str, Meta(max_length=20_000)]
Note = Annotated[str, Meta(max_length=500)]
Reason = Annotated[str, Meta(min_length=1, max_length=1000)]
Phone = Annotated[str, Meta(pattern=r"^\+?[0-9 ()-]{5,20}$")]
Url = Annotated[str, Meta(max_length=2000, pattern=r"^https?://\S+$")]
Slug = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Code = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
PublicId = Annotated[str, Meta(min_length=4, max_length=40, pattern=r"^[a-z]{2,4}_[0-9A-Z]{26}$")]
Quantity = Annotated[int, Meta(ge=1, le=100_000)]
StockLevel = Annotated[int, Meta(ge=0, le=100_000_000)]
PriceMinor = Annotated[int, Meta(ge=0, le=10**12)]
Currency = Annotated[str, Meta(pattern="^[A-Z]{3}$")]
