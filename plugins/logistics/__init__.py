"""Logistics: shipments, carriers and tracking, ship-by deadlines (``logistics``), and cash on
delivery with remittance reconciliation (``logistics.cod``, in ``cod/``).

What it regulates (POLICIES.md "logistics and cash on delivery"): a merchant ships an order
in one or more shipments of one or more parcels; each shipment follows the machine in
``states.py``; parcels carry the carrier's normalised status, which only moves forward.
The order is ``shipped`` at its first hand-over (the carrier's first scan; without one, the
later of the waybill and the merchant's click) and ``delivered`` when every line is in
shipments delivered with a proof that counts (``delivery_proof.counts``; since 2024 a
locker drop without the recipient's consent does not, in ``cn``). A ship-by deadline
(``ship_within_hours`` working hours from payment; COD: from placing) is frozen per order; a
breach is a timer (``shipment.late``), lets the buyer cancel for a full refund and makes
late shipping need the buyer's consent. Waybills without a scan are flagged
(``fake_shipment_hours``); lost parcels refund the buyer first and open a carrier claim
(``carrier_complaint_days``); labels mask the recipient (``waybill.mask_pii``).

Config ``[plugins.logistics]``: ``preset``, ``carriers`` (code, name, provider,
cod_supported), the policy keys above plus ``delivery_event`` and ``late_ship.*``, and the
adapters' tables ``sandbox`` (secret, delivery, delay_seconds, duplicates, out_of_order,
hold, tolerance_seconds) and ``kuaidi100`` (key, salt, callback_url, poll_url).

Hooks: ``bazaar_register_providers`` (carriers ``sandbox`` / ``kuaidi100``; fulfilment
``logistics``), ``bazaar_handle_event`` (``order.paid``, ``order.placed``,
``order.cancelled``), ``bazaar_order_transition_objections`` (``ship`` only through
shipments). Timers: ``logistics.ship_by``, ``.parcel``, ``.intercept_failed``,
``.fake_check``, ``.claim_due``, ``.subscribe``, ``.intercept``, ``.cancel_waybill``,
``.sandbox_deliver``. Tables: ``logistics_*`` (see ``tables.py``) and the sandbox carrier's
``logistics_sandbox_*``. See docs/logistics.md.
"""

from __future__ import annotations

from bazaar.plugins.logistics import policy
from bazaar.plugins.logistics.api import CustomerTrackingController, MerchantShipmentsController
from bazaar.plugins.logistics.api_operator import CarrierController, LogisticsAdminController
from bazaar.plugins.logistics.carriers.sandbox.api import ROUTES as SANDBOX_ROUTES
from bazaar.plugins.logistics.config import LogisticsConfig, checks
from bazaar.plugins.logistics.demo import seed_logistics
from bazaar.plugins.logistics.events import LOGISTICS_EVENTS
from bazaar.plugins.logistics.hooks import SUBSCRIBES, LogisticsHooks
from bazaar.plugins.logistics.timers import TIMERS
from bazaar.sdk.plugin import Plugin

__version__ = "1.0.0"

plugin = Plugin(
    id="logistics",
    version=__version__,
    summary="Shipments, carriers and tracking, ship-by deadlines, typed proof of delivery",
    config=LogisticsConfig,
    kernel=">=0.1,<1.0",
    hooks=LogisticsHooks,
    piccolo_app="bazaar.plugins.logistics.piccolo_app",
    routes=(MerchantShipmentsController, CustomerTrackingController, LogisticsAdminController, CarrierController,
            *SANDBOX_ROUTES),
    timers=TIMERS,
    subscribes=SUBSCRIBES,
    policy=lambda cfg: policy.explain(policy.RULES, cfg),
    events=LOGISTICS_EVENTS,
    demo=seed_logistics,
    checks=checks,
)
