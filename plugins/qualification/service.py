"""KYB rules: dossiers and their review, documents, category licences, verification state.

The only module (with ``credit``, ``sanctions`` and ``listing_review``) that writes; every
change runs in one unit of work, so a refusal leaves the database as it was. Merchants
move through the facade ``bazaar.sdk.services.transition_merchant``, naming the plugin
(:data:`BY`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

import msgspec

from bazaar.plugins.qualification import policy
from bazaar.plugins.qualification.errors import (
    DocumentInvalid,
    DocumentNotFound,
    DossierIncomplete,
    DossierNotFound,
    DossierPending,
    LicenceInvalid,
    LicenceNotFound,
    MerchantClosed,
    MerchantNotFound,
    UnknownDefectField,
)
from bazaar.plugins.qualification.events import (
    DossierApproved,
    DossierDefect,
    DossierRejected,
    DossierSubmitted,
    Lapsed,
    LicenceApproved,
    LicenceRejected,
    ReverificationOpened,
)
from bazaar.plugins.qualification.schemas import (
    DefectOut,
    DocumentOut,
    DossierOut,
    DossierReject,
    DossierSubmit,
    LicenceOut,
    LicenceSubmit,
    QualificationOut,
    QueueItem,
    SanctionOut,
)
from bazaar.plugins.qualification.states import (
    DOSSIER,
    LICENCE,
    SANCTION,
    VERIFICATION,
    DossierEvent,
    DossierStatus,
    LicenceEvent,
    LicenceStatus,
    SanctionStatus,
    Verification,
    VerificationEvent,
)
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import FieldProblem, NotFound
from bazaar.sdk.events import By
from bazaar.sdk.privacy import sees_in_full
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.services import cipher, merchant_snapshot, transition_merchant
from bazaar.sdk.states import Deadline, deadlines
from bazaar.sdk.types import MerchantSnapshot

PLUGIN = "qualification"
#: who acts when this plugin moves a merchant or a listing
BY = By(kind="plugin", plugin=PLUGIN)
DOCUMENT_KINDS = ("business_licence", "id_document", "category_licence", "other")

REVERIFY = "qualification.reverify"
REVERIFY_DEADLINE = "qualification.reverify_deadline"
ESCALATE = "qualification.escalate"
LICENCE_WARNING = "qualification.licence_warning"
LICENCE_EXPIRY = "qualification.licence_expiry"


# --- small helpers ----------------------------------------------------------------------------


#: the policy values in force, per runtime
_VALUES: WeakKeyDictionary[PluginRuntime, dict[str, Any]] = WeakKeyDictionary()


def values(rt: PluginRuntime) -> dict[str, Any]:
    """The policy values in force (resolved once per runtime)."""
    found = _VALUES.get(rt)
    if found is None:
        found = _VALUES[rt] = policy.effective(rt.plugin_config(PLUGIN))
    return found


def preset(rt: PluginRuntime) -> str:
    return rt.plugin_config(PLUGIN).preset


def decode(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def encode(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def today(rt: PluginRuntime) -> date:
    return rt.calendar.local_date(rt.clock.now())


def roles_of(actor: Actor) -> tuple[str, ...]:
    """The role a caller acts in here: ``operator`` for operators, else ``merchant`` (staff)."""
    return ("operator",) if actor.is_operator else ("merchant",)


async def load_merchant(rt: PluginRuntime, merchant_id: str, *, for_update: bool = False) -> MerchantSnapshot:
    """The store, or ``404 qualification.merchant_not_found``."""
    try:
        return await merchant_snapshot(rt, merchant_id, for_update=for_update)
    except NotFound:
        raise MerchantNotFound("no such merchant") from None


async def qual_row(rt: PluginRuntime, merchant_id: str) -> dict[str, Any]:
    """The merchant's qualification row, created on first use."""
    row = await rt.db.fetchrow("SELECT * FROM qualification_merchant WHERE merchant_id = {}", merchant_id)
    if row is None:
        await rt.db.execute(
            "INSERT INTO qualification_merchant (merchant_id, verification, entity, unregistered, grade, updated_at) "
            "VALUES ({}, {}, 'business', {}, 'N', {}) ON CONFLICT (merchant_id) DO NOTHING",
            merchant_id,
            VERIFICATION.initial,
            False,
            rt.clock.now(),
        )
        row = await rt.db.fetchrow("SELECT * FROM qualification_merchant WHERE merchant_id = {}", merchant_id)
    assert row is not None
    return row


