"""Config Structs of ``[plugins.payments.escrow]`` and ``[plugins.payments.instant]``.

Policy keys default to ``UNSET`` and take their value from the preset (``policy.py``);
an operator overrides them key by key. ``custody = "platform"`` is refused unless
``operator_is_licensed_psp = true`` (NBPI 6, 27; PBoC 2017 No. 217), and
``store_card_data`` may only be false (NBPI 26 / PCI DSS).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from bazaar.sdk.plugin import Finding

Days = Annotated[int, Meta(ge=0, le=3650)]
Bps = Annotated[int, Meta(ge=0, le=10_000)]
Minutes = Annotated[int, Meta(ge=1, le=60 * 24 * 30)]


class _Strict(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class AutoConfirm(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    express_days: Days | None | UnsetType = UNSET
    postal_days: Days | None | UnsetType = UNSET
    virtual_days: Days | None | UnsetType = UNSET


class Extend(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    days: Days | None | UnsetType = UNSET
    max_times: Annotated[int, Meta(ge=0, le=10)] | None | UnsetType = UNSET
    when_remaining_days_le: Days | None | UnsetType = UNSET


class Refund(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    to_original_method: bool | UnsetType = UNSET
    deadline_days: Days | None | UnsetType = UNSET
    anchor: str | UnsetType = UNSET


class SandboxConfig(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The sandbox provider: its notification secret and the delivery switches tests use."""

    #: HMAC-SHA256 key of its notifications: at least 32 bytes, no default (``--demo`` makes one)
    secret: str = ""
    #: ``direct``: hand notifications to the notify handler in-process; ``http``: POST them
    #: to ``server.public_url`` + ``/api/v1/payments/notify/sandbox``
    delivery: Literal["direct", "http"] = "direct"
    delay_seconds: Annotated[int, Meta(ge=0, le=86_400)] = 0
    duplicates: bool = False
    out_of_order: bool = False
    #: ``hold``: notifications wait until ``POST /payments/sandbox/notifications/flush``
    hold: bool = False


class PaymentsConfig(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Keys common to both payments plugins."""

    preset: Literal["cn", "eu"] = "cn"
    custody: Literal["provider", "platform"] = "provider"
    operator_is_licensed_psp: bool = False
    #: provider adapter id (``providers/``)
    provider: Literal["sandbox"] = "sandbox"
    #: the sandbox takes pretend money and approves from a public page: only with this set
    #: (``--demo`` sets it); start-up, ``config check`` and ``/ready`` then say so loudly
    allow_sandbox: bool = False
    #: money confirmed for a checkout that already expired or was cancelled: ``refund`` it at
    #: once (default), or leave it in ``review`` for an operator; never unmatched
    late_payment: Literal["refund", "review"] = "refund"
    #: an instruction queued or sent longer than this is "stuck": listed for operators, alert on /ready
    stuck_after_minutes: Annotated[int, Meta(ge=1, le=60 * 24 * 30)] = 30
    #: payment method ids offered at checkout (each taken by this plugin's provider)
    methods: list[Annotated[str, Meta(pattern=r"^[a-z0-9_.-]{1,60}$")]] = msgspec.field(
        default_factory=lambda: ["sandbox"]
    )
    #: seconds a notification's timestamp may differ from our clock
    notification_tolerance_seconds: Annotated[int, Meta(ge=1, le=3600)] = 300
    #: hours between automatic payout runs (0: only ``bazaar payments payout``)
    payout_interval_hours: Annotated[int, Meta(ge=0, le=24 * 31)] = 24
    unpaid_auto_cancel_minutes: Minutes | UnsetType = UNSET
    commission_bps: Bps | UnsetType = UNSET
    refund: Refund = msgspec.field(default_factory=Refund)
    after_release_refund_source: str | UnsetType = UNSET
    statement_history_days: Days | UnsetType = UNSET
    store_card_data: bool | UnsetType = UNSET
    sandbox: SandboxConfig = msgspec.field(default_factory=SandboxConfig)
    auto_confirm: AutoConfirm = msgspec.field(default_factory=AutoConfirm)
    extend: Extend = msgspec.field(default_factory=Extend)
    pause_on_aftersales: bool | UnsetType = UNSET

    def __post_init__(self) -> None:
        if self.custody == "platform" and not self.operator_is_licensed_psp:
            raise ValueError(
                'custody = "platform" needs operator_is_licensed_psp = true: only a licensed '
                "payment institution may hold buyers' funds (NBPI 6, 27; PBoC 2017 No. 217)"
            )
        if self.store_card_data is True:
            raise ValueError("store_card_data must be false (NBPI 26 / PCI DSS)")


class EscrowConfig(PaymentsConfig, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[plugins.payments.escrow]``: release waits on the receipt clock."""


class InstantConfig(PaymentsConfig, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[plugins.payments.instant]``: the same keys; the receipt clock only completes orders."""


MIN_SECRET_BYTES = 32


def checks(config: PaymentsConfig, production: bool) -> list[Finding]:
    """Deployment checks (``Plugin.checks``): no sandbox by accident, no weak notification secret."""
    found: list[Finding] = []
    if config.provider == "sandbox":
        if not config.allow_sandbox:
            found.append(Finding(level="error", key="allow_sandbox", message=(
                "the sandbox provider takes pretend money and anyone may approve its payments; "
                "configure a real provider, or set allow_sandbox = true for a test deployment")))
        else:
            found.append(Finding(level="error" if production else "warning", key="provider",
                                 message="SANDBOX PAYMENTS: no real money moves; never take real orders"))
        if len(config.sandbox.secret.encode()) < MIN_SECRET_BYTES:
            found.append(Finding(level="error", key="sandbox.secret", message=(
                f"the notification secret must be at least {MIN_SECRET_BYTES} bytes (it has "
                f"{len(config.sandbox.secret.encode())}); make one with: python -c "
                "\"import secrets; print(secrets.token_urlsafe(32))\"")))
    return found
