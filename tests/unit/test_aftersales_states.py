"""The after-sales case machine: every wait has a clock whose outcome the table takes, every state can
end, and every action a caller is offered is a route."""

from __future__ import annotations

from bazaar.plugins.aftersales import api, api_admin
from bazaar.plugins.aftersales.states import ACTION, CASE, CLOCKS, TABLE, CaseState, allowed_actions


def test_every_waiting_state_has_a_clock_the_table_takes() -> None:
    assert set(CLOCKS) == set(CaseState) - {CaseState.closed}
    for state, clock in CLOCKS.items():
        assert (state, clock.on_expiry) in TABLE, (state, clock)


def test_every_state_can_reach_closed() -> None:
    edges: dict[CaseState, set[CaseState]] = {}
    for (src, _), dst in TABLE.items():
        edges.setdefault(src, set()).add(dst)
    for state in CaseState:
        seen, todo = {state}, [state]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        assert CaseState.closed in seen, state


def test_every_offered_action_is_a_route() -> None:
    paths = set()
    for controller in (api.CasesController, api_admin.AdminAftersalesController):
        for value in vars(controller).values():
            for path in getattr(value, "paths", ()):
                paths.add(path.rsplit("/", 1)[-1])
    assert set(ACTION.values()) <= paths, set(ACTION.values()) - paths


def test_actions_follow_roles() -> None:
    assert allowed_actions("requested", ["merchant"]) == ["accept", "reject", "request_info"]
    assert allowed_actions("requested", ["customer"]) == ["cancel"]
    assert allowed_actions("escalated", ["operator"]) == ["request_evidence", "rule"]
    assert allowed_actions("rejected", ["customer"], escalation=False) == ["accept_outcome", "cancel"]
    assert allowed_actions("closed", ["customer", "merchant", "operator"]) == []
    assert CASE.allowed_actions("requested", ["system"]) == ["accept_refund", "accept_return", "intercept"]
