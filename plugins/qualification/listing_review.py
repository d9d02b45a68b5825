"""Listing review: automatic checks on submit, the three review modes, the operator queue.

``review`` answers the core's ``bazaar_collect_listing_review`` hook inside the submit
transaction and records what it found in ``qualification_listing_review`` (with banned
claim positions, which the core's combined reasons do not carry). Operators decide
through the listing facades ``approve_listing`` / ``reject_listing`` / ``take_down_listing``
of ``bazaar.sdk.services``, as the acting operator on behalf of this plugin.
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.qualification import policy, service
from bazaar.plugins.qualification.errors import ReviewNotFound
from bazaar.plugins.qualification.schemas import FindingOut, ListingReviewOut
from bazaar.plugins.qualification.states import REVIEW, ReviewEvent, ReviewStatus
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.events import By, ListingStatusChanged
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.services import approve_listing, reject_listing, take_down_listing
from bazaar.sdk.types import ListingSnapshot, MerchantSnapshot, ReviewFinding

OPERATOR = ("operator",)


def licence_kinds(listing: ListingSnapshot) -> list[str]:
    """Licence kinds of the listing's category and its ancestors (``licence:<kind>`` flags)."""
    return [f.split(":", 1)[1] for f in listing.category_flags if f.startswith("licence:")]


async def findings(rt: PluginRuntime, listing: ListingSnapshot) -> list[ReviewFinding]:
    """Every automatic finding at once: required fields, prices, images, claims, licences, mode."""
    p = service.values(rt)
    out: list[ReviewFinding] = []

    def reject(field: str, reason: str, position: int | None = None) -> None:
        out.append(ReviewFinding(outcome="reject", field=field, reason=reason, position=position))

    if not listing.name.strip():
        reject("name", "a name is required")
    if not listing.description.strip():
        reject("description", "a description is required")
    if listing.category_id is None:
        reject("category_id", "a category is required")
    if not listing.image_urls:
        reject("image_urls", "at least one image is required")
    for i, sku in enumerate(listing.skus):
        if sku.price.amount <= 0:
            reject(f"skus[{i}].price", "the price must be positive")
    for hit in policy.scan_claims({"name": listing.name, "description": listing.description}, p["banned_claims"]):
        reject(hit.field, f"banned claim {hit.claim!r} at position {hit.position}", hit.position)
    needed = policy.licence_required(licence_kinds(listing), p["category_licences"])
    for kind in needed:
        if not await service.holds_licence(rt, listing.merchant_id, kind):
            reject("category_id", f"a {kind} licence is required before listing in this category")
    if not out:
        mode = p["listing_review_mode"]
        if mode == "pre_publish":
            out.append(ReviewFinding(outcome="review", field="listing", reason="every listing is reviewed before publication"))
        elif mode == "category_based" and needed:
            out.append(ReviewFinding(outcome="review", field="category_id",
                                     reason=f"licensed category ({', '.join(needed)}): reviewed before publication"))
    return out


async def review(rt: PluginRuntime, listing: ListingSnapshot, merchant: MerchantSnapshot) -> list[ReviewFinding]:
    """The hook's answer; the review is recorded in the caller's transaction."""
    found = await findings(rt, listing)
    mode = service.values(rt)["listing_review_mode"]
    outcomes = {f.outcome for f in found}
    if "reject" in outcomes:
        status = ReviewStatus.rejected
    elif "review" in outcomes:
        status = ReviewStatus.queued
    else:
        status = ReviewStatus.monitoring if mode == "post_publish_monitor" else ReviewStatus.approved
    await rt.db.execute(
        "INSERT INTO qualification_listing_review (id, product_id, merchant_id, status, mode, findings, reasons, "
        "created_at) VALUES ({}, {}, {}, {}, {}, {}, '[]', {})",
        new_id("lrv"), listing.id, listing.merchant_id, status, mode,
        service.encode([{"outcome": f.outcome, "field": f.field, "reason": f.reason, "position": f.position}
                        for f in found]),
        rt.clock.now(),
    )
    return found


