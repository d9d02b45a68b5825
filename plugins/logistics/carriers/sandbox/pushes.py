"""Delivering the sandbox carrier's pushes: signed at send time, through an injectable sender.

Switches (``[plugins.logistics.sandbox]``): ``delay_seconds`` (queued pushes wait),
``duplicates`` (each push is sent twice), ``out_of_order`` (a batch goes newest first),
``hold`` (nothing goes until ``POST /logistics/sandbox/pushes/flush``). The default sender
follows ``delivery``: ``direct`` hands the request to the same function the push route
calls; ``http`` POSTs it to ``server.public_url``. Tests may set their own on the sandbox
carrier (``rt.provider("carrier", "sandbox").sender``): ``async (path, headers, body) -> status``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import httpx

from bazaar.plugins.logistics.carriers.sandbox.carrier import HEADER, PUSH_PATH, sign
from bazaar.plugins.logistics.config import SandboxCarrierConfig
from bazaar.sdk.errors import BazaarError, ProviderError
from bazaar.sdk.plugin import TimerHandler
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due, outside_transaction

log = logging.getLogger("bazaar.logistics.sandbox")
Sender = Callable[[str, dict[str, str], bytes], Awaitable[int]]


def default_sender(rt: PluginRuntime, config: SandboxCarrierConfig) -> Sender:
    async def direct(path: str, headers: dict[str, str], body: bytes) -> int:
        from bazaar.plugins.logistics import tracking

        try:
            await tracking.receive_push(rt, "sandbox", headers, body)
        except BazaarError as exc:
            return exc.status
        return 200

    async def http(path: str, headers: dict[str, str], body: bytes) -> int:
        base = rt.public_url
        if not base:
            raise ProviderError("sandbox.delivery = http needs server.public_url")
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(base.rstrip("/") + path, content=body, headers=headers)
        return response.status_code

    return direct if config.delivery == "direct" else http


async def deliver(rt: PluginRuntime, plugin_id: str, *, everything: bool = False) -> int:
    """Send every push due now (or all, on flush); answers how many requests were made.

    A push is marked delivered only after the receiver answered 2xx, as a carrier does: a
    worker killed mid-batch leaves the rest undelivered and the next run sends them again (at
    least once; the receiver keeps each scan once). Any other answer is retried (the timer backs off).
    """
    config = rt.plugin_config(plugin_id).sandbox
    order = "DESC" if config.out_of_order else "ASC"
    cutoff = "" if everything else " AND deliver_at <= {}"
    args = [] if everything else [rt.clock.now()]
    rows = await rt.db.fetch(
        f"SELECT id, body FROM logistics_sandbox_push WHERE delivered = {{}}{cutoff} ORDER BY seq {order}",
        False, *args,
    )
    send = getattr(rt.providers("carrier").get("sandbox"), "sender", None) or default_sender(rt, config)
    sent, refused = 0, []
    for row in rows:
        body = row["body"].encode()
        statuses = []
        for _ in range(2 if config.duplicates else 1):
            headers = {"content-type": "application/json",
                       HEADER: sign(config.secret, int(rt.clock.now().timestamp()), body)}
            statuses.append(await send(PUSH_PATH, headers, body))
            sent += 1
        ok = any(200 <= status < 300 for status in statuses)
        async with rt.unit_of_work():
            await rt.db.execute("UPDATE logistics_sandbox_push SET last_status = {}, delivered = {} WHERE id = {}",
                                statuses[-1], ok, row["id"])
        if not ok:
            log.warning("sandbox push %s answered %s; will retry", row["id"], statuses[-1])
            refused.append(statuses[-1])
    if refused:
        raise ProviderError(f"{len(refused)} push(es) not accepted (last answer {refused[-1]}); retrying")
    return sent


def deliver_timer(plugin_id: str) -> TimerHandler:
    @outside_transaction
    async def sandbox_deliver(rt: PluginRuntime, due: Due) -> None:
        """Timer (one per push): send every push due now, as one batch."""
        await deliver(rt, plugin_id)

    return sandbox_deliver
