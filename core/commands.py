"""The commerce core's CLI sub-commands: ``bazaar users create-operator`` and ``bazaar demo``.

Declared in :data:`COMMANDS` (read by ``bazaar.core.cli``), like a plugin's ``Plugin.commands``.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
import warnings

from bazaar.core.cli_settings import settings_from_args
from bazaar.sdk.errors import ValidationFailed
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


def _ask_password() -> str:
    """The password typed at the terminal, not echoed; refused in one line when there is no
    terminal to ask on (getpass would read it, echoed, from stdin) or the input ended."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            return getpass.getpass("Password: ")
        except (EOFError, getpass.GetPassWarning):
            raise ValidationFailed(
                "no password given (no terminal to ask on, or the input ended): "
                "pass --password-stdin or set BAZAAR_OPERATOR_PASSWORD",
                code="password_required",
            ) from None


def _run_users(args: argparse.Namespace) -> int:
    from bazaar.core.root import build_runtime
    from bazaar.core.users.service import create_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif os.environ.get("BAZAAR_OPERATOR_PASSWORD"):
        password = os.environ["BAZAAR_OPERATOR_PASSWORD"]
    else:
        password = _ask_password()

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

    user_id = asyncio.run(run())  # a refusal (email_taken, weak_password) is one line from ``main``
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
