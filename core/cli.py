"""The ``bazaar`` command: serve, worker, migrate, plugins, config check, files purge, and declared commands.

An entry point: it starts from the composition root (:mod:`bazaar.core.root`), which builds
the runtime and the app from the kernel, the core's built-in domains and the enabled plugins.
Beyond its own sub-commands, the parser is built from declarations: the core's
(``bazaar.core.commands.COMMANDS``: ``users``, ``demo``) and every installed plugin's
``Plugin(commands=(Command(name, help, configure, run),))``. Nothing registers itself by
being imported.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from bazaar.core import KERNEL_VERSION
from bazaar.core.cli_settings import DEMO_DB, demo_overrides, settings_from_args
from bazaar.core.commands import COMMANDS as CORE_COMMANDS
from bazaar.core.demo import demo_state, seed_and_print
from bazaar.core.kernel.config import Settings, mask
from bazaar.core.kernel.plugins import discover
from bazaar.core.kernel.runtime import Runtime
from bazaar.core.root import build_host, build_runtime
from bazaar.sdk.errors import BazaarError, ConfigError, PluginError
from bazaar.sdk.plugin import Command

#: the built-in sub-commands (a declared command may not take these names)
KERNEL_COMMANDS = ("serve", "worker", "migrate", "plugins", "config", "files")

__all__ = ["DEMO_DB", "demo_overrides", "main", "settings_from_args"]


def _runtime(settings: Settings) -> Runtime:
    return build_runtime(settings)


async def _migrate(settings: Settings) -> list[str]:
    rt = _runtime(settings)
    await rt.start()
    try:
        return await rt.migrate()
    finally:
        await rt.stop()


def cmd_migrate(args: argparse.Namespace) -> int:
    applied = asyncio.run(_migrate(settings_from_args(args)))
    print("\n".join(f"applied {m}" for m in applied) or "nothing to migrate")
    return 0


def tcp_nodelay_for_workers() -> None:
    """Make ``--workers N`` connections use ``TCP_NODELAY`` again (uvicorn issue #3149).

    With several workers uvicorn binds the listening socket itself with ``proto`` 0; the
    accepted sockets inherit it, asyncio only sets ``TCP_NODELAY`` on ``IPPROTO_TCP``
    sockets, and Nagle's algorithm then holds each response body (written after its
    headers) until the client's delayed ACK: about 44 ms per keep-alive request on Linux.
    The bench measured every request at >= 44 ms with 2 workers, 0.3 ms with one. This
    re-wraps the bound socket as ``IPPROTO_TCP``; idempotent.
    """
    import socket

    from uvicorn.config import Config

    original = Config.bind_socket
    if getattr(original, "bazaar_nodelay", False):
        return

    def bind_socket(self: Config) -> socket.socket:
        sock = original(self)
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto != socket.IPPROTO_TCP:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        return sock

    bind_socket.bazaar_nodelay = True  # type: ignore[attr-defined]
    Config.bind_socket = bind_socket  # type: ignore[method-assign]


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = settings_from_args(args)
    asyncio.run(_migrate(settings))
    if args.demo:
        asyncio.run(seed_and_print(settings))
    env = {"BAZAAR_CONFIG": args.config} if args.config else {}
    if args.demo:
        env["BAZAAR_DATABASE_URL"] = settings.database.url
        env["BAZAAR_PLUGINS_ENABLED"] = ",".join(settings.plugins.enabled)
        env["BAZAAR_SECURITY__ENCRYPTION_KEYS"] = f'{{demo = "{settings.security.encryption_keys["demo"]}"}}'
        env["BAZAAR_SECURITY__ACTIVE_KEY_ID"] = "demo"
        sandbox = f'{{allow_sandbox = true, sandbox = {{secret = "{demo_state()["sandbox_secret"]}"}}}}'
        env["BAZAAR_PLUGINS__PAYMENTS"] = f"{{escrow = {sandbox}, instant = {sandbox}}}"
        env["BAZAAR_PLUGINS__LOGISTICS"] = sandbox
    if args.no_worker:
        env["BAZAAR_SERVER_EMBEDDED_WORKER"] = "false"
    os.environ.update(env)
    host = args.host or settings.server.host
    port = args.port or settings.server.port
    workers = args.workers or settings.server.workers
    print(f"Bazaar {KERNEL_VERSION} on http://{host}:{port}  (API docs: http://{host}:{port}/schema)", flush=True)
    tcp_nodelay_for_workers()
    uvicorn.run(
        "bazaar.core.root:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from bazaar.core.kernel.logging import configure

    settings = settings_from_args(args)
    configure(settings.log.level, settings.log.json)

    async def run() -> int:
        from bazaar.core.kernel.checks import enforce

        rt = _runtime(settings)
        enforce(rt.findings())
        await rt.start()
        try:
            if args.once:
                return await rt.worker.run_due()
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await rt.worker.run_forever(stop)
            return rt.worker.ran
        finally:
            await rt.stop()

    ran = asyncio.run(run())
    print(msgspec.json.encode({"worker": "stopped", "ran": ran}).decode(), flush=True)
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    """The core's built-ins (always on), then every installed plugin, with the config in force."""
    settings = settings_from_args(args)
    host = build_host(settings)
    rows = []
    for pid, plugin in [*host.builtin.items(), *sorted(discover().items())]:
        loaded = host.loaded.get(pid)
        builtin = host.is_builtin(pid)
        row: dict[str, Any] = {
            "id": pid,
            "version": plugin.version,
            "enabled": loaded is not None,
            "builtin": builtin,
            "summary": plugin.summary,
            "requires": list(plugin.requires),
            "conflicts": list(plugin.conflicts),
            "kernel": plugin.kernel,
        }
        if loaded is not None and not builtin:
            row["config"] = mask(loaded.config)
        if loaded is not None and args.policy and plugin.policy is not None:
            row["policy"] = plugin.policy(loaded.config)
        rows.append(row)
    if args.json:
        print(msgspec.json.encode(rows).decode())
        return 0
    for row in rows:
        mark = "core" if row["builtin"] else "on " if row["enabled"] else "off"
        print(f"[{mark}] {row['id']} {row['version']} - {row['summary']}")
        if "config" in row:
            print(f"      config: {msgspec.json.encode(row['config']).decode()}")
        if "policy" in row:
            print(_policy_table(row["policy"]))
    return 0


