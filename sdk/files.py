"""The shared file store: every file a plugin keeps (KYB documents, evidence, review photos).

A plugin stores bytes through ``rt.files`` (a :class:`FileStore`) under a *use* it names
(``"<plugin id>.<what>"``, e.g. ``qualification.kyb``) with its limits (:class:`FileRules`):
the store checks the size, sniffs the content type from the bytes (the file name and the
declared type are never trusted), addresses the content by sha256 (the same bytes are kept
once), and records the owner, the access rule, the retention date and the legal hold.
The bytes live in a :class:`StorageProvider`: a directory beside the SQLite file by
default, S3-compatible storage in production (``[files]`` in ``bazaar.toml``).

Refusals are :class:`~bazaar.sdk.errors.BazaarError` subclasses naming the request field:
``413 file_too_large``, ``415 file_type_refused``, ``422 file_empty``; an unknown id is
``404 file_not_found``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import ClassVar, Literal, Protocol, get_args, runtime_checkable
from urllib.parse import quote

import msgspec

#: who may read a file: its owner only, the owner and the parties of its subject, or anyone
#: (operators always may; the plugin serving the file applies the rule, see :func:`may_read`)
Access = Literal["owner", "parties", "public"]

#: every content type the store recognises from the bytes; ``application/octet-stream`` in
#: a use's rules accepts bytes of no recognised type (recorded as such)
ContentType = Literal[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heic",
    "application/pdf",
    "video/mp4",
    "video/quicktime",
    "text/plain",
    "application/octet-stream",
]
CONTENT_TYPES: tuple[str, ...] = get_args(ContentType)
ANY_BYTES = "application/octet-stream"


class FileRules(msgspec.Struct, frozen=True, kw_only=True):
    """Limits for one use of the store (``aftersales.evidence``, ``reviews.photo``, ...).

    ``retention_days``: the record (and, once no record uses them, the bytes) is deleted
    that many days after upload unless on legal hold; ``None`` keeps it until deleted.
    """

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
    """``rt.files``: put, read and govern files (writes join the caller's unit of work)."""

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
        """Check ``data`` against ``rules`` and store it once per sha256; record it.

        Refuses with ``413 file_too_large``, ``415 file_type_refused`` (type outside the
        rules, or not the ``declared_type``), ``422 file_empty``; each names ``field``.
        """
        ...

    async def get(self, file_id: str) -> StoredFile:
        """The record (``404 file_not_found`` when unknown or purged)."""
        ...

    async def read(self, file_id: str) -> bytes:
        """The bytes of a stored file (``404 file_not_found``; ``502 storage_failed``)."""
        ...

    async def set_legal_hold(self, file_id: str, hold: bool) -> StoredFile:
        """Keep (or stop keeping) a file past its retention date."""
        ...

    async def set_retention(self, file_id: str, retain_until: datetime | None) -> StoredFile:
        """Move a file's retention date (e.g. counted from a case's closing); ``None`` keeps it."""
        ...

    async def purge_expired(self) -> int:
        """Delete the records past retention and not on hold, then bytes no record uses; return how many records."""
        ...


@runtime_checkable
class StorageProvider(Protocol):
    """Where the bytes live, addressed by sha256 (``kind = "storage"``).

    ``get`` raises ``LookupError`` for bytes it does not hold; ``put`` of bytes already
    held is harmless. ``hashes`` lists every sha256 held (for the purge's sweep).
    """

    kind: ClassVar[str]
    id: str

    async def put(self, sha256: str, data: bytes, content_type: str) -> None: ...

    async def get(self, sha256: str) -> bytes: ...

    async def delete(self, sha256: str) -> None: ...

    async def exists(self, sha256: str) -> bool: ...

    def hashes(self) -> AsyncIterator[str]: ...


# --- content sniffing ------------------------------------------------------------------------

_MP4_BRANDS = {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
               b"dash", b"M4V ", b"MSNV", b"f4v "}
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
#: control characters that plain text never holds (tab, newline, form feed and carriage return may)
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def sniff_content_type(data: bytes) -> str | None:
    """The content type the bytes themselves show (one of :data:`CONTENT_TYPES`), or ``None``."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if len(data) >= 12 and data[4:8] == b"ftyp" and int.from_bytes(data[:4], "big") >= 12:
        return _iso_media(data)
    return "text/plain" if _is_text(data) else None


def _iso_media(data: bytes) -> str | None:
    """ISO base media (``ftyp`` box): HEIC, QuickTime or MP4 by the major and compatible brands."""
    size = min(int.from_bytes(data[:4], "big"), len(data), 256)
    major = data[8:12]
    brands = {major} | {data[i : i + 4] for i in range(16, size - 3, 4)}
    if major in _HEIC_BRANDS or (major in (b"mif1", b"msf1") and brands & _HEIC_BRANDS):
        return "image/heic"
    if major == b"qt  ":
        return "video/quicktime"
    if major in _MP4_BRANDS or brands & _MP4_BRANDS:
        return "video/mp4"
    return None


def _is_text(data: bytes) -> bool:
    """UTF-8 (BOM allowed) with no control characters but tab, newline, form feed, carriage return."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return _NOT_TEXT.search(text) is None


# --- reading rule and downloads ------------------------------------------------------------------


def may_read(
    file: StoredFile, *, as_ids: Iterable[str], parties: Iterable[str] = (), operator: bool = False
) -> bool:
    """Whether a caller may read ``file`` under its access rule.

    ``as_ids``: the ids the caller acts as (its user id, the merchant it is staff of);
    ``parties``: the ids of the parties of the file's subject (an order's customer and
    merchant), consulted for ``access="parties"``. Operators may read every file.
    """
    if operator or file.access == "public":
        return True
    ids = set(as_ids)
    if file.owner_id is not None and file.owner_id in ids:
        return True
    return file.access == "parties" and bool(ids & set(parties))


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """A safe ``Content-Disposition`` for any file name (RFC 6266 with RFC 5987 ``filename*``).

    Control and separator characters (CR, LF, NUL, U+2028, ...), quotes and backslashes are
    dropped; the plain ``filename`` is an ASCII fallback, the UTF-8 name goes in ``filename*``.
    The value is pure ASCII, so any server can send it.
    """
    clean = "".join(ch for ch in filename if ch.isprintable() and ch not in '\\"')[:255].strip() or "file"
    ascii_name = "".join(ch if " " <= ch < "\x7f" else "_" for ch in clean)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean, safe='')}"


# --- data migrations ------------------------------------------------------------------------

_migration_store: ContextVar[FileStore | None] = ContextVar("bazaar_migration_files", default=None)


def migration_files() -> FileStore:
    """The file store, for a data migration that moves bytes into it (``bazaar migrate`` binds it).

    Call it in a migration's raw step only when there is something to move: a database
    migrated without a runtime (a test template) has no store bound.
    """
    store = _migration_store.get()
    if store is None:
        raise RuntimeError("no file store is bound: run this migration through `bazaar migrate`")
    return store


@contextmanager
def bind_migration_files(store: FileStore | None) -> Iterator[None]:
    """Make ``store`` what :func:`migration_files` returns while migrations run (the kernel's job)."""
    token = _migration_store.set(store)
    try:
        yield
    finally:
        _migration_store.reset(token)


__all__ = [
    "ANY_BYTES",
    "CONTENT_TYPES",
    "Access",
    "ContentType",
    "FileRules",
    "FileStore",
    "StorageProvider",
    "StoredFile",
    "bind_migration_files",
    "content_disposition",
    "may_read",
    "migration_files",
    "sniff_content_type",
]