async def update_qual(rt: PluginRuntime, merchant_id: str, **changes: Any) -> None:
    changes["updated_at"] = rt.clock.now()
    sets = ", ".join(f"{k} = {{}}" for k in changes)
    await rt.db.execute(
        f"UPDATE qualification_merchant SET {sets} WHERE merchant_id = {{}}", *changes.values(), merchant_id
    )


async def set_verification(rt: PluginRuntime, merchant_id: str, event: VerificationEvent, **changes: Any) -> None:
    """Apply ``event`` to the merchant's verification (``409 invalid_transition`` when refused)."""
    row = await qual_row(rt, merchant_id)
    to = VERIFICATION.transition(row["verification"], event)
    await update_qual(rt, merchant_id, verification=str(to), **changes)


# --- the merchant's status follows this plugin's state ----------------------------------------


async def desired_status(rt: PluginRuntime, merchant_id: str) -> str:
    """What this plugin requires of an approved merchant: ``active``, ``restricted`` or ``suspended``."""
    kinds = {
        r["kind"]
        for r in await rt.db.fetch(
            "SELECT kind FROM qualification_sanction WHERE merchant_id = {} AND status = {}",
            merchant_id,
            SanctionStatus.active,
        )
    }
    qual = await qual_row(rt, merchant_id)
    lapsed = qual["verification"] == Verification.lapsed
    if "suspension" in kinds or (lapsed and qual["lapse_level"] == "suspended"):
        return "suspended"
    if "restriction" in kinds or lapsed:
        return "restricted"
    return "active"


async def reconcile(rt: PluginRuntime, merchant_id: str, reason: str) -> str:
    """Move a selling (or suspended) merchant to the status this plugin's state requires."""
    merchant = await load_merchant(rt, merchant_id)
    if merchant.status not in ("active", "restricted", "suspended"):
        return merchant.status
    target = await desired_status(rt, merchant_id)
    if target != merchant.status:
        await transition_merchant(rt, merchant_id, target, reason=reason, by=BY)
    return target


async def lapse(rt: PluginRuntime, merchant_id: str, reason: str) -> None:
    """Licence expired or re-verification unanswered: restrict now, suspend after the grace period."""
    p = values(rt)
    now = rt.clock.now()
    await set_verification(rt, merchant_id, VerificationEvent.lapse, lapsed_reason=reason, lapsed_at=now,
                           lapse_level="restricted")
    await rt.emit(Lapsed(merchant_id=merchant_id, reason=reason))
    await reconcile(rt, merchant_id, reason)
    if p["suspend_on_unremedied"]:
        await rt.timers.schedule(ESCALATE, merchant_id, rt.calendar.add_days(now, p["reverify_grace_days"]),
                                 {"lapsed_at": now.isoformat()})


# --- dossiers ---------------------------------------------------------------------------------


def _defects(items: Any) -> list[DefectOut]:
    return [DefectOut(field=d["field"], reason=d["reason"]) for d in decode(items) or []]


def dossier_out(rt: PluginRuntime, row: dict[str, Any], reader: Actor) -> DossierOut:
    """A dossier as ``reader`` may see it; ``review_by`` is the review target while it waits."""
    fields = decode(cipher(rt).decrypt(row["fields"]))
    # the store's owner reads its own dossier; operators only with the pii right (sdk.privacy's one rule)
    if not sees_in_full(reader, merchant_id=row["merchant_id"], merchant_roles=("owner",), merchant_needs=True):
        fields = {k: policy.mask(k, v) if k in policy.SENSITIVE else v for k, v in fields.items()}
    return DossierOut(
        id=row["id"], merchant_id=row["merchant_id"], version=row["version"], purpose=row["purpose"],
        entity=row["entity"], exempt=bool(row["exempt"]), status=row["status"],
        allowed_actions=DOSSIER.allowed_actions(row["status"], roles_of(reader)),
        deadlines=deadlines(review_by=rt.calendar.add_working_days(row["submitted_at"], values(rt)["review_working_days"])
                            if row["status"] == DossierStatus.submitted else None),
        fields=fields,
        defects=_defects(row["defects"]), submitted_at=row["submitted_at"], decided_at=row["decided_at"],
        note=row["note"],
    )


