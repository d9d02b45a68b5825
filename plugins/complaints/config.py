"""The ``[plugins.complaints]`` table: a preset (``cn`` or ``eu``) and per-key overrides.

Every key defaults to ``UNSET``: its value comes from the preset unless the operator
overrides it (see :data:`bazaar.plugins.complaints.policy.RULES`). A running clock keeps
the values in force when it started; an override applies to clocks started after it.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

Days = Annotated[int, Meta(ge=1, le=3650)]
Hours = Annotated[int, Meta(ge=1, le=24 * 60)]
WarnHours = Annotated[int, Meta(ge=0, le=24 * 30)]
Category = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
ContentType = Annotated[str, Meta(min_length=3, max_length=100, pattern=r"^[a-z]+/[a-z0-9.+-]+$")]


class IpConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[plugins.complaints.ip]``: intellectual-property notices (ECL 42-45 / DSA 16-17)."""

    declaration_wait_days: Days | None | UnsetType = UNSET
    publish_notices: bool | UnsetType = UNSET


class EvidenceConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[plugins.complaints.evidence]``: limits of the ``complaints.evidence`` file use."""

    max_files: Annotated[int, Meta(ge=1, le=50)] | UnsetType = UNSET
    max_bytes: Annotated[int, Meta(ge=1024, le=200 * 1024 * 1024)] | UnsetType = UNSET
    content_types: list[ContentType] | UnsetType = UNSET


class ComplaintsConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Preset plus overrides; ``policy.RULES.resolve(config)`` gives the values in force."""

    preset: Literal["cn", "eu"] = "cn"
    ack_hours: Hours | UnsetType = UNSET
    investigate_working_days: Days | UnsetType = UNSET
    plan_working_days: Days | UnsetType = UNSET
    execute_working_days: Days | UnsetType = UNSET
    merchant_reply_hours: Hours | UnsetType = UNSET
    complainant_reply_working_days: Days | UnsetType = UNSET
    warn_before_hours: WarnHours | UnsetType = UNSET
    escalate_on_breach: bool | UnsetType = UNSET
    categories: list[Category] | UnsetType = UNSET
    duplicate_window_days: Days | UnsetType = UNSET
    disclose_merchant_identity_on_request: bool | UnsetType = UNSET
    evidence_pack: bool | UnsetType = UNSET
    appeal_window_days: Days | None | UnsetType = UNSET
    satisfaction_survey: bool | UnsetType = UNSET
    feedback_days: Days | UnsetType = UNSET
    reopen_days: Days | UnsetType = UNSET
    reporter_confidential: bool | UnsetType = UNSET
    followup_survey: bool | UnsetType = UNSET
    followup_window_days: Days | UnsetType = UNSET
    retention_days: Days | UnsetType = UNSET
    ip: IpConfig = IpConfig()
    evidence: EvidenceConfig = EvidenceConfig()
