"""Operator routes under ``/api/v1/reviews/admin``: hide (never delete), appeals, signals, policy.

Each route names in its docstring the right it will need once operator rights land
(issue 12): ``reviews.moderate`` for moderation, ``reviews.read`` for the queues.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter

from bazaar.plugins.reviews import moderation, policy, signals
from bazaar.plugins.reviews.api import Caller, Rt
from bazaar.plugins.reviews.errors import GroundRefused, ReviewChanged, ReviewNotFound
from bazaar.plugins.reviews.schemas import (
    AppealDecide,
    AppealOut,
    HideCreate,
    ModerationOut,
    PolicyLineOut,
    ReinstateCreate,
    ReviewOut,
    SignalOut,
)
from bazaar.plugins.reviews.settings import PLUGIN
from bazaar.sdk.api import Cursor, Limit, Page, check_id, problems
from bazaar.sdk.errors import InvalidTransition, PermissionDenied, ValidationFailed

OPERATOR = {"auth": "operator"}
SignalKind = Annotated[str | None, Parameter(
    pattern="^(burst|staff_attempt|linked_reviewer|refund_after_five_star)$", description="signal kind")]
MerchantId = Annotated[str | None, Parameter(max_length=40, description="only this store's signals")]


def _rvw(review_id: str) -> str:
    return check_id(review_id, "rvw", "review_id")


class ReviewsAdminController(Controller):
    """Operators: moderation of unlawful content, appeals, fake-review signals, the policy in force."""

    path = "/reviews/admin"

    @post("/reviews/{review_id:str}/hide", operation_id="reviews_hide", status_code=200, opt=OPERATOR,
          responses=problems(ReviewNotFound, GroundRefused, InvalidTransition, ReviewChanged, PermissionDenied,
                             ValidationFailed))
    async def hide(self, rt: Rt, actor: Caller, review_id: str, data: HideCreate) -> ReviewOut:
        """Hide a review on a ground of ``hide_grounds`` with a published reason (right ``reviews.moderate``).

        The reviewer is told (``reviews.hidden``) and may appeal; the rating still counts unless
        the ground is ``fake``. There is no delete.
        """
        return await moderation.hide(rt, actor, _rvw(review_id), data)

    @post("/reviews/{review_id:str}/appeal-decision", operation_id="reviews_appeal_decide", status_code=200,
          opt=OPERATOR, responses=problems(ReviewNotFound, InvalidTransition, ReviewChanged, PermissionDenied,
                                        ValidationFailed))
    async def decide(self, rt: Rt, actor: Caller, review_id: str, data: AppealDecide) -> ReviewOut:
        """Decide a pending appeal: ``reinstate`` or ``uphold``, with a reason (right ``reviews.moderate``)."""
        return await moderation.decide(rt, actor, _rvw(review_id), data)

    @post("/reviews/{review_id:str}/reinstate", operation_id="reviews_reinstate", status_code=200, opt=OPERATOR,
          responses=problems(ReviewNotFound, InvalidTransition, ReviewChanged, PermissionDenied, ValidationFailed))
    async def reinstate(self, rt: Rt, actor: Caller, review_id: str, data: ReinstateCreate) -> ReviewOut:
        """Reinstate a hidden review on the platform's own motion (right ``reviews.moderate``)."""
        return await moderation.reinstate(rt, actor, _rvw(review_id), data.reason)

    @get("/reviews/{review_id:str}/moderation", operation_id="reviews_moderation_history", opt=OPERATOR,
         responses=problems(ReviewNotFound, PermissionDenied, ValidationFailed))
    async def history(self, rt: Rt, review_id: str) -> list[ModerationOut]:
        """Every hide, appeal and outcome of a review, oldest first (right ``reviews.read``)."""
        return await moderation.history(rt, _rvw(review_id))

    @get("/appeals", operation_id="reviews_appeals", opt=OPERATOR, responses=problems(PermissionDenied))
    async def appeals(self, rt: Rt, limit: Limit = 50) -> list[AppealOut]:
        """Pending appeals, oldest first (right ``reviews.read``)."""
        return await moderation.appeals(rt, limit)

    @get("/signals", operation_id="reviews_signals", opt=OPERATOR, responses=problems(PermissionDenied, ValidationFailed))
    async def signals(self, rt: Rt, merchant_id: MerchantId = None, kind: SignalKind = None, limit: Limit = 50,
                      cursor: Cursor = None) -> Page[SignalOut]:
        """Signs of fake or bought reviews, newest first: bursts, staff, linked reviewers, refunds after praise.

        Right ``reviews.read``. Nothing is hidden automatically; hide on the ground ``fake`` after a look.
        """
        items, next_cursor = await signals.list_signals(rt, merchant_id=merchant_id, kind=kind, limit=limit,
                                                        cursor=cursor)
        return Page(items=items, next_cursor=next_cursor)

    @get("/policy", operation_id="reviews_policy", opt=OPERATOR, responses=problems(PermissionDenied))
    async def policy(self, rt: Rt) -> list[PolicyLineOut]:
        """Every policy key with its value in force, its origin and its legal or practical source."""
        return [PolicyLineOut(**line) for line in policy.explain(rt.plugin_config(PLUGIN))]


ADMIN_ROUTES: tuple[type[Controller], ...] = (ReviewsAdminController,)
