"""The plugin's errors; every code starts with ``reviews.``."""

from __future__ import annotations

from bazaar.sdk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class ReviewNotFound(NotFound):
    code = "reviews.not_found"


class LineNotFound(NotFound):
    """Someone else's order line and a missing one answer the same."""

    code = "reviews.line_not_found"


class PhotoNotFound(NotFound):
    code = "reviews.photo_not_found"


class NotEligible(Conflict):
    """The order is not (yet) completed, or was neither paid nor cash-on-delivery collected."""

    code = "reviews.not_eligible"
    title = "This purchase cannot be reviewed"


class WindowClosed(Conflict):
    code = "reviews.window_closed"
    title = "The review window has closed"


class AlreadyReviewed(Conflict):
    code = "reviews.already_reviewed"
    title = "This line already has its review"


class FollowupExists(Conflict):
    code = "reviews.followup_exists"
    title = "This review already has its follow-up"


class AlreadyReplied(Conflict):
    code = "reviews.already_replied"
    title = "The merchant already replied"


class StaffRefused(PermissionDenied):
    """A merchant's own staff never review that store (ECL 17)."""

    code = "reviews.staff_refused"
    title = "Staff may not review their own store"


class GroundRefused(ValidationFailed):
    code = "reviews.ground_refused"
    title = "Not a ground for hiding a review"


class ReviewChanged(Conflict):
    """Two decisions raced on one review: the other one won."""

    code = "reviews.changed"
    title = "The review changed meanwhile"


class AppealWindowClosed(Conflict):
    code = "reviews.appeal_window_closed"
    title = "The appeal window has closed"


class InvalidPhotos(ValidationFailed):
    code = "reviews.invalid_photos"
    title = "Photos refused"
