"""HTTP routes under ``/api/v1/reviews`` for buyers, stores and shoppers (thin controllers).

There is no ``DELETE`` route anywhere in this plugin: a review can only be hidden, by an
operator, on a published ground (see ``admin_api``).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import Parameter

from bazaar.plugins.reviews import (
    listings,
    moderation,
    photos,
    policy,
    service,
    storefront,
    summary,
)
from bazaar.plugins.reviews.errors import (
    AlreadyReplied,
    AlreadyReviewed,
    AppealWindowClosed,
    FollowupExists,
    InvalidPhotos,
    LineNotFound,
    NotEligible,
    PhotoNotFound,
    ReviewChanged,
    ReviewNotFound,
    StaffRefused,
    WindowClosed,
)
from bazaar.plugins.reviews.schemas import (
    AppealCreate,
    EligibleLine,
    FollowupCreate,
    PhotoStored,
    ReplyCreate,
    ReviewCreate,
    ReviewOut,
    RulesOut,
    SummaryOut,
    TransparencyMonth,
)
from bazaar.plugins.reviews.settings import values
from bazaar.sdk.api import Actor, Cursor, Limit, Page, check_id, problems
from bazaar.sdk.errors import (
    FileEmpty,
    FileTooLarge,
    FileTypeRefused,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from bazaar.sdk.files import content_disposition

#: the kernel's runtime (a ``PluginRuntime``; a Protocol cannot be checked at injection) and the caller
Rt = NamedDependency[Any]
Caller = NamedDependency[Actor]
FileId = Annotated[str, Parameter(min_length=4, max_length=40, pattern=r"^[a-z]{2,4}_[0-9A-Z]{26}$")]
FileName = Annotated[str, Parameter(min_length=1, max_length=200, description="the photo's file name")]
Star = Annotated[int | None, Parameter(ge=1, le=5, description="only counted ratings of this star")]
Month = Annotated[str | None, Parameter(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]

USER = {"auth": "user"}
MERCHANT = {"auth": "merchant"}
PUBLIC = {"auth": "public"}


def _rvw(review_id: str) -> str:
    return check_id(review_id, "rvw", "review_id")


def _viewer(actor: Actor) -> Actor | None:
    return actor if actor.user_id else None


class BuyerReviewsController(Controller):
    """What a buyer does: see what to review, review, follow up, upload photos, appeal."""

    path = "/reviews"

    @get("/mine/eligible", operation_id="reviews_eligible", opt=USER, responses=problems(PermissionDenied))
    async def eligible(self, rt: Rt, actor: Caller) -> list[EligibleLine]:
        """Lines of completed, paid orders the caller may review now, and reviews they may follow up, with deadlines."""
        return await listings.eligible(rt, actor)

    @get("/mine", operation_id="reviews_mine", opt=USER, responses=problems(ValidationFailed))
    async def mine(self, rt: Rt, actor: Caller, limit: Limit = 20, cursor: Cursor = None) -> Page[ReviewOut]:
        """The caller's reviews, newest first, with ``allowed_actions`` (follow up, appeal) and deadlines."""
        items, next_cursor = await listings.mine(rt, actor, limit=limit, cursor=cursor)
        return Page(items=items, next_cursor=next_cursor)

    @post("/", operation_id="reviews_create", opt=USER,
          responses=problems(LineNotFound, StaffRefused, NotEligible, WindowClosed, AlreadyReviewed, InvalidPhotos))
    async def create(self, rt: Rt, actor: Caller, data: ReviewCreate) -> ReviewOut:
        """Review one line of a completed order (product rating 1-5, optional service and delivery ratings)."""
        return await service.create_review(rt, actor, data)

    @post("/{review_id:str}/followup", operation_id="reviews_followup", opt=USER,
          responses=problems(ReviewNotFound, StaffRefused, WindowClosed, FollowupExists, InvalidPhotos, ValidationFailed))
    async def followup(self, rt: Rt, actor: Caller, review_id: str, data: FollowupCreate) -> ReviewOut:
        """Add the one follow-up to your review within ``followup_days`` of the order's completion."""
        return await service.create_followup(rt, actor, _rvw(review_id), data)

    @post("/{review_id:str}/appeal", operation_id="reviews_appeal", status_code=200, opt=USER,
          responses=problems(ReviewNotFound, AppealWindowClosed, InvalidTransition, ReviewChanged, ValidationFailed))
    async def appeal(self, rt: Rt, actor: Caller, review_id: str, data: AppealCreate) -> ReviewOut:
        """Appeal against the hiding of your review within ``appeal_window_days``; an operator decides."""
        return await moderation.appeal(rt, actor, _rvw(review_id), data)

    @post("/photos", operation_id="reviews_photo_upload", opt=USER,
          responses=problems(FileTooLarge, FileTypeRefused, FileEmpty, ValidationFailed))
    async def upload(self, rt: Rt, actor: Caller, request: Request[Any, Any, Any], filename: FileName) -> PhotoStored:
        """Upload one photo as the raw body (jpeg, png or webp; size limit); name its id on a review."""
        return await photos.upload(rt, actor, await request.body(), filename=filename,
                                   declared_type=request.headers.get("content-type"))


