"""Qualification (plugin id ``qualification``): who may sell, what may be listed, and on what terms.

What it regulates
    * **Merchant qualification (KYB)**: a pending merchant submits a dossier with the
      preset's ``required_fields`` (``cn``: business licence with the 18-character Unified
      Social Credit Code checked by GB 32100-2015, legal representative, licence expiry,
      business scope, registered address, contact, settlement account; ``eu``: the DSA
      Art. 30(1) list) and documents (kept in the kernel's shared file store under the use
      ``qualification.kyb``: type read from the bytes, sha256, size and type limits from
      ``[documents]``; served only to the merchant's staff and operators). Individuals below the turnover cap may declare
      exemption (``cn``) and are badged ``unregistered``. Every defect is named at once.
      Operators review oldest first against ``review_working_days``; approval activates the
      merchant through the core's merchant facade; every dossier version is kept.
    * **Re-verification**: every ``reverify_interval_days`` a task opens; the licence expiry
      is warned ``license_expiry_warning_days`` ahead; an unanswered task or an expired
      licence restricts the merchant, and suspends it after a further grace period when
      ``suspend_on_unremedied``; a new approved dossier restores it.
    * **Listing review**: automatic checks (required fields, positive prices, images,
      ``banned_claims`` with positions, category licences) and the ``listing_review_mode``
      (``category_based``, ``pre_publish``, ``post_publish_monitor``); an operator queue to
      approve, reject with reasons or take down.
    * **Credit rating**: a score from order, return, complaint and review events with the
      published ``credit.weights``; grade A-D; ranking boost; public rules route.
    * **Sanctions**: warning, restriction, suspension, termination with reason, start,
      optional end (a timer lifts it), public record (``cn``) and termination notice (``eu``).

Config ``[plugins.qualification]``: ``preset`` (``cn`` | ``eu``) and any key of
:data:`policy.RULES` as an override: ``required_fields``, ``review_working_days``,
``reject_lists_all_defects``, ``reverify_interval_days``, ``reverify_grace_days``,
``license_expiry_warning_days``, ``suspend_on_unremedied``,
``unregistered_individual_turnover_cap``, ``badge_unregistered``, ``listing_review_mode``,
``category_licences``, ``banned_claims``, ``sanction_publish_working_days``,
``termination_notice_days``, ``exit_notice_days``, ``[credit]`` ``rules_public`` /
``weights`` / ``grades`` / ``ranking_boost`` / ``window_days``, ``[documents]``
``max_bytes`` / ``content_types``, ``[reviews]`` ``platform_may_delete``.
``bazaar plugins --policy`` and ``GET /api/v1/qualification/policy`` print each value with
its origin and source.

Hooks: ``bazaar_select_merchant_decider``, ``bazaar_merchant_transition_objections``,
``bazaar_listing_objections``, ``bazaar_collect_listing_review``,
``bazaar_collect_ranking_adjustments``, ``bazaar_handle_event`` (``order.*``, ``shipment.late``,
``aftersales.case_closed``, ``complaints.upheld``, ``reviews.created``,
``product.status_changed``, ``merchant.applied``).

Timers: ``qualification.reverify``, ``.reverify_deadline``, ``.escalate``,
``.licence_warning``, ``.licence_expiry``, ``.sanction_end``, ``.sanction_start``,
``.credit_nightly``. Events (``events.py``): ``qualification.*`` (dossier_submitted/approved/rejected,
reverification_opened, licence_expiring, lapsed, escalated, licence_approved/rejected,
sanction_imposed/lifted, termination_notice).

Tables (Piccolo app ``qualification``): ``qualification_merchant``,
``qualification_dossier``, ``qualification_document`` (metadata; the bytes are in ``rt.files``),
``qualification_licence``, ``qualification_listing_review``, ``qualification_sanction``,
``qualification_credit_fact``.
"""

from __future__ import annotations

from bazaar.plugins.qualification import credit, policy, reverification, sanctions
from bazaar.plugins.qualification.api import ROUTES
from bazaar.plugins.qualification.config import QualificationConfig
from bazaar.plugins.qualification.events import EVENTS
from bazaar.plugins.qualification.hooks import QualificationHooks
from bazaar.sdk.plugin import Plugin

__version__ = "0.1.0"

plugin = Plugin(
    id="qualification",
    version=__version__,
    summary="Merchant KYB and re-verification, listing review, credit rating, sanctions",
    config=QualificationConfig,
    kernel=">=0.1,<1.0",
    hooks=QualificationHooks,
    piccolo_app="bazaar.plugins.qualification.piccolo_app",
    routes=ROUTES,
    timers={**reverification.TIMERS, **sanctions.TIMERS, credit.NIGHTLY: credit.nightly},
    subscribes=("order.*", *policy.CREDIT_EVENTS, "product.status_changed", "merchant.applied"),
    events=EVENTS,
    policy=policy.explain,
)
