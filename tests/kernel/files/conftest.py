"""Fixtures for the file store's tests: a real S3-compatible server (moto) on 127.0.0.1.

boto3 talks real HTTP to it; the credentials are moto's placeholders, set for this test
session only.
"""

from __future__ import annotations

import itertools
import socket
from collections.abc import Iterator
from typing import Any

import pytest

_buckets = itertools.count(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The URL of an S3-compatible server (moto's) running in this process on 127.0.0.1."""
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", "moto-placeholder")
        env.setenv("AWS_SECRET_ACCESS_KEY", "moto-placeholder")
        env.delenv("AWS_PROFILE", raising=False)
        env.delenv("AWS_SESSION_TOKEN", raising=False)
        port = _free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.stop()


@pytest.fixture
def s3_config(s3_endpoint: str) -> dict[str, Any]:
    """``[files.s3]`` for a new, empty bucket on the test server."""
    import boto3

    bucket = f"bazaar-test-{next(_buckets)}"
    client = boto3.session.Session().client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    return {"bucket": bucket, "endpoint_url": s3_endpoint, "region": "us-east-1", "prefix": "bazaar/"}
