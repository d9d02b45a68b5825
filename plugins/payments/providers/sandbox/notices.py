"""Delivering the sandbox's notifications: signed at send time, through an injectable sender.

The default sender follows ``sandbox.delivery``: ``direct`` hands the request to the same
function the notify route calls (``service.receive_notification``); ``http`` POSTs to
``server.public_url``. Tests may set their own on the adapter
(``adapter(rt, plugin_id).sender``): ``async (path, headers, body) -> status``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import httpx

from bazaar.plugins.payments.providers.sandbox import signing
from bazaar.sdk.errors import BazaarError, ProviderError
from bazaar.sdk.plugin import TimerHandler
from bazaar.sdk.runtime import PluginRuntime
from bazaar.sdk.timers import Due, outside_transaction

log = logging.getLogger("bazaar.payments.sandbox")
Sender = Callable[[str, dict[str, str], bytes], Awaitable[int]]


def default_sender(rt: PluginRuntime, plugin_id: str) -> Sender:
    config = rt.plugin_config(plugin_id).sandbox

    async def direct(path: str, headers: dict[str, str], body: bytes) -> int:
        from bazaar.plugins.payments import service

        try:
            await service.receive_notification(rt, plugin_id, path.rsplit("/", 1)[-1], headers, body)
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
    """Send every notice due now (or all, on flush); answers how many were sent.

    A notice is marked delivered only after the receiver answered 2xx, like a real provider:
    a worker killed mid-batch leaves the rest undelivered and the next run sends them again
    (at least once; the receiver is idempotent). Any other answer is retried (the timer backs off).
    """
    config = rt.plugin_config(plugin_id).sandbox
    order = "DESC" if config.out_of_order else "ASC"
    cutoff = "" if everything else " AND deliver_at <= {}"
    args = [] if everything else [rt.clock.now()]
    rows = await rt.db.fetch(
        f"SELECT id, notify_url, body FROM payments_sandbox_notice WHERE delivered = 0{cutoff} ORDER BY seq {order}",
        *args,
    )
    from bazaar.plugins.payments.providers import adapter

    send = getattr(adapter(rt, plugin_id), "sender", None) or default_sender(rt, plugin_id)
    sent, refused = 0, []
    for row in rows:
        body = row["body"].encode()
        statuses = []
        for _ in range(2 if config.duplicates else 1):
            headers = {
                "content-type": "application/json",
                signing.HEADER: signing.sign(config.secret, int(rt.clock.now().timestamp()), body),
            }
            statuses.append(await send(row["notify_url"], headers, body))
            sent += 1
        ok = any(200 <= status < 300 for status in statuses)
        async with rt.unit_of_work():
            await rt.db.execute("UPDATE payments_sandbox_notice SET last_status = {}, delivered = {} WHERE id = {}",
                                statuses[-1], 1 if ok else 0, row["id"])
        if not ok:
            log.warning("sandbox notice %s answered %s; will retry", row["id"], statuses[-1])
            refused.append(statuses[-1])
    if refused:
        raise ProviderError(f"{len(refused)} notice(s) not accepted (last answer {refused[-1]}); retrying")
    return sent


def deliver_timer(plugin_id: str) -> TimerHandler:
    @outside_transaction
    async def sandbox_deliver(rt: PluginRuntime, due: Due) -> None:
        """Timer (one per notice): send every notice due now, as one batch."""
        await deliver(rt, plugin_id)

    return sandbox_deliver
