"""Absolute addresses of the portal, for what is read away from a request: emails,
calendar files, QR codes, the sitemap, robots.txt and calendar feeds; and the calendar
events' UIDs, which name no address at all.

``SITE_URL`` is the one setting that names the public address (``make run`` derives it
from ``PORT``; production refuses to start without it), so every absolute link is made
here and none from a request's Host header or a hard-coded address.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_url() -> str:
    """The portal's address without a trailing slash, e.g. ``https://gmc.example.org``."""
    return settings.SITE_URL.rstrip("/")


def calendar_uid(local_part: str) -> str:
    """A calendar event's UID, ``<local_part>@<CALENDAR_UID_DOMAIN>``: the same whatever
    address the site was reached by or is configured with, so a calendar app that holds
    the event replaces it instead of adding a second one."""
    return f"{local_part}@{settings.CALENDAR_UID_DOMAIN}"


def absolute_url(path_or_url: str) -> str:
    """``path_or_url`` as an absolute address on the portal; an address that is already
    absolute is returned as it is."""
    parts = urlsplit(path_or_url)
    if parts.scheme or parts.netloc:
        return path_or_url
    return f"{site_url()}/{path_or_url.lstrip('/')}"
