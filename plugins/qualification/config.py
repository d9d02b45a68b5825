"""The ``[plugins.qualification]`` table: a preset (``cn`` or ``eu``) and per-key overrides.

Every key defaults to ``UNSET``: its effective value comes from the preset unless the
operator overrides it (see :data:`bazaar.plugins.qualification.policy.RULES`).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from bazaar.sdk.files import ContentType

Days = Annotated[int, Meta(ge=1, le=3650)]
Minor = Annotated[int, Meta(ge=0, le=10**14)]
FieldName = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
LicenceKind = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[a-z*][a-z0-9_]*$")]
Claim = Annotated[str, Meta(min_length=1, max_length=100)]
ReviewMode = Literal["category_based", "pre_publish", "post_publish_monitor"]


class CreditConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[plugins.qualification.credit]``: the published rating formula."""

    rules_public: bool | UnsetType = UNSET
    weights: dict[str, Annotated[int, Meta(ge=0, le=100)]] | UnsetType = UNSET
    grades: dict[str, Annotated[int, Meta(ge=0, le=100)]] | UnsetType = UNSET
    ranking_boost: dict[str, Annotated[float, Meta(ge=-10, le=10)]] | UnsetType = UNSET
    window_days: Days | UnsetType = UNSET


class DocumentsConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[plugins.qualification.documents]``: upload limits (the file store's rules for ``qualification.kyb``)."""

    max_bytes: Annotated[int, Meta(ge=1024, le=50 * 1024 * 1024)] | UnsetType = UNSET
    #: types the file store recognises from the bytes (``bazaar.sdk.files.CONTENT_TYPES``)
    content_types: list[ContentType] | UnsetType = UNSET


class ReviewsConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    platform_may_delete: bool | UnsetType = UNSET


class QualificationConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Preset plus overrides; ``policy.RULES.resolve(config)`` gives the values in force."""

    preset: Literal["cn", "eu"] = "cn"
    required_fields: list[FieldName] | UnsetType = UNSET
    review_working_days: Days | UnsetType = UNSET
    reject_lists_all_defects: bool | UnsetType = UNSET
    reverify_interval_days: Days | None | UnsetType = UNSET
    reverify_grace_days: Days | UnsetType = UNSET
    license_expiry_warning_days: Days | UnsetType = UNSET
    suspend_on_unremedied: bool | UnsetType = UNSET
    unregistered_individual_turnover_cap: Minor | None | UnsetType = UNSET
    badge_unregistered: bool | UnsetType = UNSET
    listing_review_mode: ReviewMode | UnsetType = UNSET
    category_licences: list[LicenceKind] | UnsetType = UNSET
    banned_claims: list[Claim] | UnsetType = UNSET
    sanction_publish_working_days: Days | None | UnsetType = UNSET
    termination_notice_days: Days | None | UnsetType = UNSET
    exit_notice_days: Days | None | UnsetType = UNSET
    credit: CreditConfig = CreditConfig()
    documents: DocumentsConfig = DocumentsConfig()
    reviews: ReviewsConfig = ReviewsConfig()