async def _document_defects(rt: PluginRuntime, merchant_id: str, fields: dict[str, Any], needed: list[str]) -> list[policy.Defect]:
    defects = []
    for name, kind in policy.DOCUMENT_FIELDS.items():
        doc_id = fields.get(name)
        if name not in needed and doc_id is None:
            continue
        if not isinstance(doc_id, str):
            continue  # reported by the field check
        doc = await rt.db.fetchrow("SELECT merchant_id, kind FROM qualification_document WHERE id = {}", doc_id)
        if doc is None or doc["merchant_id"] != merchant_id:
            defects.append(policy.Defect(field=f"fields.{name}", reason="no such document of this merchant"))
        elif doc["kind"] != kind:
            defects.append(policy.Defect(field=f"fields.{name}", reason=f"must be a {kind} document"))
    return defects


async def submit_dossier(rt: PluginRuntime, merchant_id: str, data: DossierSubmit, actor: Actor) -> DossierOut:
    """Check a dossier against the preset (every defect at once) and queue it for review."""
    p = values(rt)
    now = rt.clock.now()
    async with rt.unit_of_work():
        merchant = await load_merchant(rt, merchant_id, for_update=True)
        if merchant.status == "closed":
            raise MerchantClosed("a closed merchant cannot submit a dossier")
        waiting = await rt.db.fetchrow(
            "SELECT id FROM qualification_dossier WHERE merchant_id = {} AND status = {}",
            merchant_id,
            DossierStatus.submitted,
        )
        if waiting:
            raise DossierPending("a dossier is already waiting for review", extra={"dossier_id": waiting["id"]})
        fields = dict(data.fields)
        if isinstance(fields.get("uscc"), str):
            fields["uscc"] = fields["uscc"].strip().upper()
        cap = p["unregistered_individual_turnover_cap"]
        defects = policy.check_dossier(
            fields, required=p["required_fields"], entity=data.entity, exempt=data.exempt, preset=preset(rt),
            today=today(rt), cap=cap,
        )
        needed = policy.required_for(p["required_fields"], data.entity, data.exempt)
        defects += await _document_defects(rt, merchant_id, fields, needed)
        if defects:
            if not p["reject_lists_all_defects"]:
                defects = defects[:1]
            raise DossierIncomplete(
                f"the dossier has {len(defects)} defect(s)",
                errors=[FieldProblem(field=d.field, reason=d.reason) for d in defects],
            )
        qual = await qual_row(rt, merchant_id)
        purpose = {"unverified": "onboarding", "verified": "update"}.get(qual["verification"], "reverification")
        last = await rt.db.fetchrow(
            "SELECT MAX(version) AS v FROM qualification_dossier WHERE merchant_id = {}", merchant_id
        )
        dossier_id = new_id("dos")
        await rt.db.execute(
            "INSERT INTO qualification_dossier (id, merchant_id, version, purpose, entity, exempt, status, fields, "
            "uscc, licence_expires_on, defects, submitted_by, submitted_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, '[]', {}, {})",
            dossier_id, merchant_id, int((last or {}).get("v") or 0) + 1, purpose, data.entity, data.exempt,
            DOSSIER.initial,
            cipher(rt).encrypt(encode(fields)), fields.get("uscc") if data.entity == "business" else None,
            fields.get("licence_expires_on") if data.entity == "business" else None, actor.user_id, now,
        )
        await rt.emit(DossierSubmitted(merchant_id=merchant_id, dossier_id=dossier_id, purpose=purpose))
        row = await load_dossier(rt, dossier_id)
    return dossier_out(rt, row, actor)


async def load_dossier(rt: PluginRuntime, dossier_id: str, *, merchant_id: str | None = None) -> dict[str, Any]:
    row = await rt.db.fetchrow("SELECT * FROM qualification_dossier WHERE id = {}", dossier_id)
    if row is None or (merchant_id is not None and row["merchant_id"] != merchant_id):
        raise DossierNotFound("no such dossier")
    return row