def _policy_table(policy: Any) -> str:
    """Policy lines (key, value, origin, source) as an aligned table for operators."""
    lines = msgspec.to_builtins(policy)
    if isinstance(lines, dict):
        lines = [{"key": key, **value} for key, value in lines.items()]
    table = [("key", "value", "origin", "source")] + [
        (str(line["key"]), msgspec.json.encode(line["value"]).decode()[:60], str(line.get("origin", "")),
         str(line.get("source", "")))
        for line in lines
    ]
    widths = [max(len(r[i]) for r in table) for i in range(3)]
    return "\n".join(
        "      " + "  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(r)) for r in table
    )


def cmd_config_check(args: argparse.Namespace) -> int:
    from bazaar.core.kernel.files import build_storage

    settings = settings_from_args(args)
    host = build_host(settings)
    build_storage(settings)  # refuses a deployment with nowhere to keep stored files
    effective = mask(settings)
    effective["plugins"] = {
        "enabled": host.order,
        **{pid: mask(loaded.config) for pid, loaded in host.loaded.items() if not host.is_builtin(pid)},
    }
    print(msgspec.json.format(msgspec.json.encode(effective), indent=2).decode())
    from bazaar.core.kernel.checks import all_findings

    findings = all_findings(settings, {pid: (lp.plugin, lp.config) for pid, lp in host.loaded.items()},
                            getattr(args, "production", False))
    marks = {"error": "FAIL", "warning": "WARN", "manual": "CHECK BY HAND"}
    for finding in findings:  # on stderr: stdout stays the effective config as JSON
        print(f"{marks[finding.level]:13} {finding.key}: {finding.message}", file=sys.stderr)
    errors = sum(f.level == "error" for f in findings)
    print(f"config check: {errors} error(s), {sum(f.level == 'warning' for f in findings)} warning(s)"
          + (" (production checklist)" if getattr(args, "production", False) else ""), file=sys.stderr)
    return 1 if errors else 0


def cmd_files_purge(args: argparse.Namespace) -> int:
    """``bazaar files purge``: what the daily purge timer does, now."""
    settings = settings_from_args(args)

    async def run() -> tuple[int, int]:
        rt = _runtime(settings)
        await rt.start()
        try:
            return await rt.files.purge()  # type: ignore[no-any-return]
        finally:
            await rt.stop()

    records, blobs = asyncio.run(run())
    print(msgspec.json.encode({"purged_records": records, "deleted_blobs": blobs}).decode(), flush=True)
    return 0


def declared_commands() -> list[Command]:
    """The core's commands, then every installed plugin's (``Plugin.commands``), by plugin id.

    Plugins that share one declaration (both payments plugins declare ``payments``) give
    one sub-command; two different commands with one name are a ``PluginError``.
    """
    commands: list[Command] = []
    for command in [*CORE_COMMANDS, *(c for _, p in sorted(discover().items()) for c in p.commands)]:
        if command not in commands:
            commands.append(command)
    return commands


def _check_names(commands: Iterable[Command]) -> None:
    seen = set(KERNEL_COMMANDS)
    for command in commands:
        if command.name in seen:
            raise PluginError(f"two sub-commands are named {command.name!r}")
        seen.add(command.name)


