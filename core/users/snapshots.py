"""People as plugins see them: ``UserSnapshot`` (no contact data) and, asked for explicitly, ``UserContact``.

Behind ``bazaar.sdk.services.user_snapshot`` and ``user_contact``.
"""

from __future__ import annotations

import logging

from bazaar.core.kernel.runtime import Runtime
from bazaar.core.users.service import cipher
from bazaar.sdk.errors import NotFound
from bazaar.sdk.types import UserContact, UserSnapshot

log = logging.getLogger("bazaar.privacy")


async def user_snapshot(rt: Runtime, user_id: str) -> UserSnapshot:
    """A person's id, name, status and roles (``404 user_not_found``)."""
    row = await rt.db.fetchrow(
        "SELECT id, name, status, is_operator, created_at FROM core_user WHERE id = {}", user_id
    )
    if row is None:
        raise NotFound("no such user", code="user_not_found")
    staff = await rt.db.fetchrow("SELECT id FROM core_merchant_staff WHERE user_id = {} LIMIT 1", user_id)
    roles = ("customer",) + (("merchant",) if staff else ()) + (("operator",) if row["is_operator"] else ())
    return UserSnapshot(id=row["id"], name=row["name"], status=row["status"], roles=roles,
                        created_at=row["created_at"])


async def user_contact(rt: Runtime, user_id: str, *, purpose: str, plugin: str) -> UserContact:
    """A person's email and phone, decrypted, for ``purpose``; every call is logged (personal data)."""
    row = await rt.db.fetchrow("SELECT id, name, email, phone FROM core_user WHERE id = {}", user_id)
    if row is None:
        raise NotFound("no such user", code="user_not_found")
    log.info("personal data of %s read by %s: %s", user_id, plugin, purpose,
             extra={"user_id": user_id, "plugin": plugin, "purpose": purpose})
    return UserContact(id=row["id"], name=row["name"], email=row["email"], phone=cipher(rt).decrypt(row["phone"]))
