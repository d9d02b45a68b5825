"""Merchant rules: apply, view, edit, status transitions (through hooks), staff invitations.

``transition`` is also the facade plugins call (the qualification plugin activates and
restricts merchants through it, naming itself).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, cast

import msgspec

from bazaar.core.auth.actor import Actor
from bazaar.core.kernel.ids import new_id
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.merchants import states
from bazaar.core.merchants.schemas import (
    InvitationCreate,
    InvitationOut,
    MerchantApply,
    MerchantOut,
    MerchantPatch,
    StaffOut,
    StatusChangeOut,
)
from bazaar.core.users.policy import normalise_email
from bazaar.core.users.service import cipher
from bazaar.sdk.errors import Conflict, NotFound, PermissionDenied
from bazaar.sdk.events import (
    SYSTEM,
    By,
    MerchantApplied,
    MerchantEventName,
    MerchantStaffInvited,
    MerchantStatusChanged,
    MerchantStatusName,
)
from bazaar.sdk.privacy import mask_phone, sees_in_full
from bazaar.sdk.types import MerchantSnapshot

INVITATION_TTL = timedelta(days=7)


def snapshot(row: dict[str, Any]) -> MerchantSnapshot:
    return MerchantSnapshot(
        id=row["id"], name=row["name"], status=row["status"], owner_id=row["owner_id"], created_at=row["created_at"]
    )


async def load(rt: Runtime, merchant_id: str, *, for_update: bool = False) -> dict[str, Any]:
    lock = " FOR UPDATE" if for_update and not rt.db.is_sqlite else ""
    row = await rt.db.fetchrow(f"SELECT * FROM core_merchant WHERE id = {{}}{lock}", merchant_id)
    if row is None:
        raise NotFound("no such merchant", code="merchant_not_found")
    return row


def _roles(merchant_id: str, reader: Actor) -> tuple[str, ...]:
    """The reader's roles towards this merchant: its staff are ``merchant``, operators ``operator``."""
    return (*(("merchant",) if merchant_id in reader.merchants else ()), *(("operator",) if reader.is_operator else ()))


def _out(rt: Runtime, row: dict[str, Any], reader: Actor) -> MerchantOut:
    staff = reader.is_operator or row["id"] in reader.merchants
    phone = cipher(rt).decrypt(row["contact_phone"]) if staff else None
    if phone and not sees_in_full(reader, merchant_id=row["id"], merchant_roles=("owner",), merchant_needs=True):
        phone = mask_phone(phone)
    return MerchantOut(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        status=row["status"],
        allowed_actions=states.MERCHANT.allowed_actions(row["status"], _roles(row["id"], reader)),
        created_at=row["created_at"],
        owner_id=row["owner_id"] if staff else None,
        contact_phone=phone,
    )


async def apply(rt: Runtime, actor: Actor, data: MerchantApply) -> MerchantOut:
    """A user applies to open a store and becomes its owner; the store starts ``pending``."""
    merchant_id = new_id("mch")
    now = rt.clock.now()
    async with rt.unit_of_work():
        await rt.db.execute(
            "INSERT INTO core_merchant (id, name, description, status, owner_id, contact_phone, created_at, "
            "updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            merchant_id,
            data.name.strip(),
            data.description,
            states.MERCHANT.initial,
            actor.user_id,
            cipher(rt).encrypt(data.contact_phone),
            now,
            now,
        )
        await _add_staff(rt, merchant_id, actor.user_id or "", "owner")
        await rt.emit(MerchantApplied(merchant_id=merchant_id, owner_id=actor.user_id or ""))
        row = await load(rt, merchant_id)
    owner = Actor(kind="user", user_id=actor.user_id, merchants={**actor.merchants, merchant_id: "owner"})
    return _out(rt, row, owner)


async def _add_staff(rt: Runtime, merchant_id: str, user_id: str, role: str) -> None:
    key = f"{merchant_id}:{user_id}"
    if await rt.db.fetchrow("SELECT id FROM core_merchant_staff WHERE key = {}", key):
        raise Conflict("already staff of this merchant", code="already_staff")
    await rt.db.execute(
        "INSERT INTO core_merchant_staff (id, key, merchant_id, user_id, role, created_at) VALUES ({}, {}, {}, {}, {}, {})",
        new_id("stf"),
        key,
        merchant_id,
        user_id,
        role,
        rt.clock.now(),
    )


