"""Sessions leave nothing behind: expired ones are deleted every day (a beat job).

Sessions live in the database (Django's default engine), which this module assumes.
"""

from django.contrib.sessions.models import Session
from django.utils import timezone


def purge_expired() -> int:
    """Delete expired sessions, and allauth's record of every session that is gone;
    returns how many sessions were deleted. Safe to repeat."""
    from allauth.usersessions.models import UserSession

    expired = Session.objects.filter(expire_date__lt=timezone.now()).delete()[0]
    UserSession.objects.exclude(session_key__in=Session.objects.values("session_key")).delete()
    return expired
