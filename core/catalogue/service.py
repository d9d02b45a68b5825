"""Catalogue rules: products and SKUs, the listing lifecycle with its review hooks, facades.

The merchant routes call the ``*_product`` / ``*_sku`` functions with the merchant from
the path; a product of another merchant is ``404 product_not_found``, never visible.

Plugins (the qualification plugin) call the facades :func:`approve_listing`,
:func:`reject_listing`, :func:`take_down`, :func:`reinstate_listing` and :func:`listing_snapshot`.

Re-review rule: editing the **content** of a live listing (name, description, category,
images, attributes) sends it back through review (``revise``: veto and review hooks run
again; with no plugin it stays live). Price, SKU and stock changes never do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import msgspec

from bazaar.core.auth.actor import Actor
from bazaar.core.catalogue import categories, cursors, policy, states
from bazaar.core.catalogue.schemas import (
    Finding,
    MerchantProduct,
    MerchantProductRow,
    PriceIn,
    ProductCreate,
    ProductPatch,
    SkuCreate,
    SkuOut,
    SkuPatch,
    StatusChangeOut,
)
from bazaar.core.inventory import service as inventory
from bazaar.core.kernel.http import check_id
from bazaar.core.kernel.ids import new_id
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.merchants import service as merchants
from bazaar.core.merchants.states import SELLING
from bazaar.sdk.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from bazaar.sdk.events import (
    SYSTEM,
    By,
    ListingEventName,
    ListingReason,
    ListingStatusChanged,
    ListingStatusName,
    ProductCreated,
    SkuPriceChanged,
)
from bazaar.sdk.money import Money
from bazaar.sdk.types import ListingSnapshot, MerchantSnapshot, ReviewFinding, SkuSnapshot

CONTENT_FIELDS = ("name", "description", "category_id", "image_urls", "attributes")


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _dump(value: Any) -> str:
    return msgspec.json.encode(value).decode()


async def refresh_merchant_visibility(rt: Runtime, merchant_id: str, merchant_status: str) -> None:
    """Show or hide a merchant's live products after its status changed (in the caller's transaction)."""
    await rt.db.execute(
        "UPDATE catalogue_product SET visible = {} WHERE merchant_id = {} AND status = {}",
        merchant_status in SELLING,
        merchant_id,
        states.ListingStatus.live,
    )


async def refresh_product_summary(rt: Runtime, product_id: str) -> None:
    """Recompute the denormalised price range and ``in_stock`` of a product from its active SKUs."""
    active = "FROM catalogue_sku s WHERE s.product_id = catalogue_product.id AND s.active = TRUE"
    await rt.db.execute(
        f"UPDATE catalogue_product SET price_min_minor = COALESCE((SELECT MIN(s.price_minor) {active}), 0), "
        f"price_max_minor = COALESCE((SELECT MAX(s.price_minor) {active}), 0), "
        f"in_stock = EXISTS (SELECT 1 {active} AND s.on_hand > s.reserved) WHERE id = {{}}",
        product_id,
    )


# --- loading and output --------------------------------------------------------------


async def _load(rt: Runtime, product_id: str, *, merchant_id: str | None = None, for_update: bool = False) -> dict[str, Any]:
    """The product row; ``404 product_not_found`` when missing or owned by another merchant."""
    lock = " FOR UPDATE" if for_update and not rt.db.is_sqlite else ""
    row = await rt.db.fetchrow(f"SELECT * FROM catalogue_product WHERE id = {{}}{lock}", product_id)
    if row is None or (merchant_id is not None and row["merchant_id"] != merchant_id):
        raise NotFound("no such product", code="product_not_found")
    return row


def sku_out(row: dict[str, Any]) -> SkuOut:
    return SkuOut(
        id=row["id"],
        product_id=row["product_id"],
        code=row["code"],
        price=Money(amount=row["price_minor"], currency=row["currency"]),
        attributes=_json(row["attributes"]) or {},
        on_hand=row["on_hand"],
        reserved=row["reserved"],
        available=row["on_hand"] - row["reserved"],
        active=bool(row["active"]),
        updated_at=row["updated_at"],
    )


def _findings(raw: Any) -> list[Finding]:
    return [msgspec.convert(f, Finding) for f in _json(raw) or []]


async def _merchant_view(rt: Runtime, product_id: str, role: str = "merchant") -> MerchantProduct:
    """A product in full, with the actions ``role`` (``merchant`` or ``operator``) may take now."""
    row = await _load(rt, product_id)
    skus = await rt.db.fetch("SELECT * FROM catalogue_sku WHERE product_id = {} ORDER BY position, id", product_id)
    history = await rt.db.fetch(
        "SELECT * FROM catalogue_product_status_change WHERE product_id = {} ORDER BY at, id", product_id
    )
    return MerchantProduct(
        id=row["id"],
        merchant_id=row["merchant_id"],
        name=row["name"],
        description=row["description"],
        category_id=row["category_id"],
        status=row["status"],
        visible=bool(row["visible"]),
        image_urls=_json(row["image_urls"]) or [],
        attributes=_json(row["attributes"]) or {},
        currency=row["currency"],
        price_min=Money(amount=row["price_min_minor"], currency=row["currency"]),
        price_max=Money(amount=row["price_max_minor"], currency=row["currency"]),
        in_stock=bool(row["in_stock"]),
        review_reasons=_findings(row["review_reasons"]),
        allowed_actions=states.LISTING.allowed_actions(row["status"], (role,)),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        submitted_at=row["submitted_at"],
        published_at=row["published_at"],
        skus=[sku_out(s) for s in skus],
        history=[
            StatusChangeOut(from_status=h["from_status"], to_status=h["to_status"], reasons=_findings(h["reasons"]),
                            actor_id=h["actor_id"], plugin=h["plugin"], at=h["at"])
            for h in history
        ],
    )


async def get_for_merchant(rt: Runtime, merchant_id: str, product_id: str) -> MerchantProduct:
    """A product as its merchant sees it: any status, SKUs with raw stock, review reasons, history."""
    await _load(rt, product_id, merchant_id=merchant_id)
    return await _merchant_view(rt, product_id)


_ROW_COLUMNS = (
    "id, name, status, visible, category_id, currency, price_min_minor, price_max_minor, in_stock, created_at, updated_at"
)


def _product_row(r: dict[str, Any], role: str) -> MerchantProductRow:
    """One line of a back-office product list, with the actions ``role`` may take."""
    return MerchantProductRow(
        id=r["id"], name=r["name"], status=r["status"], visible=bool(r["visible"]), category_id=r["category_id"],
        allowed_actions=states.LISTING.allowed_actions(r["status"], (role,)),
        price_min=Money(amount=r["price_min_minor"], currency=r["currency"]),
        price_max=Money(amount=r["price_max_minor"], currency=r["currency"]),
        in_stock=bool(r["in_stock"]), created_at=r["created_at"], updated_at=r["updated_at"],
    )


async def list_for_merchant(
    rt: Runtime, merchant_id: str, *, status: str | None, limit: int, cursor: str | None
) -> tuple[list[MerchantProductRow], str | None]:
    """The merchant's own products (drafts included), newest first, keyset-paginated."""
    where, args = "merchant_id = {}", [merchant_id]
    if status:
        where += " AND status = {}"
        args.append(status)
    if cursor:
        created_at, last_id = cursors.decode(cursor, "merchant_products", (datetime, str))
        where += " AND (created_at < {} OR (created_at = {} AND id < {}))"
        args += [created_at, created_at, last_id]
    rows = await rt.db.fetch(
        f"SELECT {_ROW_COLUMNS} FROM catalogue_product WHERE {where} ORDER BY created_at DESC, id DESC LIMIT {{}}",
        *args, limit + 1,
    )
    page = rows[:limit]
    items = [_product_row(r, "merchant") for r in page]
    nxt = cursors.encode("merchant_products", page[-1]["created_at"], page[-1]["id"]) if len(rows) > limit else None
    return items, nxt


