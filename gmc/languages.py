"""Which language a request is answered in, and the person's choice of it.

An address with a language prefix (``/es/agenda/``) is in that language, for everyone:
it is what people share. An address without one is in the visitor's language: a
signed-in person's profile language, else the one kept in the language cookie (set by
the switcher), else the browser's ``Accept-Language``, else English. A public page
a browser asks for without a prefix, for someone whose language is not English, is
redirected to its address in their language, so the address bar always names the
language shown (calendar apps and scripts are answered where they asked);
the addresses outside ``i18n_patterns`` (the admin, calendar feeds, health check,
sitemap) have no prefixed form and are simply answered in that language.

Django's ``LocaleMiddleware`` alone answers every address without a prefix in English
(``prefix_default_language=False``), which would make the switcher's choice and the
profile language ignored on the admin and on English addresses.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers

from gmc.models import User


def offered(code: str | None) -> str | None:
    """``code`` as one of LANGUAGES (``zh-Hans`` and ``zh_hans`` are ``zh-hans``), or
    None when the portal does not offer it."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.replace("_", "-").lower())
    except LookupError:
        return None


def preferred_language(request: HttpRequest) -> str:
    """The visitor's language when the address does not say: profile, cookie,
    Accept-Language, English."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        profile = offered(user.language)
        if profile:
            return profile
    return translation.get_language_from_request(request, check_path=False)


def save_language(user: User, code: str) -> None:
    """Keep ``code`` as the person's language: emails, reminders and calendar files are
    written in it, and their visits start in it. A repeat writes nothing."""
    code = offered(code) or ""
    if code and user.language != code:
        user.language = code
        user.save(update_fields=["language"])


class PreferredLanguageMiddleware:
    """Answers addresses without a language prefix in the visitor's language (see the
    module's docstring). Sits after the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if translation.get_language_from_path(request.path_info):
            return self.get_response(request)
        language = preferred_language(request)
        if language != settings.LANGUAGE_CODE:
            target = _prefixed_path(request, language)
            if target is None:
                # One address for every language (the admin, a feed): answered in theirs.
                request.LANGUAGE_CODE = language
                with translation.override(language):
                    response = self.get_response(request)
                response.headers["Content-Language"] = language
                patch_vary_headers(response, ("Cookie", "Accept-Language"))
                return response
            if request.method in ("GET", "HEAD") and _browser_page(request):
                response = HttpResponseRedirect(target)
                patch_vary_headers(response, ("Cookie", "Accept-Language", "Accept"))
                return response
            # A form sent to a page's English address (from a page opened before), or a
            # calendar app or script reading one, is answered at that address, in
            # English: only English resolves there. (The private calendar feed is
            # written in its owner's language whatever the address.)
        response = self.get_response(request)
        # Whether this address answered or redirected depended on the cookie, the
        # languages and whether a browser asked: a shared cache must tell them apart.
        patch_vary_headers(response, ("Cookie", "Accept-Language", "Accept"))
        return response


def _browser_page(request: HttpRequest) -> bool:
    """A browser asking for a page (its Accept names HTML), not a calendar app, feed
    reader or script, which keep the address they were given."""
    return "text/html" in request.headers.get("Accept", "")


def _prefixed_path(request: HttpRequest, language: str) -> str | None:
    """The address of this page in ``language``, or None when it has no language prefix
    (it is not under i18n_patterns) or no such page exists."""
    path = f"/{language}{request.path_info}"
    urlconf = getattr(request, "urlconf", None)
    with translation.override(language):
        if not is_valid_path(path, urlconf):
            return None
    script_prefix = request.path[: len(request.path) - len(request.path_info)]
    query = request.META.get("QUERY_STRING", "")
    return f"{script_prefix}{path}?{query}" if query else f"{script_prefix}{path}"