async def dossiers(rt: PluginRuntime, merchant_id: str, actor: Actor) -> list[DossierOut]:
    """Every version, newest first."""
    await load_merchant(rt, merchant_id)
    rows = await rt.db.fetch(
        "SELECT * FROM qualification_dossier WHERE merchant_id = {} ORDER BY version DESC", merchant_id
    )
    return [dossier_out(rt, r, actor) for r in rows]


async def dossier(rt: PluginRuntime, merchant_id: str, dossier_id: str, actor: Actor) -> DossierOut:
    return dossier_out(rt, await load_dossier(rt, dossier_id, merchant_id=merchant_id), actor)


def _cursor(at: datetime, row_id: str) -> str:
    return f"{at.isoformat()}|{row_id}"


def _after(cursor: str | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    try:
        at, _, row_id = cursor.partition("|")
        return datetime.fromisoformat(at), row_id
    except ValueError:
        from bazaar.sdk.errors import ValidationFailed

        raise ValidationFailed("cursor is not valid", code="invalid_cursor",
                               errors=[FieldProblem(field="cursor", reason="use next_cursor")]) from None


async def review_queue(rt: PluginRuntime, *, limit: int, cursor: str | None) -> tuple[list[QueueItem], str | None]:
    """Dossiers waiting for review, oldest first, with age in working days against the target."""
    target = values(rt)["review_working_days"]
    after = _after(cursor)
    where = "status = {}"
    args: list[Any] = [DossierStatus.submitted]
    if after:
        where += " AND (submitted_at > {} OR (submitted_at = {} AND id > {}))"
        args += [after[0], after[0], after[1]]
    rows = await rt.db.fetch(
        f"SELECT * FROM qualification_dossier WHERE {where} ORDER BY submitted_at, id LIMIT {{}}", *args, limit + 1
    )
    now = rt.clock.now()
    items = []
    for r in rows[:limit]:
        due = rt.calendar.add_working_days(r["submitted_at"], target)
        items.append(QueueItem(
            dossier_id=r["id"], merchant_id=r["merchant_id"], version=r["version"], purpose=r["purpose"],
            entity=r["entity"], submitted_at=r["submitted_at"],
            age_working_days=rt.calendar.working_days_between(r["submitted_at"], now),
            target_working_days=target, due_at=due, overdue=now > due,
        ))
    nxt = _cursor(rows[limit - 1]["submitted_at"], rows[limit - 1]["id"]) if len(rows) > limit else None
    return items, nxt


async def _decide(rt: PluginRuntime, dossier_id: str, event: DossierEvent) -> dict[str, Any]:
    row = await load_dossier(rt, dossier_id)
    DOSSIER.transition(row["status"], event)
    return row


async def approve_dossier(rt: PluginRuntime, dossier_id: str, note: str | None, actor: Actor) -> DossierOut:
    """Approve: the dossier is in force, the merchant is verified and becomes (or again is) active."""
    p = values(rt)
    now = rt.clock.now()
    async with rt.unit_of_work():
        row = await _decide(rt, dossier_id, DossierEvent.approve)
        mid = row["merchant_id"]
        merchant = await load_merchant(rt, mid, for_update=True)
        if merchant.status == "closed":
            raise MerchantClosed("the merchant is closed")
        await rt.db.execute(
            "UPDATE qualification_dossier SET status = {} WHERE merchant_id = {} AND status = {}",
            DOSSIER.transition(DossierStatus.approved, DossierEvent.supersede), mid, DossierStatus.approved,
        )
        await rt.db.execute(
            "UPDATE qualification_dossier SET status = {}, decided_by = {}, decided_at = {}, note = {} WHERE id = {}",
            DOSSIER.transition(row["status"], DossierEvent.approve), actor.user_id, now, note, dossier_id,
        )
        expires = row["licence_expires_on"]
        next_reverify = (
            rt.calendar.add_days(now, p["reverify_interval_days"]) if p["reverify_interval_days"] else None
        )
        await set_verification(
            rt, mid, VerificationEvent.approve, dossier_id=dossier_id, entity=row["entity"],
            unregistered=bool(row["entity"] == "individual" and row["exempt"]), licence_expires_on=expires,
            reverify_opened_at=None, next_reverify_at=next_reverify, lapsed_reason=None, lapsed_at=None,
            lapse_level=None,
        )
        for kind in (REVERIFY_DEADLINE, ESCALATE, LICENCE_WARNING, LICENCE_EXPIRY, REVERIFY):
            await rt.timers.cancel(kind, mid)
        if next_reverify:
            await rt.timers.schedule(REVERIFY, mid, next_reverify, {"dossier_id": dossier_id})
        if expires:
            day = date.fromisoformat(expires)
            warn_day = day - timedelta(days=p["license_expiry_warning_days"] + 1)
            if rt.calendar.end_of_day(warn_day) > now:
                await rt.timers.schedule(LICENCE_WARNING, mid, rt.calendar.end_of_day(warn_day), {"expires_on": expires})
            await rt.timers.schedule(LICENCE_EXPIRY, mid, rt.calendar.end_of_day(day), {"expires_on": expires})
        await rt.emit(DossierApproved(merchant_id=mid, dossier_id=dossier_id))
        if merchant.status == "pending":
            await transition_merchant(rt, mid, "active", reason="qualification approved", by=BY)
        else:
            await reconcile(rt, mid, "qualification approved")
        from bazaar.plugins.qualification.credit import ensure_nightly

        await ensure_nightly(rt)
        out = dossier_out(rt, await load_dossier(rt, dossier_id), actor)
    return out


def _defect_field_ok(field: str) -> bool:
    name = field.removeprefix("fields.")
    return name in policy.KNOWN_FIELDS or field in ("entity", "exempt", "documents")


async def reject_dossier(rt: PluginRuntime, dossier_id: str, data: DossierReject, actor: Actor) -> DossierOut:
    """Reject naming every defect (field + reason); the merchant fixes and submits a new version."""
    unknown = [d.field for d in data.defects if not _defect_field_ok(d.field)]
    if unknown:
        raise UnknownDefectField(
            "defects must name dossier fields",
            errors=[FieldProblem(field=f"defects[{i}].field", reason="not a dossier field", value=d.field)
                    for i, d in enumerate(data.defects) if d.field in unknown],
        )
    now = rt.clock.now()
    async with rt.unit_of_work():
        row = await _decide(rt, dossier_id, DossierEvent.reject)
        defects = [{"field": d.field if d.field.startswith("fields.") or d.field in ("entity", "exempt", "documents")
                    else f"fields.{d.field}", "reason": d.reason} for d in data.defects]
        await rt.db.execute(
            "UPDATE qualification_dossier SET status = {}, defects = {}, decided_by = {}, decided_at = {}, "
            "note = {} WHERE id = {}",
            DOSSIER.transition(row["status"], DossierEvent.reject), encode(defects), actor.user_id, now, data.note,
            dossier_id,
        )
        await rt.emit(DossierRejected(merchant_id=row["merchant_id"], dossier_id=dossier_id,
                                      defects=tuple(msgspec.convert(defects, list[DossierDefect]))))
        out = dossier_out(rt, await load_dossier(rt, dossier_id), actor)
    return out


# --- status seen by the merchant, the public ------------------------------------------------


def badges(rt: PluginRuntime, qual: dict[str, Any]) -> list[str]:
    out = []
    if qual["verification"] in (Verification.verified, Verification.due):
        out.append("verified")
    if qual["unregistered"] and values(rt)["badge_unregistered"]:
        out.append("unregistered")
    return out


async def merchant_badges(rt: PluginRuntime, merchant_ids: list[str]) -> dict[str, list[str]]:
    """Badges and credit grade of many merchants in one query (for the core's merchant badges hook)."""
    marks = ", ".join("{}" for _ in merchant_ids)
    rows = await rt.db.fetch(
        f"SELECT * FROM qualification_merchant WHERE merchant_id IN ({marks})", *merchant_ids
    )
    out: dict[str, list[str]] = {}
    for row in rows:
        found = badges(rt, row)
        if row["grade"] and row["grade"] != "N":  # N: not rated yet
            found.append(f"credit:{row['grade']}")
        if found:
            out[row["merchant_id"]] = found
    return out


def sanction_out(row: dict[str, Any], roles: tuple[str, ...] = ()) -> SanctionOut:
    """A sanction with what ``roles`` may do to it and when it starts (``scheduled``) or ends (``active``)."""
    status = row["status"]
    return SanctionOut(
        id=row["id"], merchant_id=row["merchant_id"], kind=row["kind"], status=status, reason=row["reason"],
        allowed_actions=SANCTION.allowed_actions(status, roles),
        deadlines=deadlines(starts_at=row["starts_at"] if status == SanctionStatus.scheduled else None,
                            ends_at=row["ends_at"] if status == SanctionStatus.active else None),
        starts_at=row["starts_at"], ends_at=row["ends_at"], publish_by=row["publish_by"],
        published_at=row["published_at"], ended_at=row["ended_at"], end_reason=row["end_reason"],
    )


def _verification_deadlines(rt: PluginRuntime, qual: dict[str, Any]) -> list[Deadline]:
    """``reverify_at`` (verified), ``answer_by`` (a re-verification open), ``licence_expires`` (in force)."""
    state = qual["verification"]
    in_force = state in (Verification.verified, Verification.due)
    opened = qual.get("reverify_opened_at")
    expires = qual.get("licence_expires_on")
    return deadlines(
        reverify_at=qual.get("next_reverify_at") if state == Verification.verified else None,
        answer_by=rt.calendar.add_days(opened, values(rt)["reverify_grace_days"])
        if state == Verification.due and opened is not None else None,
        licence_expires=rt.calendar.end_of_day(date.fromisoformat(expires)) if in_force and expires else None,
    )


async def status(rt: PluginRuntime, merchant_id: str, roles: tuple[str, ...] = ("merchant",)) -> QualificationOut:
    """The merchant's verification, what it must give, badges, grade and current sanctions.

    ``roles`` is who reads (``merchant`` staff, or ``operator``): it decides ``allowed_actions``.
    """
    await load_merchant(rt, merchant_id)
    qual = await rt.db.fetchrow("SELECT * FROM qualification_merchant WHERE merchant_id = {}", merchant_id)
    qual = qual or {"verification": VERIFICATION.initial, "unregistered": False, "grade": "N", "score": None}
    sanctions = await rt.db.fetch(
        "SELECT * FROM qualification_sanction WHERE merchant_id = {} AND status IN ({}, {}) "
        "ORDER BY starts_at, id", merchant_id, SanctionStatus.active, SanctionStatus.scheduled,
    )
    return QualificationOut(
        merchant_id=merchant_id, verification=qual["verification"], preset=preset(rt),
        allowed_actions=VERIFICATION.allowed_actions(qual["verification"], roles),
        deadlines=_verification_deadlines(rt, qual),
        required_fields=list(values(rt)["required_fields"]), badges=badges(rt, qual),
        dossier_id=qual.get("dossier_id"), licence_expires_on=qual.get("licence_expires_on"),
        next_reverify_at=qual.get("next_reverify_at"), reverify_opened_at=qual.get("reverify_opened_at"),
        lapsed_reason=qual.get("lapsed_reason"), grade=qual["grade"], score=qual["score"],
        sanctions=[sanction_out(r, roles) for r in sanctions],
    )


async def open_reverification(rt: PluginRuntime, merchant_id: str, reason: str) -> None:
    """Open a re-verification task (by the interval timer, or an operator on indications)."""
    p = values(rt)
    now = rt.clock.now()
    qual = await qual_row(rt, merchant_id)
    if not VERIFICATION.can(qual["verification"], VerificationEvent.open_reverification):
        return
    await set_verification(rt, merchant_id, VerificationEvent.open_reverification, reverify_opened_at=now,
                           next_reverify_at=None)
    deadline = rt.calendar.add_days(now, p["reverify_grace_days"])
    await rt.timers.schedule(REVERIFY_DEADLINE, merchant_id, deadline, {"opened_at": now.isoformat()})
    await rt.emit(ReverificationOpened(merchant_id=merchant_id, reason=reason, answer_by=deadline))


async def request_reverification(rt: PluginRuntime, merchant_id: str, reason: str) -> QualificationOut:
    """Operator: open a re-verification now (DSA 30(3): on indications)."""
    async with rt.unit_of_work():
        await load_merchant(rt, merchant_id, for_update=True)
        qual = await qual_row(rt, merchant_id)
        VERIFICATION.transition(qual["verification"], VerificationEvent.open_reverification)
        await open_reverification(rt, merchant_id, reason)
    return await status(rt, merchant_id, ("operator",))


# --- documents --------------------------------------------------------------------------------


def document_out(row: dict[str, Any]) -> DocumentOut:
    return DocumentOut(
        id=row["id"], merchant_id=row["merchant_id"], kind=row["kind"], filename=row["filename"],
        content_type=row["content_type"], size_bytes=row["size_bytes"], sha256=row["sha256"],
        created_at=row["created_at"],
    )


async def upload_document(
    rt: PluginRuntime, merchant_id: str, *, kind: str, filename: str, content_type: str, body: bytes, actor: Actor
) -> DocumentOut:
    """Store a KYB file in the shared file store (size and type limits from the config, type sniffed)."""
    if kind not in DOCUMENT_KINDS:
        raise DocumentInvalid("unknown document kind", errors=[
            FieldProblem(field="kind", reason=f"one of {', '.join(DOCUMENT_KINDS)}", value=kind[:40])])
    if not filename or len(filename) > 200 or "/" in filename or "\\" in filename:
        raise DocumentInvalid("bad file name", errors=[
            FieldProblem(field="filename", reason="1-200 characters, no path", value=filename[:60])])
    if not body:
        raise DocumentInvalid("the file is empty", errors=[FieldProblem(field="body", reason="empty")])
    doc_id = new_id("doc")
    async with rt.unit_of_work():
        merchant = await load_merchant(rt, merchant_id)
        if merchant.status == "closed":
            raise MerchantClosed("the merchant is closed")
        stored = await rt.files.put(
            policy.DOCUMENT_USE, policy.document_rules(values(rt)), body, filename=filename,
            owner_id=merchant_id, subject=f"merchant:{merchant_id}", access="owner",
            declared_type=content_type, field="body",
        )
        await rt.db.execute(
            "INSERT INTO qualification_document (id, merchant_id, kind, filename, content_type, size_bytes, sha256, "
            "file_id, uploaded_by, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            doc_id, merchant_id, kind, filename, stored.content_type, stored.size, stored.sha256, stored.id,
            actor.user_id, rt.clock.now(),
        )
        row = await rt.db.fetchrow("SELECT * FROM qualification_document WHERE id = {}", doc_id)
    return document_out(row)  # type: ignore[arg-type]


async def load_document(rt: PluginRuntime, merchant_id: str, doc_id: str) -> dict[str, Any]:
    row = await rt.db.fetchrow("SELECT * FROM qualification_document WHERE id = {}", doc_id)
    if row is None or row["merchant_id"] != merchant_id:
        raise DocumentNotFound("no such document of this merchant")
    return row


async def documents(rt: PluginRuntime, merchant_id: str) -> list[DocumentOut]:
    await load_merchant(rt, merchant_id)
    rows = await rt.db.fetch(
        "SELECT * FROM qualification_document WHERE merchant_id = {} ORDER BY created_at, id", merchant_id
    )
    return [document_out(r) for r in rows]


async def document_content(rt: PluginRuntime, merchant_id: str, doc_id: str) -> tuple[dict[str, Any], bytes]:
    """A document's row and bytes; the caller is the merchant's staff or an operator (the route's guard)."""
    row = await load_document(rt, merchant_id, doc_id)
    if row["file_id"] is None:
        raise DocumentNotFound("the document's content is missing")
    try:
        data = await rt.files.read(row["file_id"])
    except NotFound:
        raise DocumentNotFound("the document's content is missing") from None
    return row, data


# --- category licences ------------------------------------------------------------------------


def licence_out(row: dict[str, Any], roles: tuple[str, ...] = ()) -> LicenceOut:
    """A category licence with what ``roles`` may do to it."""
    return LicenceOut(
        id=row["id"], merchant_id=row["merchant_id"], licence_kind=row["licence_kind"],
        allowed_actions=LICENCE.allowed_actions(row["status"], roles),
        licence_number=row["licence_number"], document_id=row["document_id"], valid_until=row["valid_until"],
        status=row["status"], reason=row["reason"], submitted_at=row["submitted_at"], decided_at=row["decided_at"],
    )


async def submit_licence(rt: PluginRuntime, merchant_id: str, data: LicenceSubmit, actor: Actor) -> LicenceOut:
    """A category licence (with its document) for an operator to approve."""
    problems = []
    try:
        valid = date.fromisoformat(data.valid_until)
        if valid <= today(rt):
            problems.append(FieldProblem(field="valid_until", reason="the licence has expired"))
    except ValueError:
        problems.append(FieldProblem(field="valid_until", reason="must be a date YYYY-MM-DD"))
    async with rt.unit_of_work():
        await load_merchant(rt, merchant_id)
        doc = await rt.db.fetchrow("SELECT merchant_id, kind FROM qualification_document WHERE id = {}", data.document_id)
        if doc is None or doc["merchant_id"] != merchant_id:
            problems.append(FieldProblem(field="document_id", reason="no such document of this merchant"))
        elif doc["kind"] != "category_licence":
            problems.append(FieldProblem(field="document_id", reason="must be a category_licence document"))
        if problems:
            raise LicenceInvalid("the licence cannot be accepted", errors=problems)
        licence_id = new_id("lic")
        await rt.db.execute(
            "INSERT INTO qualification_licence (id, merchant_id, licence_kind, licence_number, document_id, "
            "valid_until, status, submitted_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            licence_id, merchant_id, data.licence_kind, data.licence_number, data.document_id, data.valid_until,
            LICENCE.initial, rt.clock.now(),
        )
        row = await rt.db.fetchrow("SELECT * FROM qualification_licence WHERE id = {}", licence_id)
    return licence_out(row, roles_of(actor))  # type: ignore[arg-type]


async def licences(
    rt: PluginRuntime, merchant_id: str | None = None, status: str | None = None, roles: tuple[str, ...] = ("merchant",)
) -> list[LicenceOut]:
    """Licences of a merchant and/or in a status, oldest first (at most 200); ``roles`` is who reads."""
    where, args = ["1 = 1"], []
    if merchant_id:
        where.append("merchant_id = {}")
        args.append(merchant_id)
    if status:
        where.append("status = {}")
        args.append(status)
    rows = await rt.db.fetch(
        f"SELECT * FROM qualification_licence WHERE {' AND '.join(where)} ORDER BY submitted_at, id LIMIT 200", *args
    )
    return [licence_out(r, roles) for r in rows]


async def decide_licence(rt: PluginRuntime, licence_id: str, event: LicenceEvent, reason: str | None, actor: Actor) -> LicenceOut:
    """An operator approves or rejects a pending licence (``409 invalid_transition`` once decided)."""
    async with rt.unit_of_work():
        row = await rt.db.fetchrow("SELECT * FROM qualification_licence WHERE id = {}", licence_id)
        if row is None:
            raise LicenceNotFound("no such licence")
        to = LICENCE.transition(row["status"], event)
        await rt.db.execute(
            "UPDATE qualification_licence SET status = {}, reason = {}, decided_by = {}, decided_at = {} WHERE id = {}",
            to, reason, actor.user_id, rt.clock.now(), licence_id,
        )
        fields = {"merchant_id": row["merchant_id"], "licence_id": licence_id, "licence_kind": row["licence_kind"],
                  "reason": reason}
        if to == "approved":
            await rt.emit(LicenceApproved(**fields))
        else:
            await rt.emit(LicenceRejected(**fields))
        row = await rt.db.fetchrow("SELECT * FROM qualification_licence WHERE id = {}", licence_id)
    return licence_out(row, roles_of(actor))  # type: ignore[arg-type]


async def holds_licence(rt: PluginRuntime, merchant_id: str, kind: str) -> bool:
    row = await rt.db.fetchrow(
        "SELECT id FROM qualification_licence WHERE merchant_id = {} AND licence_kind = {} AND status = {} "
        "AND valid_until >= {}",
        merchant_id, kind, LicenceStatus.approved, today(rt).isoformat(),
    )
    return row is not None