# --- snapshots for hooks -------------------------------------------------------------


async def listing_snapshot(rt: Runtime, product_id: str) -> ListingSnapshot:
    """The product as review hooks see it: content, SKUs, category path and inherited flags.

    ``category_flags`` gathers ``licence:<kind>`` and ``no_reason_return_excluded`` from the
    category and every ancestor.
    """
    row = await _load(rt, product_id)
    skus = await rt.db.fetch(
        "SELECT * FROM catalogue_sku WHERE product_id = {} AND active = TRUE ORDER BY position, id", product_id
    )
    path = tuple(p for p in row["category_path"].split("/") if p)
    flags: set[str] = set()
    if path:
        marks = ", ".join(["{}"] * len(path))
        for c in await rt.db.fetch(
            f"SELECT licence_kind, no_reason_return_excluded FROM catalogue_category WHERE id IN ({marks})", *path
        ):
            if c["licence_kind"]:
                flags.add(f"licence:{c['licence_kind']}")
            if c["no_reason_return_excluded"]:
                flags.add("no_reason_return_excluded")
    return ListingSnapshot(
        id=row["id"],
        merchant_id=row["merchant_id"],
        name=row["name"],
        description=row["description"],
        category_id=row["category_id"],
        category_path=path,
        category_flags=tuple(sorted(flags)),
        image_urls=tuple(_json(row["image_urls"]) or ()),
        skus=tuple(
            SkuSnapshot(id=s["id"], code=s["code"], price=Money(amount=s["price_minor"], currency=s["currency"]),
                        attributes=_json(s["attributes"]) or {})
            for s in skus
        ),
        status=row["status"],
    )


