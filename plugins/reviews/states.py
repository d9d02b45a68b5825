"""The moderation machine of a review (and of a follow-up): there is no ``delete`` event.

::

    published --hide--> hidden --appeal--> appeal_pending --uphold--> hide_upheld
        ^                 |                     |                        |
        +--- reinstated <-+-----reinstate-------+-----------reinstate----+
                 |
                 +--hide--> hidden

An operator hides only on a ground of ``hide_grounds`` with a published reason; the
reviewer appeals; an operator decides (``reinstate`` or ``uphold``) and may reinstate on
its own motion at any time (a court or out-of-court body may order it).
"""

from __future__ import annotations

from enum import StrEnum

from bazaar.sdk.states import StateMachine


class ModerationState(StrEnum):
    published = "published"
    hidden = "hidden"
    appeal_pending = "appeal_pending"
    hide_upheld = "hide_upheld"
    reinstated = "reinstated"


class ModerationEvent(StrEnum):
    hide = "hide"
    appeal = "appeal"
    reinstate = "reinstate"
    uphold = "uphold"


S, E = ModerationState, ModerationEvent

MODERATION = StateMachine(
    "reviews.moderation",
    ModerationState,
    ModerationEvent,
    {
        (S.published, E.hide): S.hidden,
        (S.reinstated, E.hide): S.hidden,
        (S.hidden, E.appeal): S.appeal_pending,
        (S.hidden, E.reinstate): S.reinstated,
        (S.appeal_pending, E.reinstate): S.reinstated,
        (S.appeal_pending, E.uphold): S.hide_upheld,
        (S.hide_upheld, E.reinstate): S.reinstated,
    },
    actors={
        E.hide: {"operator"},
        E.appeal: {"customer"},
        E.reinstate: {"operator"},
        E.uphold: {"operator"},
    },
    initial=S.published,
    noun="review",
)

#: states in which the review's text and photos are shown
VISIBLE = frozenset({S.published, S.reinstated})
