"""The embedded storage provider: a directory of files named by sha256, fanned out by prefix.

``<root>/ab/cd/abcd…`` (two levels of two hex characters keep directories small). Writes go
to a temporary file in the target directory, are flushed to disk, then renamed into place,
so a reader never sees half a file and a crash leaves at most a ``.tmp-*`` file behind.
Blocking file calls run in a worker thread.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from bazaar.sdk.errors import StorageFailed

T = TypeVar("T")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def check_sha(sha256: str) -> str:
    """``sha256`` if it is 64 lowercase hex characters (never a path), else ``ValueError``."""
    if not SHA256.match(sha256):
        raise ValueError(f"not a sha256: {sha256[:80]!r}")
    return sha256


class LocalDirectoryStorage:
    """Bytes as files under ``root`` (created on first write, private to the process's user)."""

    kind: ClassVar[str] = "storage"
    id = "local"

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        check_sha(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    async def put(self, sha256: str, data: bytes, content_type: str) -> None:
        await self._run(self._write, self.path(sha256), data)

    async def get(self, sha256: str) -> bytes:
        try:
            return await self._run(self.path(sha256).read_bytes)
        except FileNotFoundError:
            raise LookupError(sha256) from None

    async def delete(self, sha256: str) -> None:
        await self._run(self.path(sha256).unlink, True)

    async def exists(self, sha256: str) -> bool:
        return await self._run(self.path(sha256).is_file)

    async def hashes(self) -> AsyncIterator[str]:
        for name in await self._run(self._list):
            yield name

    # --- blocking parts (in a thread) ---------------------------------------------------------

    def _write(self, target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def _list(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.glob("??/??/*") if SHA256.match(p.name) and p.is_file())

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return await asyncio.to_thread(fn, *args)
        except (FileNotFoundError, ValueError):
            raise
        except OSError as exc:
            raise StorageFailed(f"local file storage: {exc.strerror or exc}") from exc
