"""After-sales (plugin id ``aftersales``): returns, refunds, exchanges and repairs under legal clocks.

What it regulates (POLICIES.md "aftersales", presets ``cn`` and ``eu``)
    * **Cases**: refund only (not shipped, in transit, missing), return and refund, exchange,
      repair and, where ``withdrawal_function`` is on (eu), the withdrawal function of CRD Art. 11a
      (withdraw here, confirm, acknowledgement on a durable medium).
    * **Eligibility, explained** per order line: the no-reason window counted the legal way on the
      kernel calendar (day after the delivery proof, 24:00 of the last day, rolled past rest days;
      a request sent in time counts), exclusions (the core's category flag, the merchant's declared
      kinds, a confirmation the buyer ticked at checkout), quantities already returned.
    * **A state machine with a clock on every waiting state** and an automatic outcome when it runs
      out (merchant silence accepts; a buyer who never ships back lapses; a merchant who never
      confirms receipt refunds; ...), ``allowed_actions`` and ``deadlines`` on every case.
    * **Platform intervention**: escalation, evidence requests, rulings executed as money, one appeal.
    * **An explained refund** (line by line; bundles re-priced, missing gifts charged, free shipping
      lost, return shipping by fault, tenders pro rata), paid only through the order's payment
      provider (``refund``, ``compensate``), never more than was paid per line across all cases.
    * **Evidence** in the shared file store (``aftersales.evidence``), a three-party thread, queues,
      statistics per merchant.

Config ``[plugins.aftersales]``: ``preset`` and any key of :data:`policy.RULES` as an override
(``no_reason.*``, ``intact_rules``, ``merchant_response_hours``, ``return_address_hours``,
``buyer_ship_back_days``, ``buyer_reply_hours``, ``buyer_escalation_days``, ``merchant_receipt_days``,
``intercept_hours``, ``return_shipping_payer``, ``deduct_outbound_if_free_shipping_lost``,
``gift_missing_policy``, ``reprice_on_lost_promo``, ``quality.*``, ``platform_intervention``,
``evidence.*``, ``repair.*``, ``exchange.*``, ``evidence_window_hours``, ``appeal_window_days``,
``ruling_working_days``, ``withdrawal_function``, ``refund.*``, ``retention.aftersales_days``).

Hooks: ``bazaar_collect_checkout_acknowledgements``, ``bazaar_handle_event`` (``order.delivered``,
``order.completed``, ``return_parcel.status_changed``, ``shipment.intercepted``,
``shipment.intercept_failed``). Timers: ``aftersales.clock``, ``aftersales.archive``. Events: ``aftersales.case_opened``,
``.case_moved``, ``.case_closed``, ``.ruling_made``, ``.refund_issued``, ``.deadline_missed``.
Uses: the orders facades (``order_snapshot``, ``set_aftersales_open``, ``transition_order``,
``restock``), the order's payment provider, the ``logistics`` fulfilment provider when enabled.

Tables (Piccolo app ``aftersales``): ``aftersales_case``, ``_case_line``, ``_line_cap``, ``_order``,
``_history``, ``_message``, ``_evidence``, ``_ruling``, ``_payment``, ``_product``, ``_merchant``,
``_withdrawal``, ``_seen_event``. See docs/aftersales.md.
"""

from __future__ import annotations

from bazaar.plugins.aftersales import api, api_admin, archive, clocks, demo, policy
from bazaar.plugins.aftersales.cases import CLOCK_TIMER
from bazaar.plugins.aftersales.config import AftersalesConfig
from bazaar.plugins.aftersales.events import EVENTS
from bazaar.plugins.aftersales.hooks import AftersalesHooks
from bazaar.sdk.plugin import Plugin

__version__ = "0.1.0"

ROUTES = (api.CasesController, api.ThreadController, api_admin.MerchantAftersalesController,
          api_admin.AdminAftersalesController, api_admin.WithdrawalController, api_admin.PolicyController)

plugin = Plugin(
    id="aftersales",
    version=__version__,
    summary="Returns, refunds, exchanges and repairs with legal clocks, an explained refund and platform rulings",
    config=AftersalesConfig,
    kernel=">=0.1,<1.0",
    hooks=AftersalesHooks,
    piccolo_app="bazaar.plugins.aftersales.piccolo_app",
    routes=ROUTES,
    timers={CLOCK_TIMER: clocks.fire, archive.ARCHIVE_TIMER: archive.purge},
    subscribes=("order.delivered", "order.completed", "return_parcel.status_changed", "shipment.intercepted",
                "shipment.intercept_failed"),
    policy=policy.explain,
    events=EVENTS,
    demo=demo.seed,
)
