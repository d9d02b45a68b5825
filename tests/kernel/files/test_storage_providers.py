"""One suite, every storage provider: the local directory and S3 (a real server over HTTP)."""

from __future__ import annotations

import hashlib
import os
import stat
from typing import Any

import msgspec
import pytest

from bazaar.core.kernel.config import S3Config
from bazaar.core.kernel.files import LocalDirectoryStorage, S3Storage
from bazaar.sdk.errors import StorageFailed
from bazaar.sdk.files import StorageProvider


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Any) -> StorageProvider:
    if request.param == "local":
        return LocalDirectoryStorage(tmp_path / "files")
    return S3Storage(msgspec.convert(request.getfixturevalue("s3_config"), S3Config))


async def test_put_get_exists_delete_round_trip(storage: StorageProvider) -> None:
    assert isinstance(storage, StorageProvider) and storage.kind == "storage"
    data = b"%PDF-1.4 evidence"
    key = sha(data)
    assert not await storage.exists(key)
    await storage.put(key, data, "application/pdf")
    assert await storage.exists(key)
    assert await storage.get(key) == data
    await storage.put(key, data, "application/pdf")  # the same bytes again: harmless
    assert await storage.get(key) == data
    await storage.delete(key)
    assert not await storage.exists(key)
    await storage.delete(key)  # already gone: harmless


async def test_missing_bytes_are_a_lookup_error(storage: StorageProvider) -> None:
    with pytest.raises(LookupError):
        await storage.get(sha(b"never stored"))


async def test_hashes_lists_exactly_what_is_stored(storage: StorageProvider) -> None:
    assert [h async for h in storage.hashes()] == []
    blobs = [f"blob {n}".encode() for n in range(5)]
    for blob in blobs:
        await storage.put(sha(blob), blob, "text/plain")
    await storage.delete(sha(blobs[0]))
    assert sorted([h async for h in storage.hashes()]) == sorted(sha(b) for b in blobs[1:])


async def test_large_content_round_trips_intact(storage: StorageProvider) -> None:
    data = os.urandom(6 * 1024 * 1024)
    await storage.put(sha(data), data, "video/mp4")
    assert hashlib.sha256(await storage.get(sha(data))).hexdigest() == sha(data)


@pytest.mark.parametrize("key", ["../../etc/passwd", "ABCDEF" * 11, "", "a" * 63, "0" * 64 + "/x"])
async def test_only_sha256_keys_are_accepted(storage: StorageProvider, key: str) -> None:
    with pytest.raises(ValueError):
        await storage.put(key, b"x", "text/plain")
    with pytest.raises(ValueError):
        await storage.get(key)


async def test_local_writes_are_atomic_private_and_fanned_out(tmp_path: Any) -> None:
    storage = LocalDirectoryStorage(tmp_path / "files")
    data = b"\x89PNG\r\n\x1a\n photo"
    await storage.put(sha(data), data, "image/png")
    path = storage.path(sha(data))
    assert path.relative_to(tmp_path / "files").parts == (sha(data)[:2], sha(data)[2:4], sha(data))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [sha(data)]  # no temporary file left
    (path.parent / ".tmp-crashed").write_bytes(b"half")  # what a crash mid-write leaves
    assert [h async for h in storage.hashes()] == [sha(data)]


async def test_s3_puts_send_the_sha256_checksum_for_the_server_to_verify(s3_config: dict[str, Any]) -> None:
    import base64

    storage = S3Storage(msgspec.convert(s3_config, S3Config))
    sent: list[Any] = []
    storage.client.meta.events.register("before-send.s3.PutObject", lambda request, **_: sent.append(request))
    data = b"%PDF-1.7 licence"
    await storage.put(sha(data), data, "application/pdf")
    (request,) = sent
    header = request.headers["x-amz-checksum-sha256"]
    assert (header.decode() if isinstance(header, bytes) else header) == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert await storage.get(sha(data)) == data


async def test_s3_keys_stay_under_the_prefix(s3_config: dict[str, Any]) -> None:
    import boto3

    storage = S3Storage(msgspec.convert(s3_config, S3Config))
    data = b"GIF89a review photo"
    await storage.put(sha(data), data, "image/gif")
    client = boto3.session.Session().client("s3", endpoint_url=s3_config["endpoint_url"], region_name="us-east-1")
    client.put_object(Bucket=s3_config["bucket"], Key="elsewhere/" + sha(b"other"), Body=b"other")
    listed = client.list_objects_v2(Bucket=s3_config["bucket"])["Contents"]
    head = client.head_object(Bucket=s3_config["bucket"], Key=f"bazaar/{sha(data)[:2]}/{sha(data)[2:4]}/{sha(data)}")
    assert head["ContentType"] == "image/gif" and len(listed) == 2
    assert [h async for h in storage.hashes()] == [sha(data)]  # the other deployment's object is not ours


async def test_s3_unreachable_is_a_storage_failure(s3_config: dict[str, Any]) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]  # bound, never listening: connections are refused
        config = msgspec.convert(
            {**s3_config, "endpoint_url": f"http://127.0.0.1:{closed}", "max_attempts": 1,
             "connect_timeout_seconds": 1.0},
            S3Config,
        )
        with pytest.raises(StorageFailed):
            await S3Storage(config).get(sha(b"x"))
