"""Public pages and calendar files, answered from the cache for visitors not signed in.

A page decorated with ``public_page`` is the same for every visitor who carries no
session and no pending messages: such a visitor is not signed in and nothing of theirs
can be on the page. For them (and only for GET and HEAD) the page is kept in the cache
and answered from it, in one round trip (``get_many`` of the entry and the version
below) and without any database query. Anyone else gets the page rendered for them,
never stored.

The key is the language, the path, the query normalised to the parameters the page
declares (each brought to one spelling; any other parameter is dropped and the page is
rendered as if asked without it, so nobody can fill the cache with variants or put
their own text into everybody's copy; a declared parameter with a value the page would
echo back, such as an unknown time zone, is rendered for that request only) and what
else the page declares it varies on (the remembered time zone).

Only a 200 whose rendering read nothing of the visitor is stored: none that asked for a
CSRF token (a form), wrote the session, added a message, set a cookie or chose its own
``Cache-Control``, nor any that holds a form token all the same. Each entry keeps its
ETag, computed once when stored: a matching ``If-None-Match`` is answered 304, on a hit
as on a miss. Shared answers say ``Cache-Control: public`` with a short ``max-age``.

Invalidation: one version for all public content, kept in the cache beside the entries
and bumped by every save or delete of the models each app declares with
``invalidated_by`` (post_save, post_delete, m2m_changed) and by ``invalidate``, which
the services that write with ``update()`` call. An entry serves only under the version
it was stored with, so the next request after any change renders afresh. The version
is read before rendering, and bumped both at the change and after its commit: a request
that renders between the two cannot keep the old page under the new version.

Time: an entry lives an hour at most, and a page that changes with the clock alone
(a deadline passing, a countdown, news published at a set time) tells, with
``valid_until``, when it next changes; its entry is not served past that moment and
browsers are told to keep it no longer.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    quote_etag,
)
from django.utils.translation import get_language

VERSION_KEY = "page-cache:version"
# An entry is dropped after this long even without any change (bounds what a missed
# invalidation or a slow drift, such as a zone's offset label, could leave behind).
TIMEOUT = 60 * 60
# What browsers and proxies are told: keep a public page a minute, and show the old copy
# a little longer while they ask again (an ETag makes asking again cheap).
MAX_AGE = 60
STALE_WHILE_REVALIDATE = 300

# The form token Django writes into forms: never in a shared copy.
CSRF_FIELD = b"csrfmiddlewaretoken"

# A declared query parameter's normaliser: its one spelling of a value, "" for a value
# the page reads as absent, None for one the page shows back (rendered, not shared).
Normaliser = Callable[[str], "str | None"]


# --- Invalidation ---------------------------------------------------------------------


def _new_version() -> int:
    # From the clock, not from 1: if the version key is ever evicted, the new one cannot
    # collide with an older number still stored in an entry.
    return time.time_ns()


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, _new_version(), timeout=None)


def invalidate() -> None:
    """Make the next request of every public page render afresh: bumps the version now
    and again after the current transaction commits (at once outside one). Safe to
    repeat; services that write public content with ``update()`` (which sends no
    signal) call it."""
    _bump()
    transaction.on_commit(_bump)


def _saved_or_deleted(sender, **kwargs) -> None:
    invalidate()


def _relation_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        invalidate()


def invalidated_by(*models: type[Model]) -> None:
    """Declare models whose rows public pages show: any save or delete of one, or change
    of one of its many-to-many relations, invalidates every public page. Called by each
    app in its ``AppConfig.ready``; repeating it connects nothing twice."""
    for model in models:
        label = model._meta.label_lower
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"page_cache.{label}")
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"page_cache.{label}")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _relation_changed,
                sender=through,
                dispatch_uid=f"page_cache.{through._meta.label_lower}",
            )


# --- What a view tells ----------------------------------------------------------------


def valid_until(response: HttpResponse, moment: datetime | None) -> HttpResponse:
    """The page changes by itself at ``moment`` (None: not by the clock): its entry is
    not served from then on. The earliest of several moments counts."""
    if moment is not None:
        earlier = getattr(response, "page_cache_until", None)
        response.page_cache_until = moment if earlier is None else min(earlier, moment)
    return response


def not_stored(response: HttpResponse) -> HttpResponse:
    """This rendering is not what its key stands for (e.g. a page number past the last
    one, shown as the last page): answer it, store nothing."""
    response.page_cache_skip = True
    return response


# --- Answering ------------------------------------------------------------------------


def shared(request: HttpRequest) -> bool:
    """A GET or HEAD from someone with no session and no pending messages, not signed
    in: what they are shown is what every such visitor is shown."""
    user = getattr(request, "user", None)
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not (user is not None and user.is_authenticated)
    )


def _normalised_query(request: HttpRequest, parameters: dict[str, Normaliser]) -> str | None:
    pairs = []
    for name, normalise in parameters.items():
        raw = request.GET.get(name)
        if raw is None:
            continue
        value = normalise(raw)
        if value is None:
            return None
        if value:
            pairs.append((name, value))
    return urlencode(sorted(pairs))


def _key(request: HttpRequest, query: str, variant: str) -> str:
    address = "\n".join([get_language() or "", request.path, query, variant])
    return "page-cache:page:" + hashlib.sha256(address.encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not getattr(response, "page_cache_skip", False)
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not getattr(messages, "added_new", False)
        and CSRF_FIELD not in response.content
    )


def _expiry(response: HttpResponse) -> float | None:
    moment = getattr(response, "page_cache_until", None)
    return moment.timestamp() if moment is not None else None


def _headers_kept(response: HttpResponse) -> tuple[tuple[str, str], ...]:
    """What the view said besides the body (content type, a file name), not what the
    cache sets itself."""
    left_out = {"cache-control", "etag", "expires", "content-length"}
    return tuple((k, v) for k, v in response.headers.items() if k.lower() not in left_out)


def _mark_public(response: HttpResponse, etag: str, until: float | None, now: float) -> None:
    response["ETag"] = etag
    # Shared only with those who send the same cookies: a session, a pending message or
    # a remembered zone makes another page.
    patch_vary_headers(response, ("Cookie",))
    if until is None:
        patch_cache_control(
            response,
            public=True,
            max_age=MAX_AGE,
            stale_while_revalidate=STALE_WHILE_REVALIDATE,
        )
    else:
        patch_cache_control(response, public=True, max_age=max(0, min(MAX_AGE, int(until - now))))


def _from_entry(request: HttpRequest, entry: tuple, now: float) -> HttpResponse:
    _version, etag, until, headers, content = entry
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    _mark_public(response, etag, until, now)
    return get_conditional_response(request, etag=etag, response=response)


def public_page(
    *,
    query: dict[str, Normaliser] | None = None,
    vary: Callable[[HttpRequest], str] | None = None,
) -> Callable:
    """Serve the decorated view from the cache to visitors ``shared`` finds alike (see
    the module's docstring). ``query`` names the parameters the page reads, each with
    its normaliser; ``vary`` gives what else, besides language, path and query, the
    page depends on for such a visitor (e.g. a remembered choice kept in a cookie)."""
    parameters = dict(query or {})

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not shared(request):
                return view(request, *args, **kwargs)
            normalised = _normalised_query(request, parameters)
            if normalised is None:
                return view(request, *args, **kwargs)
            asked = request.GET, request.META.get("QUERY_STRING", "")
            # Rendered exactly as its key says: as if asked with the normalised query.
            request.GET, request.META["QUERY_STRING"] = QueryDict(normalised), normalised
            try:
                return _answer(request, view, args, kwargs, normalised, vary)
            finally:
                request.GET, request.META["QUERY_STRING"] = asked

        return wrapper

    return decorator


def _answer(request, view, args, kwargs, query: str, vary) -> HttpResponse:
    key = _key(request, query, vary(request) if vary else "")
    found = cache.get_many([VERSION_KEY, key])
    version, entry = found.get(VERSION_KEY), found.get(key)
    now = time.time()
    if (
        entry is not None
        and version is not None
        and entry[0] == version
        and (entry[2] is None or now < entry[2])
    ):
        return _from_entry(request, entry, now)
    if version is None:
        version = cache.get_or_set(VERSION_KEY, _new_version, timeout=None)
    response = view(request, *args, **kwargs)
    if not _storable(request, response):
        return response
    until = _expiry(response)
    timeout = TIMEOUT if until is None else min(TIMEOUT, math.ceil(until - now))
    if timeout <= 0:
        return response
    etag = quote_etag(hashlib.blake2b(response.content, digest_size=16).hexdigest())
    cache.set(key, (version, etag, until, _headers_kept(response), response.content), timeout)
    _mark_public(response, etag, until, now)
    return get_conditional_response(request, etag=etag, response=response)
