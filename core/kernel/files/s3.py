"""The production storage provider: an S3-compatible bucket through boto3.

Objects are ``<prefix>ab/cd/abcd…`` (sha256, fanned out like the local directory). Every
put carries ``ChecksumSHA256``, so the server refuses bytes damaged on the way. boto3 is
blocking: each call runs in a worker thread, with the retries and timeouts of ``[files.s3]``.
Credentials come from boto3's usual chain (environment, profile, instance role), never
from ``bazaar.toml``.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable
from typing import Any, ClassVar, TypeVar

from bazaar.core.kernel.config import S3Config
from bazaar.core.kernel.files.local import SHA256, check_sha
from bazaar.sdk.errors import ConfigError, StorageFailed

T = TypeVar("T")
_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    """Bytes as objects in one bucket (the client is made on first use)."""

    kind: ClassVar[str] = "storage"
    id = "s3"

    def __init__(self, config: S3Config) -> None:
        try:
            import boto3  # noqa: F401
        except ImportError:
            raise ConfigError(["files.s3: needs boto3 (pip install 'bazaar[s3]')"]) from None
        self.config = config
        self.bucket = config.bucket
        self.prefix = config.prefix
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            cfg = self.config
            self._client = boto3.session.Session().client(
                "s3",
                endpoint_url=cfg.endpoint_url,
                region_name=cfg.region,
                config=Config(
                    connect_timeout=cfg.connect_timeout_seconds,
                    read_timeout=cfg.read_timeout_seconds,
                    retries={"max_attempts": cfg.max_attempts, "mode": "standard"},
                    s3={"addressing_style": cfg.addressing_style},
                ),
            )
        return self._client

    def key(self, sha256: str) -> str:
        check_sha(sha256)
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    async def put(self, sha256: str, data: bytes, content_type: str) -> None:
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode()
        await self._call(
            self.client.put_object, Bucket=self.bucket, Key=self.key(sha256), Body=data,
            ContentType=content_type, ChecksumSHA256=checksum,
        )

    async def get(self, sha256: str) -> bytes:
        key = self.key(sha256)

        def fetch() -> bytes:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
            with body:
                return bytes(body.read())

        return await self._call(fetch)

    async def delete(self, sha256: str) -> None:
        await self._call(self.client.delete_object, Bucket=self.bucket, Key=self.key(sha256))

    async def exists(self, sha256: str) -> bool:
        try:
            await self._call(self.client.head_object, Bucket=self.bucket, Key=self.key(sha256))
        except LookupError:
            return False
        return True

    async def hashes(self) -> AsyncIterator[str]:
        token: str | None = None
        while True:
            args: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix, "MaxKeys": 1000}
            if token:
                args["ContinuationToken"] = token
            page = await self._call(self.client.list_objects_v2, **args)
            for item in page.get("Contents", ()):
                name = item["Key"].rsplit("/", 1)[-1]
                if SHA256.match(name) and item["Key"] == self.key(name):
                    yield name
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or not token:
                return

    async def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking boto3 call in a thread; a missing object is ``LookupError``."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in _MISSING:
                raise LookupError(kwargs.get("Key", "")) from None
            raise StorageFailed(f"S3 storage: {code or 'error'}") from exc
        except BotoCoreError as exc:
            raise StorageFailed(f"S3 storage: {type(exc).__name__}") from exc
