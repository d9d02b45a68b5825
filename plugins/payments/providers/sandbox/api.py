"""The sandbox's hosted pay page and its JSON endpoints, under ``/api/v1/payments/sandbox``."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from litestar import Controller, MediaType, Response, get, post
from litestar.params import JSONBody

from bazaar.plugins.payments.providers import adapter
from bazaar.plugins.payments.providers.sandbox.adapter import SandboxAdapter
from bazaar.plugins.payments.providers.sandbox.notices import deliver
from bazaar.plugins.payments.schemas import SandboxApprove
from bazaar.sdk.api import RuntimeDep, problems
from bazaar.sdk.errors import NotFound, ProviderError
from bazaar.sdk.runtime import PluginRuntime

PAGE = (Path(__file__).parent / "page.html").read_text(encoding="utf-8")
SCRIPT = (Path(__file__).parent / "pay.js").read_text(encoding="utf-8")


def _sandbox(rt: PluginRuntime) -> SandboxAdapter:
    from bazaar.plugins.payments.service import active_plugin

    found = adapter(rt, active_plugin(rt))
    if not isinstance(found, SandboxAdapter):
        raise NotFound("the sandbox provider is not in use", code="payments.sandbox_off")
    return found


class SandboxController(Controller):
    path = "/payments/sandbox"
    tags = ["payments"]

    @get("/pay/{payment_id:str}", operation_id="payments_sandbox_page", opt={"auth": "public"},
         media_type=MediaType.HTML, responses=problems(NotFound))
    async def page(self, rt: RuntimeDep, payment_id: str) -> Response[str]:
        """The hosted pay page: amount, and approve / decline buttons."""
        view = await _sandbox(rt).bank.view(payment_id[:40])
        amount = f"{view['amount'] / 100:.2f} {view['currency']}"
        body = PAGE.replace("{{id}}", html.escape(view["id"])).replace("{{amount}}", html.escape(amount))
        body = body.replace("{{status}}", html.escape(view["status"]))
        return Response(body, media_type=MediaType.HTML)

    @get("/pay.js", operation_id="payments_sandbox_script", opt={"auth": "public"}, include_in_schema=False,
         media_type="text/javascript")
    async def script(self) -> Response[str]:
        """The pay page's script (served apart: the page's CSP forbids inline scripts)."""
        return Response(SCRIPT, media_type="text/javascript")

    @get("/pay/{payment_id:str}/status", operation_id="payments_sandbox_status", opt={"auth": "public"},
         responses=problems(NotFound))
    async def status(self, rt: RuntimeDep, payment_id: str) -> dict[str, Any]:
        """The payment as the sandbox sees it."""
        return await _sandbox(rt).bank.view(payment_id[:40])

    @post("/pay/{payment_id:str}/approve", operation_id="payments_sandbox_approve", status_code=200,
          opt={"auth": "public"}, responses=problems(NotFound, ProviderError))
    async def approve(self, rt: RuntimeDep, payment_id: str, data: JSONBody[SandboxApprove | None] = None) -> dict[str, Any]:
        """The payer approves; the sandbox takes the funds and notifies the shop."""
        return await _sandbox(rt).bank.approve(payment_id[:40], data.amount if data else None,
                                               data.currency if data else None)

    @post("/pay/{payment_id:str}/decline", operation_id="payments_sandbox_decline", status_code=200,
          opt={"auth": "public"}, responses=problems(NotFound, ProviderError))
    async def decline(self, rt: RuntimeDep, payment_id: str) -> dict[str, Any]:
        """The payer declines; the sandbox notifies the shop."""
        return await _sandbox(rt).bank.decline(payment_id[:40])

    @get("/notifications", operation_id="payments_sandbox_notifications", opt={"auth": "operator"})
    async def notifications(self, rt: RuntimeDep) -> list[dict[str, Any]]:
        """Every notification the sandbox queued or sent (bodies as sent, for replay tests)."""
        _sandbox(rt)
        rows = await rt.db.fetch(
            "SELECT id, seq, notify_url, body, deliver_at, delivered, last_status FROM payments_sandbox_notice "
            "ORDER BY seq"
        )
        return rows

    @post("/notifications/flush", operation_id="payments_sandbox_flush", status_code=200, opt={"auth": "operator"})
    async def flush(self, rt: RuntimeDep) -> dict[str, int]:
        """Deliver every held notification now (``hold = true``), in the configured order."""
        from bazaar.plugins.payments.service import active_plugin

        _sandbox(rt)
        return {"sent": await deliver(rt, active_plugin(rt), everything=True)}


ROUTES = (SandboxController,)
