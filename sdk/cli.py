"""What a plugin's ``bazaar <name>`` sub-command uses (``Plugin(commands=(Command(...),))``).

A command is declared, never registered by an import side effect::

    def configure(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--demo", action="store_true")

    def run(args: argparse.Namespace) -> int:
        async def go() -> int:
            async with command_runtime(args) as rt:
                return await count_greetings(rt)
        print(asyncio.run(go()))
        return 0

    plugin = Plugin(..., commands=(Command("hello", "greet from the shell", configure, run),))

* :func:`settings_from_args`: the settings a command runs with (``--config``, the
  environment, ``--demo``);
* :func:`command_runtime`: a started runtime for those settings, typed
  :class:`~bazaar.sdk.runtime.PluginRuntime`; on a clean exit it runs what fell due (timers
  and event deliveries the command scheduled), then stops.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bazaar.core.cli_settings import settings_from_args
from bazaar.sdk.plugin import Command
from bazaar.sdk.runtime import PluginRuntime


@asynccontextmanager
async def command_runtime(args: argparse.Namespace, *, run_due: bool = True) -> AsyncIterator[PluginRuntime]:
    """A started runtime for a command's settings; runs due timers before stopping unless told not to."""
    from bazaar.core.root import build_runtime

    rt = build_runtime(settings_from_args(args))
    await rt.start()
    try:
        yield rt
        if run_due:
            await rt.worker.run_due()
    finally:
        await rt.stop()


__all__ = ["Command", "command_runtime", "settings_from_args"]
