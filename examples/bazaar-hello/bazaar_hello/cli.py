"""``bazaar hello greet NAME``: the plugin's sub-command, declared on its ``Plugin`` (no import side effect)."""

from __future__ import annotations

import argparse
import asyncio

from bazaar.sdk.cli import Command, command_runtime


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="hello_command", required=True)
    greet = sub.add_parser("greet", help="print the configured greeting for NAME")
    greet.add_argument("name")
    greet.add_argument("--demo", action="store_true")


def run(args: argparse.Namespace) -> int:
    async def go() -> str | None:
        async with command_runtime(args, run_due=False) as rt:  # reads config only: no timers to run
            if not rt.is_enabled("hello"):
                return None
            return f"{rt.plugin_config('hello').greeting}, {args.name}"

    message = asyncio.run(go())
    if message is None:
        print("bazaar: the hello plugin is not enabled (plugins.enabled)")
        return 1
    print(message)
    return 0


COMMAND = Command("hello", "the hello example plugin: greet from the shell", configure, run)
