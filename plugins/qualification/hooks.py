"""Hook implementations (thin: each calls the service)."""

from __future__ import annotations

from bazaar.plugins.qualification import credit, listing_review, service
from bazaar.plugins.qualification.config import QualificationConfig
from bazaar.sdk.events import AnyEvent, ListingStatusChanged, MerchantApplied
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.runtime import PluginContext, PluginRuntime
from bazaar.sdk.types import (
    HookContext,
    ListingSnapshot,
    MerchantSnapshot,
    Objection,
    ProductSummary,
    ReviewFinding,
)


class QualificationHooks:
    """Built once per app with the plugin's context (``id``, ``config``, ``runtime``)."""

    def __init__(self, context: PluginContext[QualificationConfig]) -> None:
        self.context = context

    @property
    def rt(self) -> PluginRuntime:
        return self.context.runtime

    @hookimpl
    def bazaar_select_merchant_decider(self, merchant: MerchantSnapshot) -> str | None:
        """Activation of a pending merchant is decided by dossier approval, never by hand."""
        return service.PLUGIN if merchant.status == "pending" else None

    @hookimpl
    async def bazaar_merchant_transition_objections(
        self, merchant: MerchantSnapshot, to_status: str
    ) -> Objection | None:
        """A lapsed or sanctioned merchant is not reactivated by hand."""
        if to_status != "active" or merchant.status not in ("restricted", "suspended"):
            return None
        required = await service.desired_status(self.rt, merchant.id)
        if required == "active":
            return None
        return Objection(
            reason=f"the merchant must stay {required}: lapsed qualification or an active sanction",
            code="qualification.not_cleared",
        )

    @hookimpl
    async def bazaar_listing_objections(self, merchant: MerchantSnapshot) -> Objection | None:
        """No new listings under a restriction or suspension, or while the qualification lapsed."""
        if await service.desired_status(self.rt, merchant.id) != "active":
            return Objection(reason="restricted: no new listings until the qualification is in order",
                             code="qualification.listing_blocked")
        return None

    @hookimpl
    async def bazaar_collect_listing_review(
        self, listing: ListingSnapshot, merchant: MerchantSnapshot
    ) -> list[ReviewFinding]:
        """Automatic checks and the review mode (see ``listing_review``)."""
        return await listing_review.review(self.rt, listing, merchant)

    @hookimpl
    async def bazaar_collect_ranking_adjustments(self, products: list[ProductSummary]) -> dict[str, float]:
        """Each product's boost from its merchant's credit grade."""
        return await credit.ranking(self.rt, products)

    @hookimpl
    async def bazaar_collect_merchant_badges(self, merchant_ids: list[str]) -> dict[str, list[str]]:
        """``verified``, ``unregistered`` (cn) and ``credit:<grade>`` for the merchants it knows."""
        return await service.merchant_badges(self.rt, merchant_ids)

    @hookimpl
    async def bazaar_handle_event(self, event: AnyEvent, ctx: HookContext) -> None:
        """Listing moves keep the review queue in step; an application schedules the nightly rating run;
        order, shipment, after-sales, complaint and review events become credit facts."""
        if isinstance(event, ListingStatusChanged):
            await listing_review.follow(self.rt, event)
        elif isinstance(event, MerchantApplied):
            await credit.ensure_nightly(self.rt)
        else:
            await credit.record(self.rt, event)
