"""Micro-benchmark of hook dispatch through the plugin host.

Measures ``PluginHost.select``, ``collect`` (sync and async implementations) and
``objections`` with 1 and 10 plugins registered, against a plain function call (and a plain
``await``) in the same process, plus pluggy's own hook call for reference. Reports the median
of the repeats in nanoseconds per call and the ratio to the baseline.

    python bench/hooks.py [--repeat 7] [--number 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import timeit
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pluggy

from bazaar.core.kernel.config import load_settings
from bazaar.core.kernel.plugins import PluginHost
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.money import Money
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.types import CheckoutQuote, HookContext, PaymentMethod

CTX = HookContext(now=datetime(2026, 1, 5, tzinfo=UTC))
QUOTE = CheckoutQuote(customer_id="usr_1", currency="CNY", lines=(), subtotal=Money(amount=100, currency="CNY"))
PLUGIN_COUNTS = (1, 10)


def make_plugin(n: int, answers: bool) -> Plugin:
    """A plugin with one implementation of each measured hook."""
    method = PaymentMethod(id=f"m{n}", label=f"Method {n}", provider=f"p{n}")

    @hookimpl
    def bazaar_select_payment_provider(method: str) -> str | None:
        return f"p{n}" if answers else None

    @hookimpl
    def bazaar_collect_payment_methods(ctx: HookContext, quote: CheckoutQuote) -> list[PaymentMethod]:
        return [method]

    @hookimpl
    async def bazaar_collect_readiness_checks(ctx: HookContext) -> list[Any]:
        return []

    @hookimpl
    async def bazaar_checkout_objections(ctx: HookContext, quote: CheckoutQuote) -> None:
        return None

    hooks = SimpleNamespace(
        bazaar_select_payment_provider=bazaar_select_payment_provider,
        bazaar_collect_payment_methods=bazaar_collect_payment_methods,
        bazaar_collect_readiness_checks=bazaar_collect_readiness_checks,
        bazaar_checkout_objections=bazaar_checkout_objections,
    )
    return Plugin(id=f"bench{n:02d}", version="1.0.0", summary="benchmark", hooks=hooks)


def build_host(count: int) -> PluginHost:
    # only the plugin registered first answers the select hook: it is asked last, so every
    # implementation runs (the worst case for a select)
    plugins = [make_plugin(n, answers=(n == 0)) for n in range(count)]
    settings = load_settings(environ={}, overrides={"plugins": {"enabled": [p.id for p in plugins]}})
    return PluginHost.build(settings, extra=plugins, discover_installed=False)


def sync_ns(fn: Callable[[], Any], number: int, repeat: int) -> float:
    runs = timeit.Timer(fn).repeat(repeat=repeat, number=number)
    return statistics.median(runs) / number * 1e9


def async_ns(loop: asyncio.AbstractEventLoop, fn: Callable[[], Awaitable[Any]], number: int, repeat: int) -> float:
    async def many() -> None:
        for _ in range(number):
            await fn()

    runs = timeit.Timer(lambda: loop.run_until_complete(many())).repeat(repeat=repeat, number=1)
    return statistics.median(runs) / number * 1e9


def measure(
    host: PluginHost, loop: asyncio.AbstractEventLoop, call: float, awaited: float, number: int, repeat: int
) -> list[tuple[str, float, float]]:
    """``(name, ns per call, baseline)`` for each hook kind on ``host``."""
    hook: Any = host.pm.hook
    assert host.select("bazaar_select_payment_provider", method="card") == ("bench00", "p0")
    return [
        ("select (sync)", sync_ns(lambda: host.select("bazaar_select_payment_provider", method="card"), number, repeat), call),
        (
            "  pluggy hook call, same select",
            sync_ns(lambda: hook.bazaar_select_payment_provider(method="card"), number, repeat),
            call,
        ),
        (
            "collect, sync impls",
            async_ns(loop, lambda: host.collect("bazaar_collect_payment_methods", ctx=CTX, quote=QUOTE), number, repeat),
            awaited,
        ),
        (
            "collect, async impls",
            async_ns(loop, lambda: host.collect("bazaar_collect_readiness_checks", ctx=CTX), number, repeat),
            awaited,
        ),
        (
            "objections, async, none objects",
            async_ns(loop, lambda: host.objections("bazaar_checkout_objections", ctx=CTX, quote=QUOTE), number, repeat),
            awaited,
        ),
    ]


def plain_call(method: str) -> str | None:
    return None if method == "" else "p0"


async def plain_coroutine(method: str) -> str | None:
    return None if method == "" else "p0"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="repeats; the median is reported (>= 5)")
    parser.add_argument("--number", type=int, default=20_000, help="calls per repeat")
    args = parser.parse_args(argv)
    repeat, number = max(5, args.repeat), args.number
    loop = asyncio.new_event_loop()
    try:
        call = sync_ns(lambda: plain_call("card"), number, repeat)
        awaited = async_ns(loop, lambda: plain_coroutine("card"), number, repeat)
        rows: list[tuple[str, int, float, float]] = []
        for count in PLUGIN_COUNTS:
            rows += [(name, count, ns, base) for name, ns, base in measure(build_host(count), loop, call, awaited, number, repeat)]
    finally:
        loop.close()

    print(f"Bazaar hook dispatch (Python {platform.python_version()}, pluggy {pluggy.__version__})")
    print(f"median of {repeat} repeats x {number} calls; ns per call")
    print()
    print(f"{'baseline: plain function call':<36} {'':>7} {call:>9.0f} ns")
    print(f"{'baseline: await a plain coroutine':<36} {'':>7} {awaited:>9.0f} ns")
    print()
    print(f"{'hook':<36} {'plugins':>7} {'ns/call':>9} {'x baseline':>11}  baseline")
    for name, count, ns, base in rows:
        label = "call" if base is call else "await"
        print(f"{name:<36} {count:>7} {ns:>9.0f} {ns / base:>11.1f}  {label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