def review_out(row: dict[str, Any], roles: tuple[str, ...]) -> ListingReviewOut:
    """A listing review with what ``roles`` may decide on it."""
    return ListingReviewOut(
        id=row["id"], product_id=row["product_id"], merchant_id=row["merchant_id"], status=row["status"],
        allowed_actions=REVIEW.allowed_actions(row["status"], roles),
        mode=row["mode"], findings=[FindingOut(**f) for f in service.decode(row["findings"]) or []],
        reasons=list(service.decode(row["reasons"]) or []), created_at=row["created_at"],
        decided_at=row["decided_at"],
    )


async def latest(rt: PluginRuntime, product_id: str, merchant_id: str | None = None) -> dict[str, Any]:
    row = await rt.db.fetchrow(
        "SELECT * FROM qualification_listing_review WHERE product_id = {} ORDER BY created_at DESC, id DESC LIMIT 1",
        product_id,
    )
    if row is None or (merchant_id is not None and row["merchant_id"] != merchant_id):
        raise ReviewNotFound("no review of this listing")
    return row


async def latest_out(rt: PluginRuntime, merchant_id: str, product_id: str) -> ListingReviewOut:
    """The last review of a listing as its merchant sees it: findings with positions, operator reasons."""
    return review_out(await latest(rt, product_id, merchant_id), ("merchant",))


async def queue(rt: PluginRuntime, status: str, limit: int) -> list[ListingReviewOut]:
    """``queued`` (waiting before publication) or ``monitoring`` (live, to sample), oldest first."""
    rows = await rt.db.fetch(
        "SELECT * FROM qualification_listing_review WHERE status = {} ORDER BY created_at, id LIMIT {}", status, limit
    )
    return [review_out(r, OPERATOR) for r in rows]


async def _set(rt: PluginRuntime, row: dict[str, Any], event: ReviewEvent, reasons: list[str], actor_id: str | None) -> None:
    to = REVIEW.transition(row["status"], event)
    await rt.db.execute(
        "UPDATE qualification_listing_review SET status = {}, reasons = {}, decided_by = {}, decided_at = {} WHERE id = {}",
        to, service.encode(reasons), actor_id, rt.clock.now(), row["id"],
    )


async def decide(rt: PluginRuntime, product_id: str, action: str, reasons: list[str], actor: Actor) -> ListingReviewOut:
    """``approve`` / ``reject`` a queued listing, or ``take_down`` a live one; the merchant sees the reasons."""
    by = By(kind="operator", id=actor.user_id, plugin=service.PLUGIN)
    async with rt.unit_of_work():
        row = await latest(rt, product_id)
        if action == "approve":
            await _set(rt, row, ReviewEvent.approve, reasons, actor.user_id)
            await approve_listing(rt, product_id, by=by)
        elif action == "reject":
            await _set(rt, row, ReviewEvent.reject, reasons, actor.user_id)
            await reject_listing(rt, product_id, reasons=reasons, by=by)
        else:
            await _set(rt, row, ReviewEvent.take_down, reasons, actor.user_id)
            await take_down_listing(rt, product_id, reasons=reasons, by=by)
        out = review_out(await latest(rt, product_id), OPERATOR)
    return out


async def follow(rt: PluginRuntime, event: ListingStatusChanged) -> None:
    """Keep the queue in step when an operator decided a queued listing through the core's admin routes."""
    if event.by.plugin == service.PLUGIN:
        return
    target = {"approve": ReviewEvent.approve, "reject": ReviewEvent.reject}.get(event.event)
    if target is None:
        return
    row = await rt.db.fetchrow(
        "SELECT * FROM qualification_listing_review WHERE product_id = {} ORDER BY created_at DESC, id DESC LIMIT 1",
        event.product_id,
    )
    if row is None or row["status"] != ReviewStatus.queued:
        return
    await _set(rt, row, target, [r.reason for r in event.reasons], event.by.id)
