"""Emails shown inside a page of the portal: at an address of their own, in a frame.

An email's HTML carries inline styles (mail programs ignore style sheets), which the
site's Content-Security-Policy forbids; a ``srcdoc`` frame would inherit that policy and
show the email unstyled. So the pages frame the email's own address instead, which only
this site may frame, and which the browser sandboxes (no script, no form, no origin) and
allows inline styles and images from this site or ``data:``, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.decorators import csp
from django.http import HttpResponse
from django.views.decorators.clickjacking import xframe_options_sameorigin

EMAIL_FRAME_POLICY = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'self'"],
    "sandbox": True,
}


def email_frame(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Give the email HTML ``view`` returns the frame's policy instead of the site's."""
    return csp(EMAIL_FRAME_POLICY)(xframe_options_sameorigin(view))


def email_html_response(html: str) -> HttpResponse:
    return HttpResponse(html, content_type="text/html; charset=utf-8")