async def badges(rt: Runtime, merchant_ids: list[str]) -> dict[str, list[str]]:
    """Badges plugins show with these merchants (``bazaar_collect_merchant_badges``): per id, the sorted union."""
    if not merchant_ids:
        return {}
    combined: dict[str, set[str]] = {}
    for _plugin, answer in await rt.plugins.collect(
        "bazaar_collect_merchant_badges", ctx=rt.context(), merchant_ids=sorted(set(merchant_ids))
    ):
        for merchant_id, marks in answer.items():
            combined.setdefault(merchant_id, set()).update(marks)
    return {merchant_id: sorted(marks) for merchant_id, marks in combined.items()}


async def get(rt: Runtime, merchant_id: str, reader: Actor) -> MerchantOut:
    """A merchant as ``reader`` may see it, with plugins' badges; others' hidden stores are 404."""
    row = await load(rt, merchant_id)
    staff = reader.is_operator or merchant_id in reader.merchants
    if not staff and row["status"] not in states.SELLING:
        raise NotFound("no such merchant", code="merchant_not_found")
    out = _out(rt, row, reader)
    marks = (await badges(rt, [merchant_id])).get(merchant_id, [])
    return msgspec.structs.replace(out, badges=marks) if marks else out


async def patch(rt: Runtime, merchant_id: str, data: MerchantPatch, actor: Actor) -> MerchantOut:
    async with rt.unit_of_work():
        row = await load(rt, merchant_id, for_update=True)
        if row["status"] == states.MerchantStatus.closed:
            raise Conflict("a closed merchant cannot be changed", code="merchant_closed")
        changes: dict[str, Any] = {}
        if isinstance(data.name, str):
            changes["name"] = data.name.strip()
        if isinstance(data.description, str):
            changes["description"] = data.description
        if data.contact_phone is None or isinstance(data.contact_phone, str):
            changes["contact_phone"] = cipher(rt).encrypt(data.contact_phone)
        if changes:
            changes["updated_at"] = rt.clock.now()
            sets = ", ".join(f"{k} = {{}}" for k in changes)
            await rt.db.execute(f"UPDATE core_merchant SET {sets} WHERE id = {{}}", *changes.values(), merchant_id)
        row = await load(rt, merchant_id)
    return _out(rt, row, actor)


def decider(rt: Runtime, merchant: MerchantSnapshot) -> str | None:
    """The plugin that claims activation decisions, if any."""
    answer = rt.plugins.select("bazaar_select_merchant_decider", merchant=merchant)
    return answer[1] if answer else None


async def transition(
    rt: Runtime,
    merchant_id: str,
    to: str,
    *,
    reason: str | None,
    actor_id: str | None = None,
    plugin: str | None = None,
) -> MerchantSnapshot:
    """Move a merchant to status ``to``: the transition table, then plugin objections, then the change.

    ``to`` names the status wanted; the table's event that leads there is applied
    (``409 invalid_transition`` naming the ``allowed`` statuses when none does).
    Activation of a ``pending`` merchant by hand (no ``plugin``) is refused when a plugin
    claims that decision. Emits ``merchant.status_changed``; products follow the new status.
    """
    async with rt.unit_of_work():
        row = await load(rt, merchant_id, for_update=True)
        current = snapshot(row)
        event = states.MERCHANT.event_for(row["status"], to)
        target = states.MERCHANT.transition(row["status"], event)
        if event == states.MerchantEvent.activate and plugin is None:
            owner = decider(rt, current)
            if owner is not None:
                raise Conflict(
                    f"activation of this merchant is decided by the {owner!r} plugin",
                    code="decided_by_plugin",
                    extra={"plugin": owner},
                )
        await rt.plugins.objections(
            "bazaar_merchant_transition_objections",
            ctx=rt.context(actor_id=actor_id),
            merchant=current,
            to_status=str(target),
            reason=reason,
        )
        now = rt.clock.now()
        await rt.db.execute(
            "UPDATE core_merchant SET status = {}, updated_at = {} WHERE id = {}", str(target), now, merchant_id
        )
        await rt.db.execute(
            "INSERT INTO core_merchant_status_change (id, merchant_id, from_status, to_status, actor_id, plugin, "
            "reason, at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            new_id("msc"),
            merchant_id,
            current.status,
            str(target),
            actor_id,
            plugin,
            reason,
            now,
        )
        by = By(kind="plugin", id=actor_id, plugin=plugin) if plugin else (
            By(kind="operator", id=actor_id) if actor_id else SYSTEM)
        # the catalogue listens (core.catalogue): it shows or hides the store's listings in this transaction
        await rt.emit(MerchantStatusChanged(merchant_id=merchant_id, from_status=current.status,
                                            to_status=cast(MerchantStatusName, str(target)), reason=reason, by=by,
                                            event=cast(MerchantEventName, str(event))))
        return snapshot(await load(rt, merchant_id))


