"""Structs in and out of the merchants API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from bazaar.sdk.fields import Description, Email, Name, Phone, Reason


class MerchantApply(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Name
    description: Description = ""
    contact_phone: Phone | None = None


class MerchantPatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    contact_phone: Phone | None | msgspec.UnsetType = msgspec.UNSET


class MerchantStatusChange(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    status: Literal["active", "restricted", "suspended", "closed"]
    reason: Reason


class MerchantOut(msgspec.Struct, frozen=True, kw_only=True):
    """A merchant as the reader may see it; ``allowed_actions`` are the status events the
    reader may fire (operators: ``POST /admin/merchants/{id}/status`` names the status they lead to)."""

    id: str
    name: str
    description: str
    status: str
    allowed_actions: list[str]
    created_at: datetime
    badges: list[str] = []
    owner_id: str | None = None
    contact_phone: str | None = None


class MerchantSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    status: str


class StatusChangeOut(msgspec.Struct, frozen=True, kw_only=True):
    from_status: str
    to_status: str
    actor_id: str | None
    plugin: str | None
    reason: str | None
    at: datetime


class InvitationCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Email
    role: Literal["staff"] = "staff"


class InvitationOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    merchant_id: str
    email: str
    role: str
    expires_at: datetime
    token: str | None = None
    accepted_at: datetime | None = None


class StaffOut(msgspec.Struct, frozen=True, kw_only=True):
    user_id: str
    email: str
    name: str
    role: str
    since: datetime
