"""The ``[plugins.reviews]`` table: a preset (``cn`` or ``eu``) and per-key overrides.

Every key defaults to ``UNSET``: its value comes from the preset unless the operator
overrides it (see :data:`bazaar.plugins.reviews.policy.RULES`). The keys the law fixes
(``platform_may_delete``, ``verified_purchase_only``, ``merchant_staff_may_review``) are
printed with the policy but have no field here: no configuration can switch them.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

Days = Annotated[int, Meta(ge=1, le=3650)]
Hours = Annotated[int, Meta(ge=1, le=24 * 90)]
Ground = Literal["personal_data", "illegal_content", "obscenity", "threats", "advertising", "fake"]
ContentType = Literal["image/jpeg", "image/png", "image/webp"]


class PhotosConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[plugins.reviews.photos]``: how many photos a review may carry, and their limits."""

    max_count: Annotated[int, Meta(ge=0, le=20)] | UnsetType = UNSET
    max_bytes: Annotated[int, Meta(ge=1024, le=20 * 1024 * 1024)] | UnsetType = UNSET
    content_types: Annotated[list[ContentType], Meta(min_length=1)] | UnsetType = UNSET


class SignalsConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[plugins.reviews.signals]``: when the operator is told about a likely fake review."""

    burst_count: Annotated[int, Meta(ge=2, le=100_000)] | UnsetType = UNSET
    burst_hours: Hours | UnsetType = UNSET
    refund_after_review_days: Days | UnsetType = UNSET


class ReviewsConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Preset plus overrides; ``policy.RULES.resolve(config)`` gives the values in force."""

    preset: Literal["cn", "eu"] = "cn"
    window_days: Days | UnsetType = UNSET
    followup_days: Days | UnsetType = UNSET
    appeal_window_days: Days | UnsetType = UNSET
    hide_grounds: Annotated[list[Ground], Meta(min_length=1)] | UnsetType = UNSET
    photos: PhotosConfig = PhotosConfig()
    signals: SignalsConfig = SignalsConfig()
