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
that renders between the two cannot keep the old page under the new version. After a
change, one request renders the page anew (it holds a short lock for the key); requests
for it meanwhile answer the copy found, marked ``no-cache``, rather than every process
rendering it at once. The old copy goes when that rendering ends without replacing it.

Answered early: a plain GET of such a page (no query, no cookie but the form token's, no
conditional header, and English or the address's own language) is also kept as the
whole stack answered it, headers and all, under a key of its own (scheme, language,
path), and ``PageCacheMiddleware`` answers the next one from that copy before the
session, language, CSRF, authentication and message middleware and the URL resolver
run: the work the view's copy still had to go through on every hit. It holds the same
version, ETag and expiry as the view's entry, is stored only from an answer the view's
cache marked shared (for that language and path, no query, no variant) that left the
rest of the stack public and without a cookie, and costs the same one round trip.
Anything else (a HEAD, a query, another cookie, ``If-None-Match``, a visitor the address
would redirect to another language) goes through the whole stack as before.

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
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers, quote_etag
from django.utils.translation import get_language

VERSION_KEY = "page-cache:version"
PAGE_KEY_PREFIX = "page-cache:page:"
# Taken (add) by the one process that renders a page whose copy is out of date, for at
# most this long: the others answer the old copy meanwhile. Bounds how long the old copy
# can be served after a change when that process dies mid-render.
RENDERING_KEY_PREFIX = "page-cache:rendering:"
RENDERING_SECONDS = 10
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
    return PAGE_KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


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


_KEPT_A_WHILE = f"public, max-age={MAX_AGE}, stale-while-revalidate={STALE_WHILE_REVALIDATE}"


def _cache_control(until: float | None, now: float) -> str:
    """What browsers and proxies are told (a stored answer never chose its own)."""
    if until is None:
        return _KEPT_A_WHILE
    return f"public, max-age={max(0, min(MAX_AGE, int(until - now)))}"


def _mark_public(response: HttpResponse, etag: str, until: float | None, now: float) -> None:
    response["ETag"] = etag
    # Shared only with those who send the same cookies: a session, a pending message or
    # a remembered zone makes another page.
    patch_vary_headers(response, ("Cookie",))
    response["Cache-Control"] = _cache_control(until, now)


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
    page depends on for such a visitor (e.g. a remembered choice kept in a cookie). It
    reads only the query and the cookies: a request with neither, which may be answered
    early, is the same page whatever else it carries."""
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
                response = _answer(request, view, args, kwargs, normalised, vary)
            finally:
                request.GET, request.META["QUERY_STRING"] = asked
            return response

        return wrapper

    return decorator


def _current(entry: tuple | None, version, now: float) -> bool:
    """Whether ``entry`` may answer now: stored under the current version, not expired."""
    return (
        entry is not None
        and version is not None
        and entry[0] == version
        and (entry[2] is None or now < entry[2])
    )


def _shared_as(response: HttpResponse, entry: tuple, query: str, variant: str) -> None:
    """Tell ``PageCacheMiddleware`` that ``response`` is the copy every visitor asking
    for this language and path without a query gets (none when the key held more)."""
    if not query and not variant:
        response.page_cache_shared = (entry[0], entry[1], entry[2], get_language() or "")


def _answer(request, view, args, kwargs, query: str, vary) -> HttpResponse:
    variant = vary(request) if vary else ""
    key = _key(request, query, variant)
    found = cache.get_many([VERSION_KEY, key])
    version, entry = found.get(VERSION_KEY), found.get(key)
    now = time.time()
    if _current(entry, version, now):
        response = _from_entry(request, entry, now)
        _shared_as(response, entry, query, variant)
        return response
    if version is None:
        version = cache.get_or_set(VERSION_KEY, _new_version, timeout=None)
    if entry is None:
        return _render(request, view, args, kwargs, key, version, now, query, variant)[0]
    # A copy of an earlier version (or past its time): one process renders it anew,
    # the others meanwhile answer the copy they found.
    lock = RENDERING_KEY_PREFIX + key.removeprefix(PAGE_KEY_PREFIX)
    if not cache.add(lock, 1, RENDERING_SECONDS):
        return _meanwhile(request, entry, now)
    # Unless a new copy replaces it, the old one goes with the lock (the page is gone, or
    # was not for sharing this time, or failed): later requests then render at once
    # instead of looking for a rendering in progress.
    done = [lock, key]
    try:
        response, stored = _render(request, view, args, kwargs, key, version, now, query, variant)
        if stored:
            done.remove(key)
        return response
    finally:
        _rendered(done)


def _meanwhile(request: HttpRequest, entry: tuple, now: float) -> HttpResponse:
    """The copy found, while another process renders its successor: never kept by a
    browser or proxy without asking again, nor stored as the early copy."""
    response = _from_entry(request, entry, now)
    response["Cache-Control"] = "no-cache"
    return response


def _rendered(keys: list[str]) -> None:
    """The rendering is over: its lock goes (and the old copy, when nothing replaced it)."""
    cache.delete_many(keys)


def _render(
    request, view, args, kwargs, key, version, now, query, variant
) -> tuple[HttpResponse, bool]:
    """The view's answer, and whether it was stored under ``key``."""
    response = view(request, *args, **kwargs)
    if not _storable(request, response):
        return response, False
    until = _expiry(response)
    timeout = _timeout(until, now)
    if timeout <= 0:
        return response, False
    etag = quote_etag(hashlib.blake2b(response.content, digest_size=16).hexdigest())
    entry = (version, etag, until, _headers_kept(response), response.content)
    cache.set(key, entry, timeout)
    _mark_public(response, etag, until, now)
    response = get_conditional_response(request, etag=etag, response=response)
    _shared_as(response, entry, query, variant)
    return response, True


def _timeout(until: float | None, now: float) -> int:
    return TIMEOUT if until is None else min(TIMEOUT, math.ceil(until - now))


# --- Answering early ---------------------------------------------------------------------

EARLY_KEY_PREFIX = "page-cache:early:"
# A request carrying any of these may have its own answer (a 304, a range).
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)


