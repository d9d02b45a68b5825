"""Evidence files in the shared file store under the use ``complaints.evidence`` (``rt.files``).

Uploads are checked against ``evidence.max_bytes`` / ``evidence.content_types`` (the store
sniffs the bytes) and kept ``retention_days``. A complaint, message, answer or report may
cite up to ``evidence.max_files`` files, each stored under this use by the citing person
(an operator may cite any complaint evidence).
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.complaints.errors import EvidenceInvalid
from bazaar.plugins.complaints.records import load, values
from bazaar.sdk.api import Actor
from bazaar.sdk.errors import FieldProblem, NotFound
from bazaar.sdk.files import FileRules, FileStore, StoredFile
from bazaar.sdk.runtime import PluginRuntime

USE = "complaints.evidence"


def rules(rt: PluginRuntime) -> FileRules:
    """The limits of the ``complaints.evidence`` use, from the policy in force."""
    vals = values(rt)
    return FileRules(max_bytes=int(vals["evidence.max_bytes"]), content_types=tuple(vals["evidence.content_types"]),
                     retention_days=int(vals["retention_days"]))


def store(rt: PluginRuntime) -> FileStore:
    """The kernel's shared file store."""
    return rt.files


async def upload(rt: PluginRuntime, data: bytes, filename: str, declared: str | None, actor: Actor) -> StoredFile:
    """Store one evidence file owned by the caller (``413``/``415`` from the store when refused)."""
    async with rt.unit_of_work():
        return await store(rt).put(USE, rules(rt), data, filename=filename, owner_id=actor.user_id,
                                   access="parties", declared_type=declared)


async def check(rt: PluginRuntime, ids: list[str], owner_id: str, actor: Actor, *, field: str) -> None:
    """Refuse (``422 complaints.evidence_invalid``) too many files, unknown ones, or someone else's."""
    if not ids:
        return
    limit = int(values(rt)["evidence.max_files"])
    problems: list[FieldProblem] = []
    if len(ids) > limit:
        problems.append(FieldProblem(field=field, reason=f"at most {limit} files"))
    if len(set(ids)) != len(ids):
        problems.append(FieldProblem(field=field, reason="a file is cited twice"))
    files = store(rt)
    for i, file_id in enumerate(ids):
        try:
            stored = await files.get(file_id)
        except NotFound:
            stored = None
        ok = stored is not None and stored.use == USE and (
            stored.owner_id in (owner_id, actor.user_id) or actor.is_operator)
        if not ok:
            problems.append(FieldProblem(field=f"{field}[{i}]", reason="no such evidence file of yours"))
    if problems:
        raise EvidenceInvalid("evidence refused", errors=problems)


async def cited(rt: PluginRuntime, complaint_id: str, visible: tuple[str, ...]) -> set[str]:
    """The evidence ids cited in a complaint where ``visible`` message visibilities apply."""
    row = await rt.db.fetchrow("SELECT evidence_ids FROM complaints_complaint WHERE id = {}", complaint_id)
    ids: set[str] = set(load(row["evidence_ids"], [])) if row else set()
    for m in await rt.db.fetch("SELECT evidence_ids, visibility FROM complaints_message WHERE complaint_id = {}",
                               complaint_id):
        if m["visibility"] in visible:
            ids.update(load(m["evidence_ids"], []))
    return ids


async def read(rt: PluginRuntime, complaint_id: str, file_id: str, visible: tuple[str, ...]) -> tuple[Any, bytes]:
    """A cited evidence file's record and bytes (``404`` when not cited where the caller may look)."""
    if file_id not in await cited(rt, complaint_id, visible):
        raise NotFound("no such evidence in this complaint", code="complaints.evidence_not_found")
    files = store(rt)
    return await files.get(file_id), await files.read(file_id)
