"""The agenda's models, by topic: the programme (``programme``: rooms, sessions,
speakers, stars, feeds, move notices)."""

from .programme import (
    MAX_NESTING,
    CalendarFeed,
    MoveNotice,
    MoveNoticeItem,
    Room,
    Session,
    SessionQuerySet,
    SessionSpeaker,
    Speaker,
    Star,
    new_feed_token,
)

__all__ = [
    "MAX_NESTING",
    "CalendarFeed",
    "MoveNotice",
    "MoveNoticeItem",
    "Room",
    "Session",
    "SessionQuerySet",
    "SessionSpeaker",
    "Speaker",
    "Star",
    "new_feed_token",
]