class PublicReviewsController(Controller):
    """What anyone sees: a product's summary and reviews, one review, photos, the rules, the figures."""

    path = "/reviews"

    @get("/products/{product_id:str}/summary", operation_id="reviews_product_summary", opt=PUBLIC,
         responses=problems(ValidationFailed))
    async def product_summary(self, rt: Rt, product_id: str) -> SummaryOut:
        """Average (two decimals), count and histogram of a product's counted ratings: one read."""
        return await summary.read(rt, check_id(product_id, "prd", "product_id"))

    @get("/products/{product_id:str}/reviews", operation_id="reviews_product_list", opt=PUBLIC,
         responses=problems(ValidationFailed))
    async def product_reviews(self, rt: Rt, actor: Caller, product_id: str, rating: Star = None,
                              with_photos: bool = False, limit: Limit = 20, cursor: Cursor = None) -> Page[ReviewOut]:
        """A product's reviews, newest first (keyset cursor); filter by ``rating`` or ``with_photos``.

        Hidden reviews appear with their ground and published reason, without text or photos.
        """
        items, next_cursor = await storefront.product_reviews(
            rt, check_id(product_id, "prd", "product_id"), rating=rating, with_photos=with_photos,
            limit=limit, cursor=cursor, viewer=_viewer(actor),
        )
        return Page(items=items, next_cursor=next_cursor)

    @get("/{review_id:str}", operation_id="reviews_get", opt=PUBLIC, responses=problems(ReviewNotFound, ValidationFailed))
    async def review(self, rt: Rt, actor: Caller, review_id: str) -> ReviewOut:
        """One review with its follow-up and reply, as the caller may see it."""
        return await service.get_review(rt, _viewer(actor), _rvw(review_id))

    @get("/photos/{file_id:str}", operation_id="reviews_photo", opt=PUBLIC, responses=problems(PhotoNotFound))
    async def photo(self, rt: Rt, actor: Caller, file_id: FileId) -> Response[bytes]:
        """A review photo's bytes: public while its review is shown; else only for its reviewer and operators."""
        stored, data = await photos.content(rt, actor, file_id)
        return Response(content=data, media_type=stored.content_type, headers={
            "Content-Disposition": content_disposition(stored.filename, inline=True),
            "X-Content-Type-Options": "nosniff", "ETag": f'"{stored.sha256}"',
        })

    @get("/rules", operation_id="reviews_rules", opt=PUBLIC)
    async def rules(self, rt: Rt) -> RulesOut:
        """The review rules in force: windows, the closed list of hide grounds, no deletion."""
        p = values(rt)
        return RulesOut(
            window_days=p["window_days"], followup_days=p["followup_days"],
            appeal_window_days=p["appeal_window_days"], hide_grounds=list(p["hide_grounds"]),
            platform_may_delete=p["platform_may_delete"], verified_purchase_only=p["verified_purchase_only"],
            merchant_staff_may_review=p["merchant_staff_may_review"], uncounted_ground=policy.UNCOUNTED_GROUND,
        )

    @get("/transparency", operation_id="reviews_transparency", opt=PUBLIC, responses=problems(ValidationFailed))
    async def transparency(self, rt: Rt, month: Month = None) -> list[TransparencyMonth]:
        """Per month, newest first: reviews written, hidden (by ground), appeals, reinstated, upheld."""
        return await moderation.transparency(rt, month)


class StoreReviewsController(Controller):
    """What a store's staff do: read the store's reviews and reply once to each."""

    path = "/reviews/merchants/{merchant_id:str}/reviews"

    @get("/", operation_id="reviews_store_list", opt=MERCHANT, responses=problems(PermissionDenied, ValidationFailed))
    async def list(self, rt: Rt, actor: Caller, merchant_id: str, unreplied: bool = False, limit: Limit = 20,
                   cursor: Cursor = None) -> Page[ReviewOut]:
        """The store's reviews newest first; ``unreplied`` keeps those waiting for a reply."""
        items, next_cursor = await listings.for_merchant(
            rt, actor, check_id(merchant_id, "mch", "merchant_id"), unreplied=unreplied, limit=limit, cursor=cursor)
        return Page(items=items, next_cursor=next_cursor)

    @post("/{review_id:str}/reply", operation_id="reviews_reply", status_code=200, opt=MERCHANT,
          responses=problems(ReviewNotFound, AlreadyReplied, PermissionDenied, ValidationFailed))
    async def reply(self, rt: Rt, actor: Caller, merchant_id: str, review_id: str, data: ReplyCreate) -> ReviewOut:
        """The store's one public reply to a review or to its follow-up (name the follow-up's id)."""
        return await service.reply(rt, actor, check_id(merchant_id, "mch", "merchant_id"), _rvw(review_id), data)


ROUTES: tuple[type[Controller], ...] = (BuyerReviewsController, PublicReviewsController, StoreReviewsController)
