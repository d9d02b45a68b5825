"""The plugin host: start-up validation of the plugin graph, and dispatch by hook kind.

These tests build hosts directly (no database): a fresh pluggy manager per host.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from bazaar.core import KERNEL_VERSION
from bazaar.core.kernel.config import load_settings
from bazaar.core.kernel.plugins import PluginHost
from bazaar.sdk.errors import NotFound, PluginError, PluginFailed, PluginVetoed
from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.money import Money
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.types import CheckoutQuote, HookContext, Objection, PaymentMethod, ReadinessCheck

CTX = HookContext(now=datetime(2026, 1, 5, tzinfo=UTC), request_id="req_test")
QUOTE = CheckoutQuote(customer_id="usr_1", currency="CNY", lines=(), subtotal=Money(amount=100, currency="CNY"))


def plugin(pid: str, hooks: Any = None, **kwargs: Any) -> Plugin:
    return Plugin(id=pid, version="1.0.0", summary=f"test plugin {pid}", hooks=hooks, **kwargs)


def impls(**functions: Any) -> SimpleNamespace:
    """A hooks object from plain functions (each already marked with ``@hookimpl``)."""
    return SimpleNamespace(**functions)


def build(*plugins: Plugin, enabled: list[str] | None = None, config: dict | None = None) -> PluginHost:
    table: dict[str, Any] = {"enabled": [p.id for p in plugins] if enabled is None else enabled}
    table.update(config or {})
    settings = load_settings(environ={}, overrides={"plugins": table})
    return PluginHost.build(settings, extra=plugins, discover_installed=False)


def refusal(*plugins: Plugin, **kwargs: Any) -> str:
    with pytest.raises(PluginError) as info:
        build(*plugins, **kwargs)
    return str(info.value)


@dataclass(frozen=True)
class Provider:
    kind: str
    id: str


# --- the declaration ---------------------------------------------------------------------


def test_plugin_id_must_be_lower_case():
    with pytest.raises(ValueError, match="lower-case"):
        plugin("Hello")
    with pytest.raises(ValueError):
        plugin("")


def test_timer_kinds_are_prefixed_with_the_plugin_id():
    async def handler(rt, due):  # pragma: no cover - never runs
        pass

    with pytest.raises(ValueError, match="'remind' must start with 'hello.'"):
        plugin("hello", timers={"remind": handler})
    assert plugin("hello", timers={"hello.remind": handler}).timers


# --- start-up validation -----------------------------------------------------------------


def test_unknown_plugin_id_is_refused_with_a_suggestion():
    message = refusal(plugin("payments.escrow"), enabled=["payments.escrwo"])
    assert "unknown plugin id(s) in plugins.enabled: 'payments.escrwo'" in message
    assert "did you mean 'payments.escrow'" in message
    assert "installed: payments.escrow" in message


def test_missing_requirement_is_refused_naming_both():
    message = refusal(plugin("logistics.cod", requires=("logistics",)), plugin("logistics"), enabled=["logistics.cod"])
    assert message == "plugin 'logistics.cod' requires 'logistics', which is not enabled"


def test_requirement_enabled_is_accepted_and_registered_first():
    host = build(plugin("aaa", requires=("zzz",)), plugin("zzz"))
    assert host.order == ["zzz", "aaa"]


def test_conflict_is_refused_naming_both():
    message = refusal(plugin("payments.escrow", conflicts=("payments.instant",)), plugin("payments.instant"))
    assert message == "plugin 'payments.escrow' conflicts with 'payments.instant': enable only one"


def test_conflict_with_a_disabled_plugin_is_fine():
    host = build(plugin("payments.escrow", conflicts=("payments.instant",)), plugin("payments.instant"), enabled=["payments.escrow"])
    assert host.order == ["payments.escrow"]


def test_incompatible_kernel_version_is_refused():
    message = refusal(plugin("future", kernel=">=2.0,<3.0"))
    assert message == f"plugin 'future' 1.0.0 supports kernel >=2.0,<3.0, this kernel is {KERNEL_VERSION}"


def test_malformed_kernel_range_is_refused_naming_the_plugin():
    message = refusal(plugin("sloppy", kernel="~0.1"))
    assert message.startswith("plugin 'sloppy':") and "malformed version range" in message


def test_dependency_cycle_is_refused():
    message = refusal(plugin("a", requires=("b",)), plugin("b", requires=("a",)))
    assert "dependency cycle" in message


def test_hookimpl_matching_no_hookspec_is_refused_with_the_likely_name():
    @hookimpl
    def bazaar_select_payment_providr(method):
        return "x"

    message = refusal(plugin("typo", impls(bazaar_select_payment_providr=bazaar_select_payment_providr)))
    assert message == (
        "plugin 'typo' implements 'bazaar_select_payment_providr', which matches no hookspec "
        "(did you mean 'bazaar_select_payment_provider'?)"
    )


def test_hookimpl_with_an_argument_the_spec_lacks_is_refused():
    @hookimpl
    def bazaar_select_payment_provider(method, currency):
        return "x"

    message = refusal(plugin("extra-arg", impls(bazaar_select_payment_provider=bazaar_select_payment_provider)))
    assert message.startswith("plugin 'extra-arg':") and "currency" in message


def test_hook_wrappers_are_refused():
    @hookimpl(wrapper=True)
    def bazaar_collect_readiness_checks(ctx):
        return (yield)

    message = refusal(plugin("wrapper", impls(bazaar_collect_readiness_checks=bazaar_collect_readiness_checks)))
    assert message == "plugin 'wrapper': hook wrappers are not supported (bazaar_collect_readiness_checks)"


def test_two_plugins_claiming_one_exclusive_slot_are_refused():
    message = refusal(plugin("pay.one", slots=("payments.custody",)), plugin("pay.two", slots=("payments.custody",)))
    assert message == "plugins 'pay.one' and 'pay.two' both claim the exclusive slot 'payments.custody'"


def test_distinct_slots_are_fine():
    host = build(plugin("pay.one", slots=("payments.custody",)), plugin("ship", slots=("logistics.carrier",)))
    assert host.order == ["pay.one", "ship"]


def test_duplicate_provider_ids_are_refused_naming_both_plugins():
    def registers(provider_id: str) -> SimpleNamespace:
        @hookimpl
        def bazaar_register_providers():
            return [Provider(kind="payment", id=provider_id)]

        return impls(bazaar_register_providers=bazaar_register_providers)

    message = refusal(plugin("alipay.a", registers("alipay")), plugin("alipay.b", registers("alipay")))
    assert message.endswith("both register the payment provider 'alipay'")
    assert "'alipay.a'" in message and "'alipay.b'" in message
    host = build(plugin("alipay.a", registers("alipay")), plugin("wechat", registers("wechat")))
    assert host.provider("payment", "wechat") == Provider(kind="payment", id="wechat")
    assert host.provider_owner[("payment", "alipay")] == "alipay.a"
    with pytest.raises(PluginError, match="no payment provider 'card'"):
        host.provider("payment", "card")


def test_same_provider_id_of_another_kind_is_fine():
    @hookimpl
    def pay():
        return [Provider(kind="payment", id="sf")]

    @hookimpl
    def ship():
        return [Provider(kind="carrier", id="sf")]

    host = build(plugin("p", impls(bazaar_register_providers=pay)), plugin("c", impls(bazaar_register_providers=ship)))
    assert set(host.providers) == {("payment", "sf"), ("carrier", "sf")}


def test_installed_but_disabled_plugin_is_not_registered():
    calls = []

    @hookimpl
    def bazaar_select_payment_provider(method):
        calls.append(method)
        return "nope"

    host = build(plugin("on"), plugin("off", impls(bazaar_select_payment_provider=bazaar_select_payment_provider)), enabled=["on"])
    assert host.select("bazaar_select_payment_provider", method="card") is None
    assert calls == []
    assert list(host.loaded) == ["on"]


def test_each_host_has_its_own_manager():
    @hookimpl
    def bazaar_select_payment_provider(method):
        return "one"

    one = build(plugin("one", impls(bazaar_select_payment_provider=bazaar_select_payment_provider)))
    empty = build()
    assert one.pm is not empty.pm
    assert one.select("bazaar_select_payment_provider", method="card") == ("one", "one")
    assert empty.select("bazaar_select_payment_provider", method="card") is None


def test_hooks_class_receives_its_context_with_decoded_config():
    seen = []

    class Hooks:
        def __init__(self, context):
            seen.append(context)

    build(plugin("ctx", Hooks))
    (context,) = seen
    assert context.id == "ctx"
    assert context.config is not None


# --- select ------------------------------------------------------------------------------


def recording_select(calls: list[str], name: str, answer: str | None, **marks: bool) -> SimpleNamespace:
    @hookimpl(**marks)
    def bazaar_select_payment_provider(method):
        calls.append(name)
        return answer

    return impls(bazaar_select_payment_provider=bazaar_select_payment_provider)


def test_select_first_non_none_answer_wins_and_later_ones_are_not_asked():
    calls: list[str] = []
    host = build(
        plugin("first", recording_select(calls, "first", None, tryfirst=True)),
        plugin("second", recording_select(calls, "second", "provider-2")),
        plugin("third", recording_select(calls, "third", "provider-3", trylast=True)),
    )
    assert host.select("bazaar_select_payment_provider", method="card") == ("second", "provider-2")
    assert calls == ["first", "second"]


def test_select_with_no_answer_is_none():
    calls: list[str] = []
    host = build(plugin("a", recording_select(calls, "a", None)), plugin("b", recording_select(calls, "b", None)))
    assert host.select("bazaar_select_payment_provider", method="card") is None
    assert sorted(calls) == ["a", "b"]


@pytest.mark.parametrize("chain", [False, True], ids=["sorted", "reordered-by-requires"])
def test_select_honours_tryfirst_whatever_the_registration_order(chain):
    calls: list[str] = []
    host = build(
        plugin("aaa", recording_select(calls, "aaa", "from-aaa"), requires=("zzz",) if chain else ()),
        plugin("zzz", recording_select(calls, "zzz", "from-zzz", tryfirst=True)),
    )
    assert host.select("bazaar_select_payment_provider", method="card") == ("zzz", "from-zzz")
    assert calls == ["zzz"]


@pytest.mark.parametrize("chain", [False, True], ids=["sorted", "reordered-by-requires"])
def test_select_honours_trylast_whatever_the_registration_order(chain):
    calls: list[str] = []
    host = build(
        plugin("aaa", recording_select(calls, "aaa", "from-aaa", trylast=True), requires=("zzz",) if chain else ()),
        plugin("zzz", recording_select(calls, "zzz", "from-zzz")),
        plugin("mmm", recording_select(calls, "mmm", None, trylast=True)),
    )
    assert host.select("bazaar_select_payment_provider", method="card") == ("zzz", "from-zzz")
    assert calls == ["zzz"]


def test_async_select_implementation_is_refused_at_start():
    @hookimpl
    async def bazaar_select_payment_provider(method):
        return "late"

    message = refusal(plugin("slowpoke", impls(bazaar_select_payment_provider=bazaar_select_payment_provider)))
    assert message == (
        "plugin 'slowpoke': bazaar_select_payment_provider is a select hook and must be "
        "synchronous and pure; an async implementation is refused"
    )


def test_select_implementation_may_take_a_subset_of_arguments():
    @hookimpl
    def bazaar_select_shipping_fee():
        return Money(amount=0, currency="CNY")

    host = build(plugin("free-shipping", impls(bazaar_select_shipping_fee=bazaar_select_shipping_fee)))
    assert host.select("bazaar_select_shipping_fee", draft=object()) == ("free-shipping", Money(amount=0, currency="CNY"))


# --- collect -----------------------------------------------------------------------------


def offers(method_id: str, *, is_async: bool) -> SimpleNamespace:
    method = PaymentMethod(id=method_id, label=method_id.title(), provider=method_id)
    if is_async:

        @hookimpl
        async def bazaar_collect_payment_methods(ctx, quote):
            assert quote is QUOTE and ctx is CTX
            return [method]

    else:

        @hookimpl
        def bazaar_collect_payment_methods(ctx, quote):
            return [method]

    return impls(bazaar_collect_payment_methods=bazaar_collect_payment_methods)


async def test_collect_awaits_async_implementations_beside_sync_ones():
    host = build(plugin("card", offers("card", is_async=True)), plugin("cash", offers("cash", is_async=False)))
    answers = await host.collect("bazaar_collect_payment_methods", ctx=CTX, quote=QUOTE)
    assert answers == [
        ("card", [PaymentMethod(id="card", label="Card", provider="card")]),
        ("cash", [PaymentMethod(id="cash", label="Cash", provider="cash")]),
    ]


async def test_collect_skips_none_answers():
    @hookimpl
    async def bazaar_collect_readiness_checks(ctx):
        return None

    @hookimpl
    async def checks(ctx):
        return [ReadinessCheck(name="x", ok=True)]

    host = build(plugin("quiet", impls(bazaar_collect_readiness_checks=bazaar_collect_readiness_checks)), plugin("loud", impls(bazaar_collect_readiness_checks=checks)))
    assert await host.collect("bazaar_collect_readiness_checks", ctx=CTX) == [("loud", [ReadinessCheck(name="x", ok=True)])]


async def test_collect_result_does_not_depend_on_registration_order():
    def hosts():
        # same plugins, registered in two different orders (requires changes the order)
        for chain in (False, True):
            yield build(
                plugin("alpha", offers("alpha", is_async=True), requires=("omega",) if chain else ()),
                plugin("mid", offers("mid", is_async=False)),
                plugin("omega", offers("omega", is_async=True)),
            )

    plain, chained = hosts()
    assert plain.order != chained.order, "the two hosts must register in different orders"
    assert [i.plugin for i in plain.impls("bazaar_collect_payment_methods")] != [
        i.plugin for i in chained.impls("bazaar_collect_payment_methods")
    ]
    one = await plain.collect("bazaar_collect_payment_methods", ctx=CTX, quote=QUOTE)
    two = await chained.collect("bazaar_collect_payment_methods", ctx=CTX, quote=QUOTE)
    assert one == two
    assert [pid for pid, _ in one] == ["alpha", "mid", "omega"]


# --- objections --------------------------------------------------------------------------


def objects(answer: Any, calls: list[str] | None = None, name: str = "") -> SimpleNamespace:
    @hookimpl
    async def bazaar_checkout_objections(ctx, quote):
        if calls is not None:
            calls.append(name)
        return answer

    return impls(bazaar_checkout_objections=bazaar_checkout_objections)


async def test_no_objection_lets_the_action_through():
    host = build(plugin("ok", objects(None)))
    assert await host.objections("bazaar_checkout_objections", ctx=CTX, quote=QUOTE) is None


async def test_objection_raises_plugin_vetoed_naming_the_plugin():
    host = build(plugin("ok", objects(None)), plugin("sanctions", objects(Objection(reason="buyer is sanctioned", code="sanctions.listed"))))
    with pytest.raises(PluginVetoed) as info:
        await host.objections("bazaar_checkout_objections", ctx=CTX, quote=QUOTE)
    veto = info.value
    assert veto.plugin == "sanctions" and veto.reason == "buyer is sanctioned"
    assert veto.code == "plugin_vetoed" and veto.status == 409
    body = veto.problem()
    assert body["plugin"] == "sanctions" and body["reason_code"] == "sanctions.listed"


async def test_string_objection_is_a_reason():
    host = build(plugin("limits", objects("over the daily limit")))
    with pytest.raises(PluginVetoed, match="limits: over the daily limit"):
        await host.objections("bazaar_checkout_objections", ctx=CTX, quote=QUOTE)


async def test_first_objection_in_plugin_id_order_wins_whatever_the_registration_order():
    calls: list[str] = []
    host = build(
        plugin("aaa", objects("no from aaa", calls, "aaa"), requires=("zzz",)),
        plugin("zzz", objects("no from zzz", calls, "zzz")),
    )
    assert host.order == ["zzz", "aaa"]
    with pytest.raises(PluginVetoed) as info:
        await host.objections("bazaar_checkout_objections", ctx=CTX, quote=QUOTE)
    assert info.value.plugin == "aaa"
    assert calls == ["aaa"]


async def test_objection_of_the_wrong_type_is_a_plugin_failure():
    host = build(plugin("confused", objects(True)))
    with pytest.raises(PluginFailed) as info:
        await host.objections("bazaar_checkout_objections", ctx=CTX, quote=QUOTE)
    assert info.value.plugin == "confused"


# --- failures inside hooks ---------------------------------------------------------------


async def test_exception_in_a_hook_becomes_plugin_failed_naming_plugin_and_hook(caplog):
    @hookimpl
    async def bazaar_collect_readiness_checks(ctx):
        raise KeyError("boom")

    host = build(plugin("fragile", impls(bazaar_collect_readiness_checks=bazaar_collect_readiness_checks)))
    with pytest.raises(PluginFailed) as info:
        await host.collect("bazaar_collect_readiness_checks", ctx=CTX)
    assert info.value.plugin == "fragile" and info.value.hook == "bazaar_collect_readiness_checks"
    assert isinstance(info.value.__cause__, KeyError)
    assert any(r.name == "bazaar.plugins" and "fragile" in r.getMessage() for r in caplog.records)


def test_exception_in_a_select_hook_becomes_plugin_failed():
    @hookimpl
    def bazaar_select_payment_provider(method):
        raise ZeroDivisionError

    host = build(plugin("divider", impls(bazaar_select_payment_provider=bazaar_select_payment_provider)))
    with pytest.raises(PluginFailed, match="plugin 'divider' failed in bazaar_select_payment_provider"):
        host.select("bazaar_select_payment_provider", method="card")


async def test_domain_errors_raised_by_a_hook_pass_through_unchanged():
    @hookimpl
    async def bazaar_checkout_objections(ctx, quote):
        raise NotFound("no such customer")

    host = build(plugin("strict", impls(bazaar_checkout_objections=bazaar_checkout_objections)))
    with pytest.raises(NotFound, match="no such customer"):
        await host.objections("bazaar_checkout_objections", ctx=CTX, quote=QUOTE)


# --- events ------------------------------------------------------------------------------


def test_subscribers_match_glob_patterns():
    def handler() -> SimpleNamespace:
        @hookimpl
        async def bazaar_handle_event(event):
            pass

        return impls(bazaar_handle_event=bazaar_handle_event)

    host = build(
        plugin("orders", handler(), subscribes=("order.*",)),
        plugin("paid", handler(), subscribes=("order.paid", "refund.*")),
        plugin("deaf", subscribes=("order.*",)),  # subscribes but implements no handler
    )
    assert host.subscribers("order.paid") == ["orders", "paid"]
    assert host.subscribers("order.shipped") == ["orders"]
    assert host.subscribers("refund.done") == ["paid"]
    assert host.subscribers("merchant.activated") == []
