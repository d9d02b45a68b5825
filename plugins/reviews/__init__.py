"""Reviews (plugin id ``reviews``): verified-purchase reviews the platform may not delete.

What it regulates
    * **Who may review** (ECL 17; UCPD Annex I 23b): only the buyer of a completed order
      that was paid (``order.paid``) or collected on delivery (``cod.collected``), once per
      order line, within ``window_days`` of completion (a calendar period ending at 24:00,
      rolled past rest days); one follow-up per line within ``followup_days``. A
      merchant's own staff never review its store (refused, and recorded as a signal).
      Product rating 1-5, optional service and delivery ratings, text, photos (the shared
      file store, use ``reviews.photo``).
    * **Merchant reply**: one public reply per review and per follow-up.
    * **No deletion** (ECL 39; NTSM 15; DSA 16-17, 20): there is no delete route or
      service. An operator hides unlawful content on a ground of the closed list
      ``hide_grounds`` with a published reason; the reviewer is told and may appeal
      within ``appeal_window_days``; the rating still counts unless the ground is
      ``fake``. Every step is logged and counted per month in public figures.
    * **Fake and bought reviews**: signals for the operator: a burst on one product, a
      reviewer once refused as the store's staff, a refund or cash-back soon after a
      five-star review.
    * **Storefront**: a per-product aggregate row (average, count, histogram) updated in
      the transaction of each change, and a keyset-paginated list with filters, one SQL
      statement each.
    * **Credit**: ``reviews.created`` (``followup`` false) is what the qualification
      credit rating counts.

Config ``[plugins.reviews]``: ``preset`` (``cn`` | ``eu``) and overrides of
``window_days``, ``followup_days``, ``appeal_window_days``, ``hide_grounds``,
``[photos]`` ``max_count`` / ``max_bytes`` / ``content_types``, ``[signals]``
``burst_count`` / ``burst_hours`` / ``refund_after_review_days``. The law's fixed keys
(``platform_may_delete``, ``verified_purchase_only``, ``merchant_staff_may_review``) are
printed by ``bazaar plugins --policy`` but cannot be configured.

Hooks: ``bazaar_handle_event`` (``order.paid|placed|completed|cancelled``,
``cod.collected``, ``aftersales.case_closed``, ``aftersales.refund_issued``).
Events: ``reviews.created``, ``.replied``, ``.hidden``, ``.appealed``, ``.appeal_decided``,
``.reinstated``, ``.signal_raised``. Machine: ``reviews.moderation``.

Tables (Piccolo app ``reviews``): ``reviews_order``, ``reviews_line``, ``reviews_review``,
``reviews_summary``, ``reviews_moderation``, ``reviews_signal``, ``reviews_photo``.
"""

from __future__ import annotations

from bazaar.plugins.reviews import demo, policy
from bazaar.plugins.reviews.admin_api import ADMIN_ROUTES
from bazaar.plugins.reviews.api import ROUTES
from bazaar.plugins.reviews.config import ReviewsConfig
from bazaar.plugins.reviews.events import EVENTS
from bazaar.plugins.reviews.facts import SUBSCRIBES
from bazaar.plugins.reviews.hooks import ReviewsHooks
from bazaar.sdk.plugin import Plugin

__version__ = "0.1.0"

plugin = Plugin(
    id="reviews",
    version=__version__,
    summary="Verified-purchase reviews the platform may not delete: replies, follow-ups, moderation, signals",
    config=ReviewsConfig,
    kernel=">=0.1,<1.0",
    hooks=ReviewsHooks,
    piccolo_app="bazaar.plugins.reviews.piccolo_app",
    routes=(*ROUTES, *ADMIN_ROUTES),
    subscribes=SUBSCRIBES,
    policy=policy.explain,
    events=EVENTS,
    demo=demo.seed,
)