# --- status changes ------------------------------------------------------------------


async def _change_status(
    rt: Runtime,
    row: dict[str, Any],
    event: str,
    *,
    merchant_status: str,
    reasons: list[dict[str, Any]] | None = None,
    actor_id: str | None,
    plugin: str | None,
) -> dict[str, Any]:
    """Apply ``event`` through the transition table; record it, keep ``visible``, emit the event.

    Returns the row as it is now (``status`` updated).
    """
    frm = row["status"]
    to = str(states.LISTING.transition(frm, event))
    now = rt.clock.now()
    sets = {"status": to, "visible": policy.is_visible(to, merchant_status), "updated_at": now}
    if to == "in_review":
        sets["submitted_at"] = now
        sets["review_reasons"] = _dump(reasons or [])
    elif to == "live":
        sets["published_at"] = now
        sets["review_reasons"] = "[]"
    elif to in ("rejected", "delisted"):
        sets["review_reasons"] = _dump(reasons or [])
    assignments = ", ".join(f"{k} = {{}}" for k in sets)
    await rt.db.execute(f"UPDATE catalogue_product SET {assignments} WHERE id = {{}}", *sets.values(), row["id"])
    await rt.db.execute(
        "INSERT INTO catalogue_product_status_change (id, product_id, from_status, to_status, reasons, actor_id, "
        "plugin, at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
        new_id("psc"), row["id"], frm, to, _dump(reasons or []), actor_id, plugin, now,
    )
    await rt.emit(ListingStatusChanged(
        product_id=row["id"], merchant_id=row["merchant_id"], from_status=cast(ListingStatusName, frm),
        to_status=cast(ListingStatusName, to), event=cast(ListingEventName, event),
        reasons=tuple(msgspec.convert(reasons or [], list[ListingReason])), by=_by(event, actor_id, plugin),
    ))
    return {**row, **sets}


def _by(event: str, actor_id: str | None, plugin: str | None) -> By:
    """Who moved a listing: a plugin, the merchant (submit, revise, edit, delist), an operator, or the review itself."""
    if plugin:
        return By(kind="plugin", id=actor_id, plugin=plugin)
    if actor_id is None:
        return SYSTEM
    return By(kind="merchant" if event in ("submit", "revise", "edit", "delist") else "operator", id=actor_id)


