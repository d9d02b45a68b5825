"""``bazaar serve --workers N``: accepted connections get TCP_NODELAY (uvicorn issue #3149).

Without it every keep-alive response waits ~44 ms for the client's delayed ACK (Nagle's
algorithm holds the body written after the headers). The check is on the socket options,
not on a timing.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.config import Config

from bazaar.core.kernel.cli import tcp_nodelay_for_workers


async def test_the_socket_bound_for_workers_gives_accepted_connections_tcp_nodelay():
    tcp_nodelay_for_workers()
    tcp_nodelay_for_workers()  # idempotent: wrapping twice must not stack
    sock = Config(app="bazaar.core.root:app_factory", host="127.0.0.1", port=0).bind_socket()
    assert sock.proto == socket.IPPROTO_TCP
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            conn = transport.get_extra_info("socket")
            accepted.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
    try:
        port = sock.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(accepted, 5) != 0
        writer.close()
    finally:
        server.close()
        await server.wait_closed()
