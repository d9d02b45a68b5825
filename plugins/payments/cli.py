"""``bazaar payments payout``: batch merchant payables into provider payouts now.

Registered in the kernel's ``COMMANDS`` when this module is imported (plugin discovery
imports it).
"""

from __future__ import annotations

import argparse
import asyncio

import msgspec

from bazaar.sdk.services import register_command, settings_from_args


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="payments_command", required=True)
    payout = sub.add_parser("payout", help="pay each merchant's payable out to its settlement account")
    payout.add_argument("--demo", action="store_true")


def run(args: argparse.Namespace) -> int:
    from bazaar.plugins.payments import service
    from bazaar.sdk.api import Runtime

    async def go() -> list[dict[str, object]]:
        rt = Runtime(settings_from_args(args))
        await rt.start()
        try:
            made = await service.run_payouts(rt, service.active_plugin(rt))
            await rt.worker.run_due()  # send the instructions (and, with the sandbox, their notifications)
            return made
        finally:
            await rt.stop()

    print(msgspec.json.encode({"payouts": asyncio.run(go())}).decode())
    return 0


register_command("payments", configure, run)
