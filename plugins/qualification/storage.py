"""A storage provider kept in the database (``qualification_blob``): small KYB files only.

It implements :class:`bazaar.sdk.providers.StorageProvider`. Writes join the caller's
transaction, so a refused upload leaves nothing behind.
"""

from __future__ import annotations

from typing import Any, ClassVar

from bazaar.plugins.qualification.errors import DocumentNotFound
from bazaar.sdk.runtime import PluginContext, PluginRuntime

#: the first bytes each accepted content type must start with
MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


def content_matches(content_type: str, data: bytes) -> bool:
    """Whether ``data`` starts like ``content_type`` says (types without a signature pass)."""
    signatures = MAGIC.get(content_type)
    return signatures is None or any(data.startswith(s) for s in signatures)


class DatabaseStorage:
    """Files as rows; ``put`` and ``get`` run in the runtime's current transaction."""

    kind: ClassVar[str] = "storage"
    id = "qualification.db"

    def __init__(self, source: PluginContext[Any] | PluginRuntime) -> None:
        self._source = source  # the runtime, or a plugin context whose runtime is bound later

    @property
    def rt(self) -> PluginRuntime:
        return self._source.runtime if isinstance(self._source, PluginContext) else self._source

    async def put(self, key: str, data: bytes, content_type: str) -> str:
        await self.rt.db.execute(
            "INSERT INTO qualification_blob (key, content_type, data, created_at) VALUES ({}, {}, {}, {})",
            key,
            content_type,
            data,
            self.rt.clock.now(),
        )
        return key

    async def get(self, key: str) -> tuple[bytes, str]:
        row = await self.rt.db.fetchrow("SELECT data, content_type FROM qualification_blob WHERE key = {}", key)
        if row is None:
            raise DocumentNotFound("the document's content is missing")
        data = row["data"]
        return (bytes(data) if not isinstance(data, bytes) else data), row["content_type"]
