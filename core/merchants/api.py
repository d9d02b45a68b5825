"""Merchants API: apply, view, edit, staff and invitations; operators change status."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.params import JSONBody

from bazaar.core.auth.guard import ActorDep
from bazaar.core.kernel.http import Cursor, Limit, Page, check_id, problems
from bazaar.core.kernel.runtime import RuntimeDep
from bazaar.core.merchants import service
from bazaar.core.merchants.schemas import (
    InvitationCreate,
    InvitationOut,
    MerchantApply,
    MerchantOut,
    MerchantPatch,
    MerchantStatusChange,
    StaffOut,
    StatusChangeOut,
)
from bazaar.sdk.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, PluginVetoed


class MerchantsController(Controller):
    path = "/merchants"
    tags = ["merchants"]

    @post("/", operation_id="merchant_apply", opt={"auth": "user"}, responses=problems(PermissionDenied))
    async def apply(self, rt: RuntimeDep, actor: ActorDep, data: JSONBody[MerchantApply]) -> MerchantOut:
        """Apply to open a store; you become its owner and it starts ``pending``."""
        return await service.apply(rt, actor, data)

    @get("/{merchant_id:str}", operation_id="merchant_get", opt={"auth": "public"}, responses=problems(NotFound))
    async def get_merchant(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str) -> MerchantOut:
        """A merchant: public summary, or in full for its staff and operators."""
        return await service.get(rt, check_id(merchant_id, "mch", "merchant_id"), actor)

    @patch("/{merchant_id:str}", operation_id="merchant_patch", opt={"auth": "merchant_owner"}, responses=problems(Conflict))
    async def patch_merchant(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, data: JSONBody[MerchantPatch]) -> MerchantOut:
        """Edit the store's name, description or contact phone (owner)."""
        return await service.patch(rt, check_id(merchant_id, "mch", "merchant_id"), data, actor)

    @get("/{merchant_id:str}/history", operation_id="merchant_history", opt={"auth": "merchant"})
    async def history(self, rt: RuntimeDep, merchant_id: str) -> list[StatusChangeOut]:
        """Every status change of this merchant, with who and why."""
        return await service.history(rt, check_id(merchant_id, "mch", "merchant_id"))

    @get("/{merchant_id:str}/staff", operation_id="merchant_staff", opt={"auth": "merchant"})
    async def staff(self, rt: RuntimeDep, merchant_id: str) -> list[StaffOut]:
        """The merchant's staff and their roles."""
        return await service.staff(rt, check_id(merchant_id, "mch", "merchant_id"))

    @post("/{merchant_id:str}/staff/invitations", operation_id="merchant_invite", opt={"auth": "merchant_owner"},
          responses=problems(Conflict))
    async def invite(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, data: JSONBody[InvitationCreate]) -> InvitationOut:
        """Invite an email to the staff; the answer carries the one-time token."""
        return await service.invite(rt, check_id(merchant_id, "mch", "merchant_id"), data, actor)

    @delete("/{merchant_id:str}/staff/{user_id:str}", operation_id="merchant_remove_staff",
            opt={"auth": "merchant_owner"}, responses=problems(NotFound, Conflict))
    async def remove_staff(self, rt: RuntimeDep, merchant_id: str, user_id: str) -> None:
        """Remove a staff member (never the owner)."""
        await service.remove_staff(rt, check_id(merchant_id, "mch", "merchant_id"), check_id(user_id, "usr", "user_id"))


class InvitationsController(Controller):
    path = "/merchant-invitations"
    tags = ["merchants"]

    @post("/{token:str}/accept", operation_id="merchant_invitation_accept", status_code=200, opt={"auth": "user"},
          responses=problems(NotFound, Conflict, PermissionDenied))
    async def accept(self, rt: RuntimeDep, actor: ActorDep, token: str) -> InvitationOut:
        """Accept an invitation sent to your email."""
        return await service.accept_invitation(rt, token[:100], actor)


class AdminMerchantsController(Controller):
    path = "/admin/merchants"
    tags = ["admin"]

    @get("/", operation_id="admin_list_merchants", opt={"auth": "operator"})
    async def list_merchants(self, rt: RuntimeDep, actor: ActorDep, status: str | None = None, limit: Limit = 20,
                   cursor: Cursor = None) -> Page[MerchantOut]:
        """Merchants, optionally by status (e.g. the ``pending`` queue)."""
        items, nxt = await service.list_for_operator(rt, actor, status=status, limit=limit, after=cursor)
        return Page(items=items, next_cursor=nxt)

    @post("/{merchant_id:str}/status", operation_id="admin_merchant_status", status_code=200,
          opt={"auth": "operator"}, responses=problems(InvalidTransition, PluginVetoed, Conflict, NotFound))
    async def set_status(self, rt: RuntimeDep, actor: ActorDep, merchant_id: str, data: JSONBody[MerchantStatusChange]) -> MerchantOut:
        """Change a merchant's status by hand (activation only when no plugin decides it)."""
        mid = check_id(merchant_id, "mch", "merchant_id")
        await service.transition(rt, mid, data.status, reason=data.reason, actor_id=actor.user_id)
        return await service.get(rt, mid, actor)


