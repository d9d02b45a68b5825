"""The ``[plugins.aftersales]`` table: a preset (``cn`` or ``eu``) and per-key overrides.

Every policy key defaults to ``UNSET``: its value comes from the preset unless the operator
overrides it (see :data:`bazaar.plugins.aftersales.policy.RULES`). Nested keys are nested
tables (``[plugins.aftersales.no_reason]`` ``window_days = 7``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

Days = Annotated[int, Meta(ge=0, le=3650)]
Hours = Annotated[int, Meta(ge=1, le=24 * 90)]
Kind = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
MediaType = Annotated[str, Meta(min_length=3, max_length=80, pattern=r"^[a-z]+/[a-z0-9.+-]+$")]


class _Strict(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class NoReason(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[plugins.aftersales.no_reason]``: the no-reason return (withdrawal) window."""

    window_days: Days | UnsetType = UNSET
    window_start: Literal["recipient_signed", "physical_possession"] | UnsetType = UNSET
    deadline_applies_to: Literal["request_sent", "request_received"] | UnsetType = UNSET
    excluded: list[Kind] | UnsetType = UNSET
    confirmable: list[Kind] | None | UnsetType = UNSET


class Quality(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[plugins.aftersales.quality]``: windows for claims on faulty goods."""

    return_days: Days | UnsetType = UNSET
    exchange_days: Days | UnsetType = UNSET
    repair_days: Days | UnsetType = UNSET


class Evidence(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[plugins.aftersales.evidence]``: limits of the ``aftersales.evidence`` file use."""

    max_files: Annotated[int, Meta(ge=1, le=50)] | UnsetType = UNSET
    max_bytes: Annotated[int, Meta(ge=1024, le=512 * 1024 * 1024)] | UnsetType = UNSET
    types: list[MediaType] | UnsetType = UNSET


class Repair(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    days: Days | None | UnsetType = UNSET
    max_failures: Annotated[int, Meta(ge=1, le=10)] | None | UnsetType = UNSET


class Exchange(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reship_hours: Hours | UnsetType = UNSET
    confirm_days: Days | UnsetType = UNSET


class Refund(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    deadline_days: Days | UnsetType = UNSET
    anchor: Literal["return_received", "withdrawal_notice"] | UnsetType = UNSET
    penalty_line_days: Days | None | UnsetType = UNSET
    to_original_method: bool | UnsetType = UNSET
    outbound_on_full_return: Literal["always", "quality_fault", "never"] | UnsetType = UNSET


class Retention(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    aftersales_days: Annotated[int, Meta(ge=1, le=36500)] | UnsetType = UNSET


class AftersalesConfig(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Preset plus overrides; ``policy.values(config)`` gives the values in force."""

    preset: Literal["cn", "eu"] = "cn"
    no_reason: NoReason = NoReason()
    intact_rules: dict[str, Any] | UnsetType = UNSET
    merchant_response_hours: Hours | UnsetType = UNSET
    return_address_hours: Hours | UnsetType = UNSET
    buyer_ship_back_days: Days | UnsetType = UNSET
    buyer_reply_hours: Hours | UnsetType = UNSET
    buyer_escalation_days: Days | UnsetType = UNSET
    merchant_receipt_days: Days | UnsetType = UNSET
    intercept_hours: Hours | UnsetType = UNSET
    return_shipping_payer: Literal["consumer_unless_quality_fault", "consumer_if_informed", "merchant"] | UnsetType = UNSET
    deduct_outbound_if_free_shipping_lost: bool | UnsetType = UNSET
    gift_missing_policy: Literal["charge_marked_price"] | None | UnsetType = UNSET
    reprice_on_lost_promo: bool | None | UnsetType = UNSET
    quality: Quality = Quality()
    platform_intervention: bool | UnsetType = UNSET
    evidence: Evidence = Evidence()
    repair: Repair = Repair()
    exchange: Exchange = Exchange()
    evidence_window_hours: Hours | UnsetType = UNSET
    appeal_window_days: Days | UnsetType = UNSET
    ruling_working_days: Days | UnsetType = UNSET
    withdrawal_function: bool | UnsetType = UNSET
    refund: Refund = Refund()
    retention: Retention = Retention()
