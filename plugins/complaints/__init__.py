"""Complaints (plugin id ``complaints``): placeholder docstring, completed below."""

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
