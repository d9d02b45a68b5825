"""Config and plugin graph: custody refused without a PSP licence, escrow and instant conflict, policy sources."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from bazaar.core.kernel.config import load_settings
from bazaar.core.kernel.plugins import PluginHost
from bazaar.plugins.payments import policy
from bazaar.plugins.payments.config import EscrowConfig
from bazaar.plugins.payments.escrow import plugin as escrow
from bazaar.plugins.payments.instant import plugin as instant
from bazaar.sdk.errors import ConfigError, PluginError


def host(enabled: list[str], tables: dict[str, Any] | None = None) -> PluginHost:
    plugins: dict[str, Any] = {"enabled": enabled}
    for pid, table in (tables or {}).items():
        plugins.setdefault("payments", {})[pid.split(".")[1]] = table
    return PluginHost.build(load_settings(environ={}, overrides={"plugins": plugins}))


def test_platform_custody_is_refused_unless_the_operator_is_a_licensed_psp() -> None:
    with pytest.raises(ConfigError) as refused:
        host(["payments.escrow"], {"payments.escrow": {"custody": "platform"}})
    assert "plugins.payments.escrow" in str(refused.value) and "operator_is_licensed_psp" in str(refused.value)
    licensed = host(["payments.escrow"], {"payments.escrow": {"custody": "platform", "operator_is_licensed_psp": True}})
    assert licensed.plugin_config("payments.escrow").custody == "platform"
    with pytest.raises(ConfigError, match="store_card_data"):
        host(["payments.instant"], {"payments.instant": {"store_card_data": True}})
    with pytest.raises(ConfigError, match="commission_bps"):
        host(["payments.escrow"], {"payments.escrow": {"commission_bps": 10_001}})


def test_escrow_and_instant_conflict_and_claim_one_slot() -> None:
    assert escrow.conflicts == ("payments.instant",) and instant.conflicts == ("payments.escrow",)
    assert escrow.slots == instant.slots == ("payments.capture",)
    with pytest.raises(PluginError, match="conflicts"):
        host(["payments.escrow", "payments.instant"])
    assert host(["payments.instant"]).providers[("payment", "payments.instant")].id == "payments.instant"


def test_policy_values_name_their_origin_and_source() -> None:
    cfg = msgspec.convert({"preset": "eu", "commission_bps": 300}, EscrowConfig)
    lines = policy.explain(policy.RULES, cfg)
    assert lines["commission_bps"] == {"value": 300, "origin": "override", "source": "contract", "basis": "contract"}
    assert lines["auto_confirm.express_days"]["value"] is None
    assert lines["refund.deadline_days"] == {"value": 14, "origin": "preset:eu", "source": "CPL 25, 7DR 13 / CRD 13",
                                             "basis": "law"}
    assert escrow.policy is not None and escrow.policy(cfg) == lines
    cn = policy.RULES.resolve(EscrowConfig())
    assert cn["auto_confirm.express_days"] == 10 and cn["extend.max_times"] == 1 and cn["store_card_data"] is False


def test_release_split_parts_always_sum_to_the_whole() -> None:
    for amount in (0, 1, 9, 10, 11, 199, 2999, 12345, 10**9 + 7):
        for bps in (0, 1, 250, 500, 9999, 10_000):
            split = policy.release_split(amount, bps)
            assert split.commission + split.merchant == amount and 0 <= split.commission <= amount
    assert policy.release_split(2999, 500).commission == 150  # 149.95 rounds half up
    assert policy.after_release_refund(1000, 300) == (300, 700)
    assert policy.merchant_credit(500, 700) == (500, 0)


def test_unbalanced_entries_are_refused_in_code() -> None:
    from bazaar.plugins.payments.ledger import LedgerError, Line, check_balanced

    with pytest.raises(LedgerError, match="does not balance"):
        check_balanced([Line("buyer_clearing", "c", -100), Line("escrow_held", "m", 99)])
    with pytest.raises(LedgerError, match="unknown account"):
        check_balanced([Line("cash", "c", -100), Line("escrow_held", "m", 100)])


async def test_ledger_rows_are_immutable_in_the_database(bazaar_factory: Any) -> None:
    from payments_market import make_market

    m = await make_market(bazaar_factory)
    await m.paid((1, 0))
    rt = m.rt
    for sql in ("UPDATE payments_posting SET amount_minor = amount_minor + 1",
                "DELETE FROM payments_entry"):
        with pytest.raises(Exception, match="immutable"):
            async with rt.unit_of_work():
                await rt.db.execute(sql)
    await m.assert_balanced()


def test_payments_cli_is_declared() -> None:
    from bazaar.core.cli import build_parser
    from bazaar.plugins.payments.escrow import plugin as escrow
    from bazaar.plugins.payments.instant import plugin as instant

    assert [c.name for c in escrow.commands] == [c.name for c in instant.commands] == ["payments"]
    args = build_parser().parse_args(["payments", "payout"])
    assert args.payments_command == "payout"


def test_payments_payout_command_runs_on_a_migrated_database(tmp_path, monkeypatch, capsys) -> None:
    import json

    from bazaar.core.cli import main

    monkeypatch.setenv("BAZAAR_DATABASE_URL", f"sqlite:///{tmp_path / 'payout.sqlite3'}")
    monkeypatch.setenv("BAZAAR_PLUGINS_ENABLED", "payments.instant")
    assert main(["migrate"]) == 0
    capsys.readouterr()
    assert main(["payments", "payout"]) == 0
    assert json.loads(capsys.readouterr().out) == {"payouts": []}