async def _review(
    rt: Runtime, row: dict[str, Any], merchant: MerchantSnapshot, event: str, actor: Actor
) -> None:
    """Submit or revise: veto hooks, then review hooks, then the combined decision.

    A veto raises ``409 plugin_vetoed`` and, since this runs in the caller's unit of
    work, nothing changes. Otherwise the listing passes ``in_review`` and is approved,
    rejected (every reason at once) or left queued, by :func:`policy.combine_review`.
    """
    ctx = rt.context(actor_id=actor.user_id, actor_roles=actor.roles)
    listing = await listing_snapshot(rt, row["id"])
    if not listing.skus:
        raise Conflict("a listing needs at least one active SKU", code="no_active_sku")
    await rt.plugins.objections("bazaar_listing_objections", ctx=ctx, listing=listing, merchant=merchant)
    answers = await rt.plugins.collect("bazaar_collect_listing_review", ctx=ctx, listing=listing, merchant=merchant)
    outcome, findings = policy.combine_review(answers)
    row = await _change_status(rt, row, event, merchant_status=merchant.status,
                               reasons=findings if outcome == "review" else [], actor_id=actor.user_id, plugin=None)
    if outcome == "approve":
        await _change_status(rt, row, "approve", merchant_status=merchant.status, actor_id=None, plugin=None)
    elif outcome == "reject":
        rejecting = sorted({f["plugin"] for f in findings if f["outcome"] == "reject"})
        await _change_status(rt, row, "reject", merchant_status=merchant.status, reasons=findings, actor_id=None,
                             plugin=",".join(rejecting)[:60])


async def _merchant_for(rt: Runtime, merchant_id: str) -> MerchantSnapshot:
    return merchants.snapshot(await merchants.load(rt, merchant_id, for_update=True))


# --- merchant actions ----------------------------------------------------------------


def _check_currency(rt: Runtime, price: PriceIn, field: str) -> None:
    wanted = rt.settings.checkout.currency
    if price.currency != wanted:
        raise ValidationFailed(
            f"prices are in {wanted}", code="unsupported_currency",
            errors=[FieldProblem(field=field, reason=f"must be {wanted}", value=price.currency)],
        )


async def _insert_skus(
    rt: Runtime, product_id: str, merchant_id: str, skus: Sequence[SkuCreate], actor_id: str | None, first: int = 0
) -> list[dict[str, Any]]:
    now = rt.clock.now()
    rows = []
    for position, sku in enumerate(skus, start=first):
        row = {"id": new_id("sku"), "merchant_id": merchant_id, "on_hand": sku.on_hand, "reserved": 0}
        await rt.db.execute(
            "INSERT INTO catalogue_sku (id, product_id, merchant_id, code, price_minor, currency, attributes, position, "
            "on_hand, reserved, active, created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, 0, {}, {}, {})",
            row["id"], product_id, merchant_id, sku.code, sku.price.amount, sku.price.currency, _dump(sku.attributes),
            position, sku.on_hand, True, now, now,
        )
        rows.append(row)
    await inventory.record_initial(rt, rows, actor_id=actor_id)
    return rows


async def create_product(rt: Runtime, merchant_id: str, data: ProductCreate, actor: Actor) -> MerchantProduct:
    """Create a draft listing with its SKUs (and their opening stock)."""
    problems = []
    seen: set[str] = set()
    for i, sku in enumerate(data.skus):
        _check_currency(rt, sku.price, f"skus[{i}].price.currency")
        if sku.code in seen:
            problems.append(FieldProblem(field=f"skus[{i}].code", reason="duplicate code", value=sku.code))
        seen.add(sku.code)
    if problems:
        raise ValidationFailed("SKU codes must be unique within a product", code="duplicate_sku_code", errors=problems)
    product_id = new_id("prd")
    now = rt.clock.now()
    async with rt.unit_of_work():
        merchant = await _merchant_for(rt, merchant_id)
        policy.check_may_edit(merchant.status)
        path = ""
        if data.category_id is not None:
            path = (await categories.referenced(rt, data.category_id, "category_id"))["path"]
        await rt.db.execute(
            "INSERT INTO catalogue_product (id, merchant_id, category_id, category_path, name, description, status, "
            "visible, image_urls, attributes, currency, price_min_minor, price_max_minor, in_stock, review_reasons, "
            "created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 0, 0, {}, '[]', {}, {})",
            product_id, merchant_id, data.category_id, path, data.name.strip(), data.description,
            states.LISTING.initial, False,
            _dump(data.image_urls), _dump(data.attributes), rt.settings.checkout.currency, False, now, now,
        )
        await _insert_skus(rt, product_id, merchant_id, data.skus, actor.user_id)
        await refresh_product_summary(rt, product_id)
        await rt.emit(ProductCreated(product_id=product_id, merchant_id=merchant_id))
    return await _merchant_view(rt, product_id)


