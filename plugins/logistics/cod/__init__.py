"""Cash on delivery (``logistics.cod``; requires ``logistics``).

What it regulates (POLICIES.md "logistics and cash on delivery"): the payment method ``cod``
is offered only when enabled (``enabled``), within ``max_order_amount``, when every merchant
accepts it and the address is served; the order is ``placed`` without online payment. The
platform never touches the cash: the carrier collects and remits to the licensed payment
provider; Bazaar records each expected collection and reconciles the carrier's remittance
file line by line (``matched``, ``short``, ``over``, ``missing`` after
``remittance_working_days``, ``unexpected``, ``duplicate``, ``refused_but_remitted``).
Matched money enters the payments ledger through the payments plugin's
``CollectionRecorder.record_collections``. Exceptions form an audited operator queue
(rematch, write off, claim the carrier). A refused parcel of returnable goods is a return
with no money moved (``refusal_is_return``), restocked after inspection; a COD refund needs
the consumer's stored choice and consent (``refund_method``, 7DR 14).

Config ``[plugins.logistics.cod]``: ``preset``, the policy keys above, ``served_countries``,
``recorder`` (payment provider id), ``max_remittance_lines``. Hooks:
``bazaar_register_providers`` (payment provider ``cod``), ``bazaar_collect_payment_methods``,
``bazaar_select_payment_provider``, ``bazaar_handle_event``. Timers: ``logistics.cod.missing``,
``logistics.cod.announce``. Tables: ``logistics_cod_*``. See docs/logistics.md.
"""

from __future__ import annotations

from bazaar.plugins.logistics import policy
from bazaar.plugins.logistics.cod import collections, remittance
from bazaar.plugins.logistics.cod.api import ROUTES
from bazaar.plugins.logistics.cod.demo import seed_cod
from bazaar.plugins.logistics.cod.hooks import SUBSCRIBES, CodHooks
from bazaar.plugins.logistics.config import CodConfig
from bazaar.plugins.logistics.events import COD_EVENTS
from bazaar.sdk.plugin import Plugin

plugin = Plugin(
    id="logistics.cod",
    version="1.0.0",
    summary="Cash on delivery: collections, remittance reconciliation, exceptions, refused returns",
    config=CodConfig,
    kernel=">=0.1,<1.0",
    requires=("logistics",),
    hooks=CodHooks,
    piccolo_app="bazaar.plugins.logistics.cod.piccolo_app",
    routes=ROUTES,
    timers={collections.MISSING_TIMER: collections.missing, remittance.ANNOUNCE_TIMER: remittance.announce},
    subscribes=SUBSCRIBES,
    policy=lambda cfg: policy.explain(policy.COD_RULES, cfg),
    events=COD_EVENTS,
    demo=seed_cod,
)
