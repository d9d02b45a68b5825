"""The shared file store (``rt.files``): records in ``kernel_file``, bytes in a storage provider.

* :mod:`.store`: :class:`KernelFileStore` (put with size/type rules and sniffing, get, read,
  legal hold, purge) and the daily purge timer;
* :mod:`.local`: :class:`LocalDirectoryStorage`, the embedded default (beside the SQLite file);
* :mod:`.s3`: :class:`S3Storage`, S3-compatible storage through boto3;
* :func:`build_storage`: the provider ``[files]`` configures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bazaar.core.kernel.config import Settings
from bazaar.core.kernel.files.local import LocalDirectoryStorage
from bazaar.core.kernel.files.s3 import S3Storage
from bazaar.core.kernel.files.store import PURGE_TIMER, KernelFileStore, schedule_purge
from bazaar.sdk.errors import ConfigError
from bazaar.sdk.files import StorageProvider
from bazaar.sdk.timers import Due, outside_transaction

if TYPE_CHECKING:
    from bazaar.core.kernel.runtime import Runtime


def build_storage(settings: Settings) -> StorageProvider:
    """S3 when ``[files.s3]`` is set; else ``[files] dir``; else a directory beside the SQLite file."""
    files = settings.files
    if files.s3 is not None:
        return S3Storage(files.s3)
    if files.dir:
        return LocalDirectoryStorage(files.dir)
    url = settings.database.url
    if url.startswith("sqlite:///") and url[len("sqlite:///"):] not in ("", ":memory:"):
        return LocalDirectoryStorage(url[len("sqlite:///"):] + ".files")
    raise ConfigError([
        "files: no place to keep stored files: the database has no file to keep them beside; "
        'set [files] dir = "<directory>" (BAZAAR_FILES_DIR) or configure [files.s3]'
    ])


@outside_transaction
async def purge_timer(rt: Runtime, due: Due) -> None:
    """The daily purge: expired records, then unused bytes; then the next day's timer."""
    await rt.files.purge()
    async with rt.unit_of_work():
        await schedule_purge(rt, rt.clock.now())


__all__ = [
    "PURGE_TIMER",
    "KernelFileStore",
    "LocalDirectoryStorage",
    "S3Storage",
    "build_storage",
    "purge_timer",
]