async def patch_product(
    rt: Runtime, merchant_id: str, product_id: str, data: ProductPatch, actor: Actor
) -> MerchantProduct:
    """Edit a listing's content.

    A draft or delisted listing just changes; a rejected one returns to ``draft``; a live
    one is re-reviewed at once (veto and review hooks; a veto refuses the edit). A listing
    in review cannot be edited (``409 invalid_transition``).
    """
    changes: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        value = getattr(data, name)
        if value is not msgspec.UNSET:
            changes[name] = value
    async with rt.unit_of_work():
        merchant = await _merchant_for(rt, merchant_id)
        policy.check_may_edit(merchant.status)
        row = await _load(rt, product_id, merchant_id=merchant_id, for_update=True)
        if row["status"] not in states.EDITABLE:
            states.LISTING.transition(row["status"], states.ListingEvent.edit)
        if row["status"] == "live" and changes:
            policy.check_may_submit(merchant.status)
        sets: dict[str, Any] = {}
        if "category_id" in changes:
            cid = changes["category_id"]
            sets["category_id"] = cid
            sets["category_path"] = (await categories.referenced(rt, cid, "category_id"))["path"] if cid else ""
        for name in ("name", "description"):
            if name in changes:
                sets[name] = changes[name].strip() if name == "name" else changes[name]
        for name in ("image_urls", "attributes"):
            if name in changes:
                sets[name] = _dump(changes[name])
        if sets:
            sets["updated_at"] = rt.clock.now()
            assignments = ", ".join(f"{k} = {{}}" for k in sets)
            await rt.db.execute(f"UPDATE catalogue_product SET {assignments} WHERE id = {{}}", *sets.values(), product_id)
            row = {**row, **sets}
            if row["status"] == "rejected":
                await _change_status(rt, row, "edit", merchant_status=merchant.status, actor_id=actor.user_id, plugin=None)
            elif row["status"] == "live":
                await _review(rt, row, merchant, "revise", actor)
    return await _merchant_view(rt, product_id)


async def submit(rt: Runtime, merchant_id: str, product_id: str, actor: Actor) -> MerchantProduct:
    """Ask for a listing to go live: veto hooks, review hooks, then live / rejected / in review.

    Only active merchants may submit (``409 merchant_pending`` / ``merchant_restricted`` / ...).
    With no plugin, the listing goes live at once.
    """
    async with rt.unit_of_work():
        merchant = await _merchant_for(rt, merchant_id)
        policy.check_may_submit(merchant.status)
        row = await _load(rt, product_id, merchant_id=merchant_id, for_update=True)
        states.LISTING.transition(row["status"], states.ListingEvent.submit)
        await _review(rt, row, merchant, "submit", actor)
    return await _merchant_view(rt, product_id)


async def delist(rt: Runtime, merchant_id: str, product_id: str, reason: str | None, actor: Actor) -> MerchantProduct:
    """Take a live listing off sale (allowed in any merchant status); it may be resubmitted later."""
    async with rt.unit_of_work():
        merchant = await _merchant_for(rt, merchant_id)
        row = await _load(rt, product_id, merchant_id=merchant_id, for_update=True)
        reasons = [{"field": "status", "reason": reason, "outcome": "delist", "plugin": None}] if reason else []
        await _change_status(rt, row, "delist", merchant_status=merchant.status, reasons=reasons,
                             actor_id=actor.user_id, plugin=None)
    return await _merchant_view(rt, product_id)


