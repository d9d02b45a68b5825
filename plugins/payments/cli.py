"""``bazaar payments payout``: batch merchant payables into provider payouts now.

Declared on both payments plugins (``Plugin(commands=(COMMAND,))``); the kernel builds the
sub-command from installed plugins' declarations.
"""

from __future__ import annotations

import argparse
import asyncio

import msgspec

from bazaar.sdk.cli import Command, command_runtime


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="payments_command", required=True)
    payout = sub.add_parser("payout", help="pay each merchant's payable out to its settlement account")
    payout.add_argument("--demo", action="store_true")


def run(args: argparse.Namespace) -> int:
    from bazaar.plugins.payments import service

    async def go() -> list[dict[str, object]]:
        # leaving the runtime sends the instructions (and, with the sandbox, their notifications)
        async with command_runtime(args) as rt:
            return await service.run_payouts(rt, service.active_plugin(rt))

    print(msgspec.json.encode({"payouts": asyncio.run(go())}).decode())
    return 0


COMMAND = Command("payments", "payments: run merchant payouts now", configure, run)
