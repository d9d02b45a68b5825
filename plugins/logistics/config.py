"""Config Structs of ``[plugins.logistics]`` and ``[plugins.logistics.cod]``.

Policy keys default to ``UNSET`` and take their value from the preset (``policy.py``); an
operator overrides them key by key. The carrier adapters' own tables (``sandbox``,
``kuaidi100``) hold secrets and switches, not policy.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from bazaar.sdk.plugin import Finding

Hours = Annotated[int, Meta(ge=1, le=24 * 60)]
Days = Annotated[int, Meta(ge=0, le=3650)]
CarrierCode = Annotated[str, Meta(pattern=r"^[A-Z0-9_]{2,20}$")]
Proof = Literal["recipient_signed", "proxy_signed", "locker_with_consent", "locker_without_consent",
                "operator_manual"]


class _Strict(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class Compensation(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Paid to the buyer on a ship-by breach, through the payment provider (charged to the merchant)."""

    bps: Annotated[int, Meta(ge=1, le=10_000)]
    cap_minor: Annotated[int, Meta(ge=0)] | None = None


class LateShip(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    compensation: Compensation | None | UnsetType = UNSET
    buyer_may_cancel: bool | UnsetType = UNSET
    consent_to_ship_late: bool | UnsetType = UNSET


class WaybillKeys(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    mask_pii: bool | UnsetType = UNSET


class DeliveryProof(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    counts: list[Proof] | UnsetType = UNSET


class SandboxCarrierConfig(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The sandbox carrier: its push secret and the delivery switches tests use."""

    #: HMAC-SHA256 key of its pushes (header ``Sandbox-Carrier-Signature: t=<unix>,v1=<hex>``)
    secret: Annotated[str, Meta(min_length=16)] = "sandbox-carrier-push-secret"  # config check wants 32+ bytes
    #: ``direct``: hand pushes to the ingest in-process; ``http``: POST them to
    #: ``server.public_url`` + ``/api/v1/logistics/tracking/push/sandbox``
    delivery: Literal["direct", "http"] = "direct"
    delay_seconds: Annotated[int, Meta(ge=0, le=86_400)] = 0
    duplicates: bool = False
    out_of_order: bool = False
    #: pushes wait until ``POST /logistics/sandbox/pushes/flush``
    hold: bool = False
    #: seconds a push's timestamp may differ from our clock
    tolerance_seconds: Annotated[int, Meta(ge=1, le=3600)] = 300


class Kuaidi100Config(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Kuaidi100 subscription (``poll`` API) and push verification."""

    #: the customer authorisation key (授权码)
    key: str = ""
    #: the salt of ``sign = MD5(param + salt)`` on pushes; empty: pushes are refused
    salt: str = ""
    #: where Kuaidi100 sends pushes (our ``/api/v1/logistics/tracking/push/kuaidi100``, public URL)
    callback_url: str = ""
    poll_url: str = "https://poll.kuaidi100.com/poll"


class CarrierEntry(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A carrier offered in this deployment and the provider that books and tracks it."""

    code: CarrierCode
    name: Annotated[str, Meta(min_length=1, max_length=60)]
    provider: Literal["sandbox", "kuaidi100"] = "sandbox"
    cod_supported: bool = True


class LogisticsConfig(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[plugins.logistics]``."""

    preset: Literal["cn", "eu"] = "cn"
    #: the sandbox carrier books pretend parcels that operators drive by hand: carriers may use
    #: it only with this set (``--demo`` sets it); ``config check`` and start-up say so loudly
    allow_sandbox: bool = False
    #: carriers offered; empty: the preset's codes, each tracked by the sandbox
    carriers: list[CarrierEntry] = msgspec.field(default_factory=list)
    ship_within_hours: Hours | None | UnsetType = UNSET
    delivery_event: str | UnsetType = UNSET
    delivery_proof: DeliveryProof = msgspec.field(default_factory=DeliveryProof)
    waybill: WaybillKeys = msgspec.field(default_factory=WaybillKeys)
    carrier_complaint_days: Days | None | UnsetType = UNSET
    fake_shipment_hours: Hours | None | UnsetType = UNSET
    late_ship: LateShip = msgspec.field(default_factory=LateShip)
    sandbox: SandboxCarrierConfig = msgspec.field(default_factory=SandboxCarrierConfig)
    kuaidi100: Kuaidi100Config = msgspec.field(default_factory=Kuaidi100Config)
    #: pushes larger than this are refused unread (bytes)
    max_push_bytes: Annotated[int, Meta(ge=1024, le=10_000_000)] = 1_000_000


class CodConfig(_Strict, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``[plugins.logistics.cod]``."""

    preset: Literal["cn", "eu"] = "cn"
    enabled: bool | UnsetType = UNSET
    max_order_amount: Annotated[int, Meta(ge=0)] | None | UnsetType = UNSET
    remittance_working_days: Days | None | UnsetType = UNSET
    refund_method: str | None | UnsetType = UNSET
    refusal_is_return: bool | UnsetType = UNSET
    #: countries whose addresses the carriers serve for COD (empty: every address)
    served_countries: list[Annotated[str, Meta(pattern=r"^[A-Z]{2}$")]] = msgspec.field(default_factory=list)
    #: the payment provider that records collected cash (empty: the one enabled payments plugin)
    recorder: str = ""
    #: remittance files larger than this are refused (lines)
    max_remittance_lines: Annotated[int, Meta(ge=1, le=1_000_000)] = 200_000


MIN_SECRET_BYTES = 32


def checks(config: LogisticsConfig, production: bool) -> list[Finding]:
    """Deployment checks (``Plugin.checks``): no sandbox carrier by accident, push secrets that hold."""
    from bazaar.plugins.logistics.carriers import carrier_list

    found: list[Finding] = []
    providers = {c.provider for c in carrier_list(config).values()}
    if "sandbox" in providers:
        if not config.allow_sandbox:
            found.append(Finding(level="error", key="allow_sandbox", message=(
                "carriers use the sandbox carrier (pretend parcels, driven by hand); configure real carrier "
                "providers in [[plugins.logistics.carriers]], or set allow_sandbox = true for a test deployment")))
        else:
            found.append(Finding(level="error" if production else "warning", key="carriers",
                                 message="SANDBOX CARRIER: parcels are pretend; never ship real orders"))
        if len(config.sandbox.secret.encode()) < MIN_SECRET_BYTES:
            found.append(Finding(level="error", key="sandbox.secret", message=(
                f"the push secret must be at least {MIN_SECRET_BYTES} bytes (it has "
                f"{len(config.sandbox.secret.encode())})")))
    if "kuaidi100" in providers and not config.kuaidi100.salt:
        found.append(Finding(level="error", key="kuaidi100.salt",
                             message="Kuaidi100 pushes cannot be verified without a salt"))
    return found