def _early_key(request: HttpRequest) -> tuple[str, str] | None:
    """The early copy's key and language for a request every visitor could have sent
    (see the module's docstring), or None for any other."""
    meta = request.META
    if request.method != "GET" or meta.get("QUERY_STRING"):
        return None
    if "HTTP_COOKIE" in meta and request.COOKIES.keys() - {settings.CSRF_COOKIE_NAME}:
        return None
    for header in CONDITIONAL_HEADERS:
        if header in meta:
            return None
    language = translation.get_language_from_path(request.path_info)
    if not language:
        # Without a prefix the page is in English for those who prefer it; the others
        # are redirected or answered in theirs by gmc.languages, later in the stack.
        language = settings.LANGUAGE_CODE
        if translation.get_language_from_request(request, check_path=False) != language:
            return None
    request.get_host()  # an address of another host is refused here as later (400)
    address = "\n".join([request.scheme, language, request.path])
    return EARLY_KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest(), language


def _replay(entry: tuple, now: float) -> HttpResponse:
    _version, _etag, until, headers, content = entry
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response["Cache-Control"] = _cache_control(until, now)
    return response


def _keep_early(key: str, language: str, response: HttpResponse) -> bool:
    """Store the stack's answer as the early copy when the view's cache marked it
    shared for this very language and the stack left it public and cookie-free."""
    shared = getattr(response, "page_cache_shared", None)
    if shared is None or shared[3] != language:
        return False
    control = response.get("Cache-Control", "")
    if (
        response.status_code != 200
        or response.cookies
        or "public" not in control
        or "private" in control
        or "no-store" in control
    ):
        return False
    version, etag, until, _language = shared
    timeout = _timeout(until, time.time())
    if timeout <= 0:
        return False
    headers = tuple((k, v) for k, v in response.headers.items() if k.lower() != "cache-control")
    cache.set(key, (version, etag, until, headers, response.content), timeout)
    return True


# The addresses this process stored or served an early copy of: only those are looked
# up before the stack, so that any other request (a form, the admin, a page never kept)
# pays nothing for the early answers. A hint: a copy gone from the cache is a miss, and
# an address whose answer is no longer kept is dropped from it.
_early_paths: set[str] = set()
MAX_EARLY_PATHS = 10_000


class PageCacheMiddleware:
    """Answers a plain GET of a kept public page from its early copy, before the rest of
    the stack (see the module's docstring); stores that copy from the stack's answer.
    Sits after the security, policy and static-file middleware, whose headers it leaves
    to them, and before the session middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        early = _early_key(request) if path in _early_paths else None
        if early is not None:
            key, _language = early
            found = cache.get_many([VERSION_KEY, key])
            entry, now = found.get(key), time.time()
            if _current(entry, found.get(VERSION_KEY), now):
                return _replay(entry, now)
        response = self.get_response(request)
        if early is None and getattr(response, "page_cache_shared", None) is not None:
            early = _early_key(request)
        if early is not None:
            if _keep_early(*early, response):
                if len(_early_paths) >= MAX_EARLY_PATHS:
                    _early_paths.clear()
                _early_paths.add(path)
            else:
                _early_paths.discard(path)
        return response
