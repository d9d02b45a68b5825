"""The three-party record of a case: messages with visibility rules, and evidence files.

Visibility: ``all`` (the buyer, the merchant and the platform), ``customer`` / ``merchant`` (that
side and the platform: written as ``private`` by a party), ``platform`` (operators' own notes).
Evidence (photos, video, PDF) goes to the shared file store under the use ``aftersales.evidence``
within ``evidence.*`` (at most ``max_files`` per party per case, ``max_bytes`` each, types sniffed
from the bytes); every party of the case may read it. Files are kept on legal hold while the case
is open and for ``retention.aftersales_days`` from upload.
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.aftersales.cases import dump, for_actor, jsonish, rules
from bazaar.plugins.aftersales.schemas import EvidenceOut, MessageIn, MessageOut
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import BazaarError, Conflict, FieldProblem, NotFound, ValidationFailed
from bazaar.sdk.files import FileRules
from bazaar.sdk.runtime import PluginRuntime

USE = "aftersales.evidence"


def author_of(roles: set[str]) -> str:
    """The side a caller writes for (a party before the platform: staff answer for their side)."""
    for role in ("customer", "merchant", "operator"):
        if role in roles:
            return role
    raise AssertionError("no role")


def visible(roles: set[str]) -> set[str]:
    if "operator" in roles:
        return {"all", "customer", "merchant", "platform"}
    return {"all"} | {r for r in roles if r in ("customer", "merchant")}


async def post(rt: PluginRuntime, actor: Actor, case_id: str, data: MessageIn) -> MessageOut:
    async with rt.unit_of_work():
        row, roles = await for_actor(rt, case_id, actor)
        if row["state"] == "closed":
            raise Conflict("the case is closed; its thread is kept on record", code="aftersales.case_closed")
        author = author_of(roles)
        visibility = "all" if data.visibility == "all" else ("platform" if author == "operator" else author)
        known = {r["id"] for r in await rt.db.fetch("SELECT id FROM aftersales_evidence WHERE case_id = {}", row["id"])}
        bad = [e for e in data.evidence_ids if e not in known]
        if bad:
            raise ValidationFailed("attach evidence of this case only", code="aftersales.unknown_evidence",
                                   errors=[FieldProblem(field="evidence_ids", reason="not evidence of this case",
                                                        value=bad)])
        message_id, now = new_id("asm"), rt.clock.now()
        await rt.db.execute(
            "INSERT INTO aftersales_message (id, case_id, author, author_id, visibility, body, evidence_ids, at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            message_id, row["id"], author, actor.user_id, visibility, data.body, dump(list(data.evidence_ids)), now,
        )
        return MessageOut(id=message_id, author=author, visibility=visibility, body=data.body,
                          evidence_ids=list(data.evidence_ids), at=now)


async def messages(rt: PluginRuntime, actor: Actor, case_id: str) -> list[MessageOut]:
    """The thread as the caller may read it, oldest first."""
    row, roles = await for_actor(rt, case_id, actor)
    seen = visible(roles)
    rows = await rt.db.fetch("SELECT * FROM aftersales_message WHERE case_id = {} ORDER BY at, id", row["id"])
    return [MessageOut(id=m["id"], author=m["author"], visibility=m["visibility"], body=m["body"],
                       evidence_ids=jsonish(m["evidence_ids"], []), at=m["at"]) for m in rows if m["visibility"] in seen]


def _out(e: dict[str, Any]) -> EvidenceOut:
    return EvidenceOut(id=e["id"], party=e["party"], filename=e["filename"], content_type=e["content_type"],
                       size=int(e["size"]), sha256=e["sha256"], at=e["at"])


async def upload(rt: PluginRuntime, actor: Actor, case_id: str, *, data: bytes, filename: str,
                 content_type: str | None) -> EvidenceOut:
    """Store one evidence file for the caller's side of the case (``evidence.*`` limits)."""
    async with rt.unit_of_work():
        row, roles = await for_actor(rt, case_id, actor, for_update=True)
        if row["state"] == "closed":
            raise Conflict("the case is closed", code="aftersales.case_closed")
        r = rules(rt)
        side = author_of(roles)
        count = await rt.db.fetchrow("SELECT COUNT(*) AS n FROM aftersales_evidence WHERE case_id = {} AND party = {}",
                                     row["id"], side)
        if count is not None and int(count["n"]) >= r["evidence.max_files"]:
            raise Conflict(f"at most {r['evidence.max_files']} files per party per case",
                           code="aftersales.evidence_limit_exceeded", extra={"max_files": r["evidence.max_files"]})
        limits = FileRules(max_bytes=r["evidence.max_bytes"], content_types=tuple(r["evidence.types"]),
                           retention_days=r["retention.aftersales_days"])
        try:
            stored = await rt.files.put(USE, limits, data, filename=filename, owner_id=actor.user_id,
                                        subject=f"aftersales_case:{row['id']}", access="parties",
                                        declared_type=content_type)
        except BazaarError as exc:
            if exc.code.startswith("aftersales."):
                raise
            raise type(exc)(exc.detail, code=f"aftersales.{exc.code}", errors=exc.errors, extra=exc.extra) from None
        await rt.files.set_legal_hold(stored.id, True)
        evidence_id, now = new_id("ase"), rt.clock.now()
        await rt.db.execute(
            "INSERT INTO aftersales_evidence (id, case_id, file_id, party, uploaded_by, filename, content_type, size, "
            "sha256, at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            evidence_id, row["id"], stored.id, side, actor.user_id, stored.filename, stored.content_type, stored.size,
            stored.sha256, now,
        )
        e = await rt.db.fetchrow("SELECT * FROM aftersales_evidence WHERE id = {}", evidence_id)
        return _out(e or {})


async def evidence(rt: PluginRuntime, actor: Actor, case_id: str) -> list[EvidenceOut]:
    row, _ = await for_actor(rt, case_id, actor)
    return [_out(e) for e in await rt.db.fetch("SELECT * FROM aftersales_evidence WHERE case_id = {} ORDER BY at, id",
                                               row["id"])]


async def download(rt: PluginRuntime, actor: Actor, case_id: str, evidence_id: str) -> tuple[bytes, str, str]:
    """``(bytes, content type, file name)`` of one evidence file, for a party of the case."""
    row, _ = await for_actor(rt, case_id, actor)
    e = await rt.db.fetchrow("SELECT * FROM aftersales_evidence WHERE id = {} AND case_id = {}", evidence_id, row["id"])
    if e is None:
        raise NotFound("no such evidence", code="aftersales.evidence_not_found")
    return await rt.files.read(e["file_id"]), e["content_type"], e["filename"]
