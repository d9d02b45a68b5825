"""``rt.files``: the kernel's file store over a :class:`~bazaar.sdk.files.StorageProvider`.

Records live in ``kernel_file``; bytes live in the provider, once per sha256. Bytes are
written before the record commits and deleted only when no record uses them, checked
under a lock that a put of the same bytes holds until its transaction ends
(``pg_advisory_xact_lock`` on PostgreSQL; SQLite's one writer at a time), so a purge
never deletes bytes a put is about to record, and bytes of a rolled-back put are swept.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, get_args

from bazaar.core.kernel.ids import new_id
from bazaar.sdk.errors import (
    FieldProblem,
    FileEmpty,
    FileNotFound,
    FileTooLarge,
    FileTypeRefused,
    StorageFailed,
)
from bazaar.sdk.files import (
    ANY_BYTES,
    Access,
    FileRules,
    StorageProvider,
    StoredFile,
    sniff_content_type,
)

if TYPE_CHECKING:
    from bazaar.core.kernel.runtime import Runtime

log = logging.getLogger("bazaar.files")

#: the daily purge's timer kind (its subject is the day it falls due)
PURGE_TIMER = "kernel.files_purge"
#: first key of the PostgreSQL advisory locks that guard a sha256's bytes
_LOCK_CLASS = 7301
_USE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_ACCESS = set(get_args(Access))
#: declared types that say nothing (browsers send them for any file)
_UNDECLARED = {"", ANY_BYTES, "binary/octet-stream"}
#: declared spellings of a sniffed type
_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/heif": "image/heic",
            "application/x-pdf": "application/pdf"}
_COLUMNS = ("id, use, sha256, size, content_type, filename, owner_id, subject, access, created_at, "
            "retain_until, legal_hold")


def _record(row: dict[str, Any]) -> StoredFile:
    return StoredFile(
        id=row["id"], use=row["use"], sha256=row["sha256"], size=int(row["size"]),
        content_type=row["content_type"], filename=row["filename"], owner_id=row["owner_id"],
        subject=row["subject"], access=row["access"], created_at=row["created_at"],
        retain_until=row["retain_until"], legal_hold=bool(row["legal_hold"]),
    )


def check_content(rules: FileRules, data: bytes, declared_type: str | None, field: str) -> str:
    """The content type to record for ``data`` under ``rules``, or the refusal (pure)."""
    if not data:
        raise FileEmpty("the file is empty", errors=[FieldProblem(field=field, reason="empty")])
    if len(data) > rules.max_bytes:
        raise FileTooLarge(
            f"the file is larger than {rules.max_bytes} bytes",
            errors=[FieldProblem(field=field, reason=f"at most {rules.max_bytes} bytes", value=len(data))],
            extra={"max_bytes": rules.max_bytes},
        )
    accepted = list(rules.content_types)
    sniffed = sniff_content_type(data)
    if sniffed is None and ANY_BYTES in rules.content_types:
        sniffed = ANY_BYTES
    if sniffed is None or sniffed not in rules.content_types:
        raise FileTypeRefused(
            f"the content is {sniffed or 'of no accepted type'}; accepted: {', '.join(accepted)}",
            errors=[FieldProblem(field=field, reason=f"one of {', '.join(accepted)}", value=sniffed)],
            extra={"accepted": accepted},
        )
    declared = (declared_type or "").split(";", 1)[0].strip().lower()
    declared = _ALIASES.get(declared, declared)
    if declared not in _UNDECLARED and declared != sniffed:
        raise FileTypeRefused(
            f"declared {declared} but the content is {sniffed}",
            errors=[FieldProblem(field=field, reason=f"the content is {sniffed}", value=declared[:100])],
            extra={"accepted": accepted},
        )
    return sniffed


class KernelFileStore:
    """The :class:`~bazaar.sdk.files.FileStore` of one runtime."""

    def __init__(self, runtime: Runtime, storage: StorageProvider) -> None:
        self.rt = runtime
        self.storage = storage

    async def put(
        self,
        use: str,
        rules: FileRules,
        data: bytes,
        *,
        filename: str,
        owner_id: str | None,
        subject: str | None = None,
        access: Access = "owner",
        declared_type: str | None = None,
        field: str = "file",
    ) -> StoredFile:
        """Check, store once per sha256 and record a file (in the caller's unit of work)."""
        if not _USE.match(use) or len(use) > 100:
            raise ValueError(f"file use {use!r}: expected '<plugin id>.<what>'")
        if access not in _ACCESS:
            raise ValueError(f"file access {access!r}: one of {sorted(_ACCESS)}")
        content_type = check_content(rules, data, declared_type, field)
        sha = hashlib.sha256(data).hexdigest()
        now = self.rt.clock.now()
        retain_until = now + timedelta(days=rules.retention_days) if rules.retention_days is not None else None
        file_id = new_id("file")
        db = self.rt.db
        async with self.rt.unit_of_work():
            await self._lock(sha)
            await self._storage_put(sha, data, content_type)
            await db.execute(
                f"INSERT INTO kernel_file ({_COLUMNS}) VALUES ({{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, "
                "{}, {}, {})",
                file_id, use, sha, len(data), content_type, _name(filename), owner_id, subject, access, now,
                retain_until, False,
            )
            await self._ensure_purge_timer(now)
        return StoredFile(
            id=file_id, use=use, sha256=sha, size=len(data), content_type=content_type,
            filename=_name(filename), owner_id=owner_id, subject=subject, access=access,
            created_at=now, retain_until=retain_until,
        )

    async def get(self, file_id: str) -> StoredFile:
        """The record (``404 file_not_found``)."""
        row = await self.rt.db.fetchrow(f"SELECT {_COLUMNS} FROM kernel_file WHERE id = {{}}", file_id)
        if row is None:
            raise FileNotFound("no such file")
        return _record(row)

    async def read(self, file_id: str) -> bytes:
        """The bytes of a stored file."""
        record = await self.get(file_id)
        try:
            return await self.storage.get(record.sha256)
        except LookupError:
            log.error("file %s: bytes %s missing from storage %s", file_id, record.sha256, self.storage.id)
            raise StorageFailed("the file's content is missing from storage") from None

    async def set_legal_hold(self, file_id: str, hold: bool) -> StoredFile:
        """Keep (``True``) or stop keeping a file past its retention date."""
        async with self.rt.unit_of_work():
            rows = await self.rt.db.execute(
                "UPDATE kernel_file SET legal_hold = {} WHERE id = {} RETURNING id", bool(hold), file_id
            )
            if not rows:
                raise FileNotFound("no such file")
            return await self.get(file_id)

    async def set_retention(self, file_id: str, retain_until: datetime | None) -> StoredFile:
        """Move a file's retention date; ``None`` keeps it until set again."""
        if retain_until is not None and retain_until.tzinfo is None:
            raise ValueError("retain_until must be timezone-aware")
        async with self.rt.unit_of_work():
            rows = await self.rt.db.execute(
                "UPDATE kernel_file SET retain_until = {} WHERE id = {} RETURNING id", retain_until, file_id
            )
            if not rows:
                raise FileNotFound("no such file")
            return await self.get(file_id)

    async def purge_expired(self) -> int:
        """Delete the records past retention and not on hold, then bytes no record uses."""
        records, _ = await self.purge()
        return records

    async def purge(self) -> tuple[int, int]:
        """:meth:`purge_expired`, returning ``(records deleted, byte objects deleted)``."""
        db = self.rt.db
        async with self.rt.unit_of_work():
            gone = await db.execute(
                "DELETE FROM kernel_file WHERE retain_until IS NOT NULL AND retain_until <= {} "
                "AND legal_hold = {} RETURNING sha256",
                self.rt.clock.now(), False,
            )
        candidates = {row["sha256"] for row in gone}
        batch: list[str] = []
        async for sha in self.storage.hashes():
            batch.append(sha)
            if len(batch) == 500:
                candidates |= await self._unused(batch)
                batch = []
        candidates |= await self._unused(batch)
        deleted = 0
        for sha in sorted(candidates):
            deleted += await self._delete_if_unused(sha)
        if gone or deleted:
            log.info("files purge: %d records, %d byte objects deleted", len(gone), deleted)
        return len(gone), deleted

    # --- internals ------------------------------------------------------------------------

    async def _unused(self, hashes: list[str]) -> set[str]:
        if not hashes:
            return set()
        marks = ", ".join("{}" for _ in hashes)
        used = await self.rt.db.fetch(f"SELECT DISTINCT sha256 FROM kernel_file WHERE sha256 IN ({marks})", *hashes)
        return set(hashes) - {row["sha256"] for row in used}

    async def _delete_if_unused(self, sha: str) -> int:
        async with self.rt.unit_of_work():
            await self._lock(sha)
            if await self.rt.db.fetchrow("SELECT id FROM kernel_file WHERE sha256 = {} LIMIT 1", sha):
                return 0
            try:
                await self.storage.delete(sha)
            except StorageFailed:
                log.exception("files purge: cannot delete %s; next purge retries", sha)
                return 0
        return 1

    async def _lock(self, sha: str) -> None:
        """Hold the lock guarding ``sha``'s bytes until the transaction ends (SQLite: its write lock)."""
        if not self.rt.db.is_sqlite:
            await self.rt.db.execute(
                "SELECT pg_advisory_xact_lock({}, {})", _LOCK_CLASS, int(sha[:8], 16) - 2**31
            )

    async def _storage_put(self, sha: str, data: bytes, content_type: str) -> None:
        if not await self.storage.exists(sha):
            await self.storage.put(sha, data, content_type)

    async def _ensure_purge_timer(self, now: datetime) -> None:
        pending = await self.rt.db.fetchrow(
            "SELECT id FROM kernel_timer WHERE kind = {} AND status = 'pending' LIMIT 1", PURGE_TIMER
        )
        if pending is None:
            await schedule_purge(self.rt, now)


def _name(filename: str) -> str:
    """The name as given, cut to the column's 255 characters (display is ``content_disposition``'s job)."""
    return filename[:255] or "file"


async def schedule_purge(rt: Runtime, now: datetime) -> None:
    """Schedule the next daily purge (one pending timer per day: the subject is that day)."""
    due = now + timedelta(days=1)
    await rt.timers.schedule(PURGE_TIMER, due.date().isoformat(), due)