async def history(rt: Runtime, merchant_id: str) -> list[StatusChangeOut]:
    rows = await rt.db.fetch(
        "SELECT * FROM core_merchant_status_change WHERE merchant_id = {} ORDER BY at, id", merchant_id
    )
    return [
        StatusChangeOut(from_status=r["from_status"], to_status=r["to_status"], actor_id=r["actor_id"],
                        plugin=r["plugin"], reason=r["reason"], at=r["at"])
        for r in rows
    ]


async def list_for_operator(
    rt: Runtime, reader: Actor, *, status: str | None, limit: int, after: str | None
) -> tuple[list[MerchantOut], str | None]:
    where, args = "id > {}", [after or ""]
    if status:
        where += " AND status = {}"
        args.append(status)
    rows = await rt.db.fetch(f"SELECT * FROM core_merchant WHERE {where} ORDER BY id LIMIT {{}}", *args, limit + 1)
    items = [_out(rt, r, reader) for r in rows[:limit]]
    return items, (rows[limit - 1]["id"] if len(rows) > limit else None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def invite(rt: Runtime, merchant_id: str, data: InvitationCreate, actor: Actor) -> InvitationOut:
    """Invite an email to the staff; the token is returned once (and sent by event to notifiers)."""
    token = secrets.token_urlsafe(24)
    invitation_id = new_id("inv")
    now = rt.clock.now()
    email = normalise_email(data.email)
    async with rt.unit_of_work():
        row = await load(rt, merchant_id)
        if row["status"] == states.MerchantStatus.closed:
            raise Conflict("a closed merchant cannot invite staff", code="merchant_closed")
        await rt.db.execute(
            "INSERT INTO core_merchant_invitation (id, merchant_id, email, role, token_hash, invited_by, created_at, "
            "expires_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            invitation_id,
            merchant_id,
            email,
            data.role,
            _digest(token),
            actor.user_id,
            now,
            now + INVITATION_TTL,
        )
        await rt.emit(MerchantStaffInvited(merchant_id=merchant_id, invitation_id=invitation_id, email=email))
    return InvitationOut(id=invitation_id, merchant_id=merchant_id, email=email, role=data.role,
                         expires_at=now + INVITATION_TTL, token=token)


async def accept_invitation(rt: Runtime, token: str, actor: Actor) -> InvitationOut:
    """The invited user (same email) joins the staff."""
    async with rt.unit_of_work():
        row = await rt.db.fetchrow("SELECT * FROM core_merchant_invitation WHERE token_hash = {}", _digest(token))
        if row is None:
            raise NotFound("no such invitation", code="invitation_not_found")
        if row["accepted_at"] is not None:
            raise Conflict("this invitation was already accepted", code="invitation_used")
        if row["expires_at"] <= rt.clock.now():
            raise Conflict("this invitation has expired", code="invitation_expired")
        if row["email"] != actor.email:
            raise PermissionDenied("this invitation is for another email address", code="invitation_not_yours")
        await _add_staff(rt, row["merchant_id"], actor.user_id or "", row["role"])
        await rt.db.execute(
            "UPDATE core_merchant_invitation SET accepted_at = {}, accepted_by = {} WHERE id = {}",
            rt.clock.now(),
            actor.user_id,
            row["id"],
        )
    return InvitationOut(id=row["id"], merchant_id=row["merchant_id"], email=row["email"], role=row["role"],
                         expires_at=row["expires_at"], accepted_at=rt.clock.now())


async def staff(rt: Runtime, merchant_id: str) -> list[StaffOut]:
    await load(rt, merchant_id)
    rows = await rt.db.fetch(
        "SELECT s.user_id, s.role, s.created_at, u.email, u.name FROM core_merchant_staff s "
        "JOIN core_user u ON u.id = s.user_id WHERE s.merchant_id = {} ORDER BY s.created_at, s.id",
        merchant_id,
    )
    return [StaffOut(user_id=r["user_id"], email=r["email"], name=r["name"], role=r["role"], since=r["created_at"]) for r in rows]


async def remove_staff(rt: Runtime, merchant_id: str, user_id: str) -> None:
    async with rt.unit_of_work():
        row = await rt.db.fetchrow(
            "SELECT role FROM core_merchant_staff WHERE key = {}", f"{merchant_id}:{user_id}"
        )
        if row is None:
            raise NotFound("not staff of this merchant", code="staff_not_found")
        if row["role"] == "owner":
            raise Conflict("the owner cannot be removed", code="owner_not_removable")
        await rt.db.execute("DELETE FROM core_merchant_staff WHERE key = {}", f"{merchant_id}:{user_id}")
