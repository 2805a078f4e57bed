"""Reads shared by views, exports and tasks."""

from gmc.models import Edition


def current_edition() -> Edition | None:
    """The edition every page not tied to a year shows (None before any is set up)."""
    return Edition.objects.filter(is_current=True, is_published=True).first()
