"""The commerce core's CLI sub-commands: ``bazaar users create-operator`` and ``bazaar demo``.

Declared in :data:`COMMANDS` (read by ``bazaar.core.cli``), like a plugin's ``Plugin.commands``.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from bazaar.core.cli_settings import settings_from_args
from bazaar.sdk.plugin import Command


def _configure_users(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="users_command", required=True)
    create = sub.add_parser("create-operator", help="create a platform operator account")
    create.add_argument("--email", required=True)
    create.add_argument("--name", default="Operator")
    create.add_argument("--rights", default="*", help="comma-separated operator rights (default: all)")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    create.add_argument("--demo", action="store_true")


def _run_users(args: argparse.Namespace) -> int:
    from bazaar.core.root import build_runtime
    from bazaar.core.users.service import create_user
    from bazaar.sdk.errors import BazaarError

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif os.environ.get("BAZAAR_OPERATOR_PASSWORD"):
        password = os.environ["BAZAAR_OPERATOR_PASSWORD"]
    else:
        password = getpass.getpass("Password: ")

    async def run() -> str:
        rt = build_runtime(settings_from_args(args))
        await rt.start()
        try:
            await rt.migrate()
            return await create_user(
                rt,
                email=args.email,
                password=password,
                name=args.name,
                operator_rights=[r.strip() for r in args.rights.split(",") if r.strip()],
            )
        finally:
            await rt.stop()

    try:
        user_id = asyncio.run(run())
    except BazaarError as exc:
        print(f"bazaar: {exc.code}: {exc.detail}", file=sys.stderr)
        return 1
    print(f"operator created: {user_id} <{args.email}>")
    return 0


def _configure_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", help="use the demo database and plugins")


def _run_demo(args: argparse.Namespace) -> int:
    from bazaar.core.demo import seed_and_print

    settings = settings_from_args(args)
    asyncio.run(seed_and_print(settings, migrate=True))
    return 0


COMMANDS = (
    Command("users", "user accounts (create an operator)", _configure_users, _run_users),
    Command("demo", "seed the demo data and print the logins", _configure_demo, _run_demo),
)
