"""Absolute addresses of the portal, for what is read away from a request: emails,
calendar files, QR codes, the sitemap, robots.txt and calendar feeds.

``SITE_URL`` is the one setting that names the public address (``make run`` derives it
from ``PORT``; production refuses to start without it), so every absolute link is made
here and none from a request's Host header or a hard-coded address.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_url() -> str:
    """The portal's address without a trailing slash, e.g. ``https://gmc.example.org``."""
    return settings.SITE_URL.rstrip("/")


def site_host() -> str:
    """The portal's host name, for identifiers such as calendar UIDs."""
    return urlsplit(settings.SITE_URL).hostname or "gmc.localhost"


def absolute_url(path_or_url: str) -> str:
    """``path_or_url`` as an absolute address on the portal; an address that is already
    absolute is returned as it is."""
    parts = urlsplit(path_or_url)
    if parts.scheme or parts.netloc:
        return path_or_url
    return f"{site_url()}/{path_or_url.lstrip('/')}"
