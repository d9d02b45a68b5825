"""The listing lifecycle: one explicit table of allowed (status, event) -> status transitions.

::

    draft ──submit──▶ in_review ──approve──▶ live ──delist / take_down──▶ delisted
                          │                   │                              │
                          └──reject──▶ rejected ◀─(review of a revision)     │
    rejected ──edit──▶ draft          rejected / delisted ──submit──▶ in_review
    live ──revise──▶ in_review        (a content edit of a live product is re-reviewed)
    delisted ──reinstate──▶ live      (a plugin lifts its own take-down, e.g. an upheld IP
                                       complaint that was reversed; never the merchant)

``submit`` and ``revise`` always pass through ``in_review``; the review hooks then decide
at once (``approve`` / ``reject``) or leave the product queued for an operator.
"""

from __future__ import annotations

from enum import StrEnum

from bazaar.sdk.states import StateMachine


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
    reinstate = "reinstate"  # a plugin lifts its take-down: the listing is live again, unreviewed


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
    (S.delisted, E.reinstate): S.live,
}

#: statuses whose content the merchant may edit (a live one goes back through review)
EDITABLE = frozenset({S.draft, S.rejected, S.delisted, S.live})

LISTING = StateMachine(
    "catalogue.listing",
    ListingStatus,
    ListingEvent,
    TRANSITIONS,
    actors={
        E.submit: {"merchant"},
        E.revise: {"merchant"},  # by editing the content of a live listing
        E.approve: {"operator", "system"},  # an operator's review, or the review hooks at once
        E.reject: {"operator", "system"},
        E.edit: {"merchant"},
        E.delist: {"merchant"},
        E.take_down: {"operator", "system"},
        E.reinstate: {"system"},
    },
    initial=S.draft,
    noun="listing",
)

