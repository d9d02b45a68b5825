"""Carrier providers: one module per carrier or aggregator behind ``bazaar.sdk.providers.CarrierProvider``.

* ``sandbox`` — a stand-in carrier with its own books, a page to drive parcels and signed pushes;
* ``kuaidi100`` — the Kuaidi100 aggregator (subscription and push; it tracks, it does not book).

:func:`build` makes the provider objects the plugin registers; :func:`carrier_list` is the
deployment's carriers (codes, names, which provider books and tracks each).
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.logistics import policy
from bazaar.plugins.logistics.config import CarrierEntry, LogisticsConfig
from bazaar.sdk.errors import FieldProblem, ValidationFailed
from bazaar.sdk.runtime import PluginContext


def carrier_list(config: LogisticsConfig) -> dict[str, CarrierEntry]:
    """The configured carriers by code; none configured: the preset's, each on the sandbox."""
    if config.carriers:
        return {c.code: c for c in config.carriers}
    return {code: CarrierEntry(code=code, name=name) for code, name in policy.carrier_names(config.preset).items()}


def carrier(config: LogisticsConfig, code: str, *, field: str = "carrier") -> CarrierEntry:
    """One carrier by code, or ``422 logistics.unknown_carrier`` naming the field."""
    found = carrier_list(config).get(code)
    if found is None:
        raise ValidationFailed(
            f"unknown carrier {code[:20]!r}", code="logistics.unknown_carrier",
            errors=[FieldProblem(field=field, reason="one of " + ", ".join(sorted(carrier_list(config))),
                                 value=code[:20])],
        )
    return found


def build(context: PluginContext[Any], plugin_id: str, config: LogisticsConfig) -> list[Any]:
    """The provider objects of this deployment (one per provider id in use, sandbox always);
    ``context`` is the plugin's context, whose runtime is bound after the providers are built."""
    from bazaar.plugins.logistics.carriers.kuaidi100 import Kuaidi100
    from bazaar.plugins.logistics.carriers.sandbox.carrier import SandboxCarrier

    entries = carrier_list(config).values()
    found: list[Any] = [SandboxCarrier(context, plugin_id, config,
                                       tuple(c.code for c in entries if c.provider == "sandbox"))]
    k100 = tuple(c.code for c in entries if c.provider == "kuaidi100")
    if k100 or config.kuaidi100.salt:
        found.append(Kuaidi100(config.kuaidi100, k100))
    return found