def build_parser(commands: Sequence[Command] | None = None) -> argparse.ArgumentParser:
    """The ``bazaar`` parser: the kernel's sub-commands and ``commands`` (default: the declared ones)."""
    commands = declared_commands() if commands is None else commands
    _check_names(commands)
    parser = argparse.ArgumentParser(prog="bazaar", description="Bazaar commerce framework")
    parser.add_argument("--version", action="version", version=f"bazaar {KERNEL_VERSION}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="on failure, show the traceback (otherwise one line and a non-zero status)")
    parser.add_argument("--config", default=None, help="path to bazaar.toml (or BAZAAR_CONFIG)")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP API (with an embedded worker)")
    serve.add_argument("--demo", action="store_true", help="SQLite here, all plugins, demo data")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, help="server worker processes")
    serve.add_argument("--no-worker", action="store_true", help="do not run timers in this process")
    serve.set_defaults(run=cmd_serve)

    worker = sub.add_parser("worker", help="run due timers and event deliveries")
    worker.add_argument("--once", action="store_true", help="run what is due now, then exit")
    worker.add_argument("--demo", action="store_true")
    worker.set_defaults(run=cmd_worker)

    migrate = sub.add_parser("migrate", help="apply migrations: core, then plugins")
    migrate.add_argument("--demo", action="store_true")
    migrate.set_defaults(run=cmd_migrate)

    plugins = sub.add_parser("plugins", help="installed and enabled plugins, config in force")
    plugins.add_argument("--json", action="store_true")
    plugins.add_argument("--policy", action="store_true", help="policy values with their source")
    plugins.add_argument("--demo", action="store_true")
    plugins.set_defaults(run=cmd_plugins)

    config = sub.add_parser("config", help="configuration")
    config_sub = config.add_subparsers(dest="config_command", required=True)
    check = config_sub.add_parser("check", help="print the effective config or the errors")
    check.add_argument("--demo", action="store_true")
    check.add_argument("--production", action="store_true",
                       help="verify the going-to-production checklist item by item (docs/operators.md)")
    check.set_defaults(run=cmd_config_check)

    files = sub.add_parser("files", help="the shared file store")
    files_sub = files.add_subparsers(dest="files_command", required=True)
    purge = files_sub.add_parser(
        "purge", help="delete files past retention and not on legal hold, then bytes no file uses"
    )
    purge.add_argument("--demo", action="store_true")
    purge.set_defaults(run=cmd_files_purge)

    for declared in commands:
        command = sub.add_parser(declared.name, help=declared.help)
        declared.configure(command)
        command.set_defaults(run=declared.run)
    return parser


def _fail(message: str, status: int) -> int:
    """One line on stderr (the first line of ``message``), and the exit status."""
    lines = message.strip().splitlines() or ["failed"]
    try:
        print(f"bazaar: {lines[0]}", file=sys.stderr, flush=True)
    except OSError:  # stderr is gone too
        pass
    return status


def _drop_stdout() -> None:
    """The reader of stdout went away (``bazaar plugins --json | head``): send what is left
    nowhere, so flushing at exit does not fail again (the Python docs' SIGPIPE recipe)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    """Run a sub-command. Every failure ends in one line on stderr (an invalid configuration:
    one line per refused key) and a non-zero status: 2 for configuration and plugin errors,
    1 for a refused command (``code: detail``) or an unexpected error, 141 when stdout was
    closed early, 130 when interrupted; ``bazaar -v`` shows the traceback instead."""
    try:
        parser = build_parser()
    except PluginError as exc:
        return _fail(f"plugin error: {exc}", 2)
    args = parser.parse_args(argv)
    if not args.verbose:  # Piccolo warns before the error it answers: the one line below says it
        warnings.filterwarnings("ignore", message=r".*Unable to connect to database")
    try:
        status = int(args.run(args) or 0)
        sys.stdout.flush()  # here, not at exit: a closed pipe is answered below
        return status
    except BrokenPipeError:
        _drop_stdout()
        if args.verbose:
            raise
        return _fail("the output was closed before it was all written (broken pipe)", 141)
    except KeyboardInterrupt:
        if args.verbose:
            raise
        return _fail("interrupted", 130)
    except Exception as exc:
        if args.verbose:
            raise
        if isinstance(exc, ConfigError):  # the one multi-line answer: each refused key on its line
            print(f"bazaar: {exc}", file=sys.stderr)
            return 2
        if isinstance(exc, PluginError):
            return _fail(f"plugin error: {exc}", 2)
        if isinstance(exc, BazaarError):
            reasons = "; ".join(f"{p.field} {p.reason}" for p in exc.errors if p.reason not in exc.detail)
            return _fail(f"{exc.code}: {exc.detail}" + (f" ({reasons})" if reasons else ""), 1)
        return _fail(f"{type(exc).__name__}: {exc} (bazaar -v shows the traceback)", 1)


if __name__ == "__main__":
    from bazaar.core.cli import main as _main  # the importable module, not __main__

    sys.exit(_main())