async def _sku_code_free(rt: Runtime, product_id: str, code: str, but: str | None = None) -> None:
    row = await rt.db.fetchrow("SELECT id FROM catalogue_sku WHERE product_id = {} AND code = {}", product_id, code)
    if row is not None and row["id"] != but:
        raise Conflict("another SKU of this product has this code", code="duplicate_sku_code",
                       errors=[FieldProblem(field="code", reason="already used", value=code)])


async def add_sku(rt: Runtime, merchant_id: str, product_id: str, data: SkuCreate, actor: Actor) -> SkuOut:
    """Add a variant to a product (no re-review: variants and prices are not content)."""
    _check_currency(rt, data.price, "price.currency")
    async with rt.unit_of_work():
        merchant = await _merchant_for(rt, merchant_id)
        policy.check_may_edit(merchant.status)
        await _load(rt, product_id, merchant_id=merchant_id, for_update=True)
        await _sku_code_free(rt, product_id, data.code)
        count = await rt.db.fetchrow(
            "SELECT COUNT(*) AS n, MAX(position) AS last FROM catalogue_sku WHERE product_id = {}", product_id
        )
        assert count is not None
        if count["n"] >= 100:
            raise Conflict("a product has at most 100 SKUs", code="too_many_skus")
        (row,) = await _insert_skus(rt, product_id, merchant_id, [data], actor.user_id, first=(count["last"] or 0) + 1)
        await refresh_product_summary(rt, product_id)
        sku = await rt.db.fetchrow("SELECT * FROM catalogue_sku WHERE id = {}", row["id"])
    assert sku is not None
    return sku_out(sku)


async def patch_sku(
    rt: Runtime, merchant_id: str, product_id: str, sku_id: str, data: SkuPatch, actor: Actor
) -> SkuOut:
    """Change a variant's code, price, attributes or active flag; the product's price range follows."""
    if isinstance(data.price, PriceIn):
        _check_currency(rt, data.price, "price.currency")
    async with rt.unit_of_work():
        merchant = await _merchant_for(rt, merchant_id)
        policy.check_may_edit(merchant.status)
        await _load(rt, product_id, merchant_id=merchant_id, for_update=True)
        sku = await rt.db.fetchrow(
            "SELECT * FROM catalogue_sku WHERE id = {} AND product_id = {}", sku_id, product_id
        )
        if sku is None:
            raise NotFound("no such SKU", code="sku_not_found")
        sets: dict[str, Any] = {}
        if isinstance(data.code, str):
            await _sku_code_free(rt, product_id, data.code, but=sku_id)
            sets["code"] = data.code
        if isinstance(data.price, PriceIn):
            sets["price_minor"] = data.price.amount
        if isinstance(data.attributes, dict):
            sets["attributes"] = _dump(data.attributes)
        if isinstance(data.active, bool):
            sets["active"] = data.active
        if sets:
            sets["updated_at"] = rt.clock.now()
            assignments = ", ".join(f"{k} = {{}}" for k in sets)
            await rt.db.execute(f"UPDATE catalogue_sku SET {assignments} WHERE id = {{}}", *sets.values(), sku_id)
            await refresh_product_summary(rt, product_id)
            if "price_minor" in sets and sets["price_minor"] != sku["price_minor"]:
                await rt.emit(SkuPriceChanged(sku_id=sku_id, product_id=product_id, from_minor=int(sku["price_minor"]),
                                              to_minor=int(sets["price_minor"]),
                                              by=By(kind="merchant", id=actor.user_id)))
        sku = await rt.db.fetchrow("SELECT * FROM catalogue_sku WHERE id = {}", sku_id)
    assert sku is not None
    return sku_out(sku)


# --- facades for plugins and operators -------------------------------------------------


