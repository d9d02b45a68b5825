"""The listing lifecycle: one explicit table of allowed (status, event) -> status transitions.

::

    draft ──submit──▶ in_review ──approve──▶ live ──delist / take_down──▶ delisted
                          │                   │                              │
                          └──reject──▶ rejected ◀─(review of a revision)     │
    rejected ──edit──▶ draft          rejected / delisted ──submit──▶ in_review
    live ──revise──▶ in_review        (a content edit of a live product is re-reviewed)

``submit`` and ``revise`` always pass through ``in_review``; the review hooks then decide
at once (``approve`` / ``reject``) or leave the product queued for an operator.
"""

from __future__ import annotations

from enum import StrEnum

from bazaar.sdk.errors import InvalidTransition


class ListingStatus(StrEnum):
    draft = "draft"
    in_review = "in_review"
    live = "live"
    rejected = "rejected"
    delisted = "delisted"


class ListingEvent(StrEnum):
    submit = "submit"  # the merchant asks for the listing to go live
    revise = "revise"  # the merchant changed the content of a live listing
    approve = "approve"  # review passed (no finding, a plugin, or an operator)
    reject = "reject"  # review failed, with reasons
    edit = "edit"  # the merchant edits a rejected listing: back to draft
    delist = "delist"  # the merchant takes a live listing off sale
    take_down = "take_down"  # a plugin or operator takes a live listing off sale


S, E = ListingStatus, ListingEvent

TRANSITIONS: dict[tuple[ListingStatus, ListingEvent], ListingStatus] = {
    (S.draft, E.submit): S.in_review,
    (S.rejected, E.submit): S.in_review,
    (S.delisted, E.submit): S.in_review,
    (S.live, E.revise): S.in_review,
    (S.in_review, E.approve): S.live,
    (S.in_review, E.reject): S.rejected,
    (S.rejected, E.edit): S.draft,
    (S.live, E.delist): S.delisted,
    (S.live, E.take_down): S.delisted,
}

#: statuses whose content the merchant may edit (a live one goes back through review)
EDITABLE = frozenset({S.draft, S.rejected, S.delisted, S.live})


def allowed(current: str) -> list[str]:
    """The events allowed from ``current``, sorted."""
    return sorted(str(e) for (s, e) in TRANSITIONS if s == current)


def transition(current: str, event: str) -> ListingStatus:
    """The status after ``event``, or ``409 invalid_transition`` when the table does not allow it."""
    try:
        key = (ListingStatus(current), ListingEvent(event))
    except ValueError:
        raise InvalidTransition(f"unknown listing status or event: {current!r}, {event!r}") from None
    target = TRANSITIONS.get(key)
    if target is None:
        raise InvalidTransition(
            f"a {current} listing cannot {event}",
            extra={"from": current, "event": event, "allowed": allowed(current)},
        )
    return target
