"""Review photos through the shared file store (``rt.files``, use ``reviews.photo``).

A buyer uploads each photo first (the store sniffs the type from the bytes, checks the
size, keeps the sha256), then names the ids on the review. A photo is served by this
plugin: to anyone while its review is shown, to its reviewer and operators always, and,
before it is attached, to its uploader only.
"""

from __future__ import annotations

from bazaar.plugins.reviews.errors import InvalidPhotos, PhotoNotFound
from bazaar.plugins.reviews.schemas import PhotoStored
from bazaar.plugins.reviews.settings import PHOTO_USE, values
from bazaar.plugins.reviews.states import VISIBLE
from bazaar.sdk.api import Actor
from bazaar.sdk.errors import FieldProblem, NotFound
from bazaar.sdk.files import FileRules, StoredFile
from bazaar.sdk.runtime import PluginRuntime


def rules(rt: PluginRuntime) -> FileRules:
    """The store's limits for review photos, from the policy in force."""
    p = values(rt)
    return FileRules(max_bytes=p["photos.max_bytes"], content_types=tuple(p["photos.content_types"]))


async def upload(rt: PluginRuntime, actor: Actor, data: bytes, *, filename: str,
                 declared_type: str | None) -> PhotoStored:
    """Store one photo owned by the caller (``413 file_too_large`` / ``415 file_type_refused`` from the store)."""
    async with rt.unit_of_work():
        stored = await rt.files.put(PHOTO_USE, rules(rt), data, filename=filename, owner_id=actor.user_id,
                                    access="owner", declared_type=declared_type, field="body")
    return PhotoStored(id=stored.id, content_type=stored.content_type, size=stored.size, sha256=stored.sha256)


async def attach(rt: PluginRuntime, review_id: str, customer_id: str, ids: list[str]) -> None:
    """Check every named photo (the caller's own, a review photo, not used yet) and attach them.

    Every bad id is named at once (``422 reviews.invalid_photos``); runs in the review's unit of work.
    """
    problems: list[FieldProblem] = []
    limit = values(rt)["photos.max_count"]
    if len(ids) > limit:
        problems.append(FieldProblem(field="photo_ids", reason=f"at most {limit} photos", value=len(ids)))
    for i, file_id in enumerate(ids):
        where = f"photo_ids[{i}]"
        if file_id in ids[:i]:
            problems.append(FieldProblem(field=where, reason="named twice", value=file_id))
            continue
        try:
            stored = await rt.files.get(file_id)
        except NotFound:
            stored = None
        if stored is None or stored.use != PHOTO_USE or stored.owner_id != customer_id:
            problems.append(FieldProblem(field=where, reason="no such photo of yours", value=file_id))
            continue
        used = await rt.db.fetchrow("SELECT review_id FROM reviews_photo WHERE file_id = {}", file_id)
        if used is not None:
            problems.append(FieldProblem(field=where, reason="already on another review", value=file_id))
    if problems:
        raise InvalidPhotos("some photos cannot be used", errors=problems)
    for position, file_id in enumerate(ids):
        await rt.db.execute(
            "INSERT INTO reviews_photo (file_id, review_id, customer_id, position, created_at) "
            "VALUES ({}, {}, {}, {}, {})",
            file_id, review_id, customer_id, position, rt.clock.now(),
        )


async def content(rt: PluginRuntime, actor: Actor, file_id: str) -> tuple[StoredFile, bytes]:
    """A photo's record and bytes if the caller may see it, else ``404 reviews.photo_not_found``."""
    row = await rt.db.fetchrow(
        "SELECT r.state, r.customer_id FROM reviews_photo p JOIN reviews_review r ON r.id = p.review_id "
        "WHERE p.file_id = {}",
        file_id,
    )
    try:
        stored = await rt.files.get(file_id)
    except NotFound:
        raise PhotoNotFound("no such photo") from None
    if row is not None:
        allowed = row["state"] in VISIBLE or actor.is_operator or actor.user_id == row["customer_id"]
    else:
        allowed = stored.use == PHOTO_USE and actor.user_id is not None and stored.owner_id == actor.user_id
    if not allowed or stored.use != PHOTO_USE:
        raise PhotoNotFound("no such photo")
    return stored, await rt.files.read(file_id)
