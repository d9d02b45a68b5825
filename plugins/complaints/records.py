"""Row helpers shared by the services: policy values in force, JSON columns, locked loads."""

from __future__ import annotations

from typing import Any

import msgspec

from bazaar.plugins.complaints import policy
from bazaar.plugins.complaints.errors import ComplaintNotFound
from bazaar.plugins.complaints.states import COMPLAINT
from bazaar.sdk.api import new_id
from bazaar.sdk.runtime import PluginRuntime

PLUGIN = "complaints"


def values(rt: PluginRuntime) -> dict[str, Any]:
    """The policy values in force now (preset plus overrides)."""
    return policy.effective(rt.plugin_config(PLUGIN))


def dump(value: Any) -> str:
    """A value as the JSON text a ``Text`` column keeps."""
    return msgspec.json.encode(value).decode()


def load(text: Any, default: Any = None) -> Any:
    """A JSON ``Text`` column back into builtins."""
    if text is None or text == "":
        return default
    return msgspec.json.decode(text) if isinstance(text, str | bytes) else text


def for_update(rt: PluginRuntime) -> str:
    """`` FOR UPDATE`` on PostgreSQL (SQLite serialises writers already)."""
    name = getattr(rt.db, "engine_name", None)
    if name is None:
        name = "sqlite" if getattr(rt.db, "is_sqlite", True) else "postgres"
    return " FOR UPDATE" if name == "postgres" else ""


async def complaint(rt: PluginRuntime, complaint_id: str, *, lock: bool = False) -> dict[str, Any]:
    """The complaint row (``404 complaints.not_found``)."""
    row = await rt.db.fetchrow(
        f"SELECT * FROM complaints_complaint WHERE id = {{}}{for_update(rt) if lock else ''}", complaint_id
    )
    if row is None:
        raise ComplaintNotFound("no such complaint")
    return row


async def set_complaint(rt: PluginRuntime, complaint_id: str, **sets: Any) -> None:
    """Update columns of a complaint (``updated_at`` is set too)."""
    sets["updated_at"] = rt.clock.now()
    assignments = ", ".join(f"{k} = {{}}" for k in sets)
    await rt.db.execute(f"UPDATE complaints_complaint SET {assignments} WHERE id = {{}}", *sets.values(), complaint_id)


async def move(rt: PluginRuntime, row: dict[str, Any], event: str, **sets: Any) -> str:
    """Fire ``event`` on the complaint machine (``409 invalid_transition`` when not allowed) and store it."""
    to = str(COMPLAINT.transition(row["state"], event))
    await set_complaint(rt, row["id"], state=to, **sets)
    row.update(state=to, **sets)
    return to


async def note(rt: PluginRuntime, complaint_id: str, role: str, author_id: str | None, kind: str, body: str,
               visibility: str = "all", evidence_ids: list[str] | None = None) -> str:
    """Add a message (``kind`` message, answer, report, plan, decision, ...) to a complaint."""
    message_id = new_id("cms")
    await rt.db.execute(
        "INSERT INTO complaints_message (id, complaint_id, author_role, author_id, kind, body, visibility, "
        "evidence_ids, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})",
        message_id, complaint_id, role, author_id, kind, body, visibility, dump(evidence_ids or []), rt.clock.now(),
    )
    return message_id
