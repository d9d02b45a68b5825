"""The shared file store: every file a plugin keeps (KYB documents, evidence, review photos).

A plugin stores bytes through ``rt.files`` (a :class:`FileStore`) under a *use* it declares
with its limits (:class:`FileRules`): the store checks size, sniffs the content type from
the bytes (the name and the declared type are never trusted), addresses the content by
sha256, and records the owner, the access rule, the retention date and the legal hold.
The bytes live in a :class:`StorageProvider`: a directory beside the SQLite file by
default, S3-compatible storage in production.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal, Protocol, runtime_checkable

import msgspec

#: who may read a file: its owner only, the owner and the parties of its subject, or anyone
Access = Literal["owner", "parties", "public"]


class FileRules(msgspec.Struct, frozen=True, kw_only=True):
    """Limits for one use of the store (``aftersales.evidence``, ``reviews.photo``, ...)."""

    max_bytes: int
    content_types: tuple[str, ...]
    retention_days: int | None = None


class StoredFile(msgspec.Struct, frozen=True, kw_only=True):
    """A stored file's record: ``id`` is what a plugin keeps; ``sha256`` addresses the bytes."""

    id: str
    use: str
    sha256: str
    size: int
    content_type: str
    filename: str
    owner_id: str | None
    subject: str | None
    access: Access
    created_at: datetime
    retain_until: datetime | None = None
    legal_hold: bool = False


class FileStore(Protocol):
    """``rt.files``: put, read and govern files (all inside the caller's unit of work)."""

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
    ) -> StoredFile:
        """Check ``data`` against ``rules`` (``413 file_too_large`` / ``415 file_type_refused``), store it once per sha256, record it."""
        ...

    async def get(self, file_id: str) -> StoredFile:
        """The record (``404 not_found`` when unknown)."""
        ...

    async def read(self, file_id: str) -> bytes:
        """The bytes of a stored file."""
        ...

    async def set_legal_hold(self, file_id: str, hold: bool) -> StoredFile:
        """Keep (or stop keeping) a file past its retention date."""
        ...

    async def purge_expired(self) -> int:
        """Delete the records past retention and not on hold, and bytes no record uses; return how many records."""
        ...


@runtime_checkable
class StorageProvider(Protocol):
    """Where the bytes live, addressed by sha256 (``kind = "storage"``)."""

    kind: ClassVar[str]
    id: str

    async def put(self, sha256: str, data: bytes, content_type: str) -> None: ...

    async def get(self, sha256: str) -> bytes: ...

    async def delete(self, sha256: str) -> None: ...

    async def exists(self, sha256: str) -> bool: ...


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """A safe ``Content-Disposition`` for any file name (RFC 6266 + RFC 5987 ``filename*``).

    Control characters (CR, LF, ...) are dropped; the plain ``filename`` is an ASCII
    fallback, the UTF-8 name goes in ``filename*``.
    """
    from urllib.parse import quote

    clean = "".join(ch for ch in filename if ch.isprintable() and ch not in '\\"') or "file"
    ascii_name = clean.encode("ascii", "replace").decode().replace("?", "_")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean, safe='')}"


__all__ = ["Access", "FileRules", "FileStore", "StorageProvider", "StoredFile", "content_disposition"]
