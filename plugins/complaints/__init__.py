"""Complaints (plugin id ``complaints``): complaints on SLA clocks, IP notices, statistics for regulators.

What it regulates
    * **Intake**: category, subject (an order, a merchant, a listing, the platform),
      description, desired outcome, evidence (``complaints.evidence`` in the shared file
      store), contact; channel web/app/phone (phone entered by an operator); duplicates on
      one subject linked, not multiplied.
    * **Chained clocks** on the kernel's working-day calendar: ``ack_hours`` ->
      ``investigate_working_days`` -> ``plan_working_days`` -> ``execute_working_days``, and
      ``merchant_reply_hours`` per question to the merchant. Pauses only while waiting on
      the complainant (or a suspension) and move the due time by exactly the paused running
      time; warnings, breaches, escalation to a supervisor queue; every clock an
      append-only log of marks with its pinned terms and calendar version
      (:mod:`.clocks`, :mod:`.clockwork`, :mod:`.calendars`).
    * **Whose move** on every complaint; report (upheld emits ``complaints.upheld``); plan
      with remedies (money through the payment provider, sanctions as an event); answer,
      escalation, feedback, reopen within ``reopen_days``; suspension; appeals
      (``appeal_window_days``) reviewed by another person.
    * **IP notices** (ECL 42-45): takedown and relist through the catalogue facades, the
      ``ip.declaration_wait_days`` timer, publication, false notices against the notifier.
    * **Confidentiality** (``reporter_confidential``) and audited disclosure of the
      merchant's identity; **evidence packs** (zip, sha256 manifest); **statistics** (JSON,
      CSV, a printable monthly report), recomputable from the clock marks; the
      **follow-up survey** after each completed order.

Config ``[plugins.complaints]``: ``preset`` (``cn`` | ``eu``) and any key of
:data:`policy.RULES` as an override (``[ip]`` and ``[evidence]`` nested); see
docs/complaints.md.

Hooks: ``bazaar_handle_event`` (``order.*``, ``shipment.*``, ``aftersales.*``: kept per
order for evidence packs; ``order.completed`` opens the follow-up survey).

Timers: ``complaints.clock_due``, ``.clock_warn``, ``.answer_due``, ``.ip_lift``. Events:
``complaints.*`` (:mod:`.events`).

Tables (Piccolo app ``complaints``): ``complaints_complaint``, ``_clock``, ``_clock_mark``,
``_calendar``, ``_message``, ``_info_request``, ``_remedy``, ``_escalation``,
``_disclosure``, ``_ip_notice``, ``_appeal``, ``_survey``, ``_order_fact``.
"""

from __future__ import annotations

from bazaar.plugins.complaints import clockwork, handling, ip, policy
from bazaar.plugins.complaints.api import ComplaintsController, MerchantComplaintsController
from bazaar.plugins.complaints.api_admin import AdminComplaintsController
from bazaar.plugins.complaints.api_ip import (
    AppealsController,
    IpNoticesController,
    MerchantIpController,
    SurveysController,
)
from bazaar.plugins.complaints.config import ComplaintsConfig
from bazaar.plugins.complaints.demo import demo
from bazaar.plugins.complaints.events import EVENTS
from bazaar.plugins.complaints.hooks import ComplaintsHooks
from bazaar.sdk.plugin import Plugin

__version__ = "0.1.0"

plugin = Plugin(
    id="complaints",
    version=__version__,
    summary="Complaints on working-day SLA clocks, IP notices, statistics",
    config=ComplaintsConfig,
    kernel=">=0.1,<1.0",
    hooks=ComplaintsHooks,
    piccolo_app="bazaar.plugins.complaints.piccolo_app",
    routes=(AdminComplaintsController, IpNoticesController, AppealsController, SurveysController, MerchantIpController,
            ComplaintsController, MerchantComplaintsController),
    timers={**clockwork.TIMERS, **handling.TIMERS, **ip.TIMERS},
    subscribes=("order.*", "shipment.*", "aftersales.*"),
    events=EVENTS,
    policy=policy.explain,
    demo=demo,
)
