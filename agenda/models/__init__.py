"""The agenda's models, by topic: the programme (``programme``: rooms, sessions,
speakers, stars, feeds, move notices), what a session leaves behind (``media``:
recordings and materials) and what attendees thought of it (``feedback``)."""

from .feedback import EDIT_WINDOW, Feedback, Rating
from .media import Material, Recording, Visibility
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
    "EDIT_WINDOW",
    "MAX_NESTING",
    "CalendarFeed",
    "Feedback",
    "Material",
    "MoveNotice",
    "MoveNoticeItem",
    "Rating",
    "Recording",
    "Room",
    "Session",
    "SessionQuerySet",
    "SessionSpeaker",
    "Speaker",
    "Star",
    "Visibility",
    "new_feed_token",
]