def _reasons(reasons: Sequence[str | ReviewFinding], plugin: str | None, outcome: str) -> list[dict[str, Any]]:
    out = []
    for r in reasons:
        if isinstance(r, ReviewFinding):
            out.append({"field": r.field, "reason": r.reason, "outcome": r.outcome, "plugin": plugin})
        else:
            out.append({"field": "listing", "reason": str(r), "outcome": outcome, "plugin": plugin})
    return out


async def _decide(
    rt: Runtime, product_id: str, event: str, reasons: list[dict[str, Any]], *, plugin: str | None, actor_id: str | None
) -> ListingSnapshot:
    check_id(product_id, "prd", "product_id")
    async with rt.unit_of_work():
        row = await _load(rt, product_id, for_update=True)
        merchant = await merchants.load(rt, row["merchant_id"])
        await _change_status(rt, row, event, merchant_status=merchant["status"], reasons=reasons,
                             actor_id=actor_id, plugin=plugin)
        return await listing_snapshot(rt, product_id)


async def approve_listing(rt: Runtime, product_id: str, *, plugin: str | None, actor_id: str | None) -> ListingSnapshot:
    """Approve a listing waiting in review: it goes live (visible if its merchant sells)."""
    return await _decide(rt, product_id, "approve", [], plugin=plugin, actor_id=actor_id)


async def reject_listing(
    rt: Runtime, product_id: str, reasons: Sequence[str | ReviewFinding], *, plugin: str | None, actor_id: str | None
) -> ListingSnapshot:
    """Reject a listing waiting in review, with every reason (strings or findings)."""
    if not reasons:
        raise ValidationFailed("a rejection needs at least one reason", code="reasons_required")
    return await _decide(rt, product_id, "reject", _reasons(reasons, plugin, "reject"), plugin=plugin, actor_id=actor_id)


async def take_down(
    rt: Runtime, product_id: str, reason: str | Sequence[str], *, plugin: str | None, actor_id: str | None
) -> ListingSnapshot:
    """Take a live listing off sale for one or more reasons (a sanction, a complaint); it becomes ``delisted``."""
    reasons = [reason] if isinstance(reason, str) else list(reason)
    if not reasons:
        raise ValidationFailed("a take-down needs at least one reason", code="reasons_required")
    return await _decide(rt, product_id, "take_down", _reasons(reasons, plugin, "take_down"), plugin=plugin,
                         actor_id=actor_id)


async def reinstate_listing(
    rt: Runtime, product_id: str, reason: str, *, plugin: str | None, actor_id: str | None
) -> ListingSnapshot:
    """Put a listing taken down back on sale (``delisted`` -> ``live``, no new review).

    For the plugin that took it down, when the cause is gone (a complaint withdrawn or
    reversed on appeal); visible again if its merchant sells. ``409 invalid_transition``
    unless the listing is ``delisted``.
    """
    return await _decide(rt, product_id, states.ListingEvent.reinstate, _reasons([reason], plugin, "reinstate"),
                         plugin=plugin, actor_id=actor_id)


async def list_for_operator(
    rt: Runtime, *, status: str | None, limit: int, cursor: str | None
) -> tuple[list[MerchantProductRow], str | None]:
    """Products of every merchant (e.g. the ``in_review`` queue), oldest first, keyset-paginated."""
    where, args = "TRUE", []
    if status:
        where, args = "status = {}", [status]
    if cursor:
        updated_at, last_id = cursors.decode(cursor, "operator_products", (datetime, str))
        where += " AND (updated_at > {} OR (updated_at = {} AND id > {}))"
        args += [updated_at, updated_at, last_id]
    rows = await rt.db.fetch(
        f"SELECT {_ROW_COLUMNS} FROM catalogue_product WHERE {where} ORDER BY updated_at, id LIMIT {{}}",
        *args, limit + 1,
    )
    page = rows[:limit]
    items = [_product_row(r, "operator") for r in page]
    nxt = cursors.encode("operator_products", page[-1]["updated_at"], page[-1]["id"]) if len(rows) > limit else None
    return items, nxt


async def operator_view(rt: Runtime, product_id: str) -> MerchantProduct:
    """Any product in full, for operators."""
    return await _merchant_view(rt, product_id, "operator")
