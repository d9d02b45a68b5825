"""Any file name downloads: a Chinese name (once a 500) and a CR/LF in the name (once a dropped
connection), through a real HTTP server (uvicorn on 127.0.0.1 serving the kit's app)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
import uvicorn
from qualification_helpers import BASE, PDF


@asynccontextmanager
async def served(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app behind uvicorn (as ``bazaar serve`` runs it) on a free loopback port; a client for it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="critical"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            assert not task.done(), "uvicorn stopped while starting"
            await asyncio.sleep(0.01)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}", timeout=10) as client:
            yield client
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)
        sock.close()


def filename_star(header: str) -> str:
    """The UTF-8 name of a ``Content-Disposition`` (RFC 5987 ``filename*``)."""
    return unquote(header.split("filename*=UTF-8''", 1)[1])


@pytest.mark.parametrize("name, shown", [
    ("营业执照（副本）.pdf", "营业执照（副本）.pdf"),
    ("licence\r\nX-Injected: yes.pdf", "licenceX-Injected: yes.pdf"),
])
async def test_any_document_name_downloads_safely(qkit: Any, name: str, shown: str) -> None:
    kit = qkit
    mid, owner = await kit.merchant(activate=False)
    operator = await kit.operator()
    async with served(kit.app) as client:
        r = await client.post(f"{BASE}/merchants/{mid}/documents", params={"kind": "business_licence", "filename": name},
                              content=PDF, headers={**owner.headers, "Content-Type": "application/pdf"})
        assert r.status_code == 201, r.text
        doc = r.json()
        assert doc["filename"] == name  # kept as given; only its display is made safe
        for path, who in ((f"{BASE}/merchants/{mid}/documents/{doc['id']}", owner),
                          (f"{BASE}/admin/merchants/{mid}/documents/{doc['id']}", operator)):
            r = await client.get(path, headers=who.headers)
            assert r.status_code == 200 and r.content == PDF
            disposition = r.headers["content-disposition"]
            assert disposition.startswith("attachment; filename=\"") and filename_star(disposition) == shown
            assert "x-injected" not in r.headers
            assert r.headers["x-content-type-options"] == "nosniff"
