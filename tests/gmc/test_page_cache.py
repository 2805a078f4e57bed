"""Public pages and calendar files come from the cache for visitors not signed in: no
query and one Redis round trip on a hit, nothing personal ever stored, and any
organiser's change shown at the next request."""

import datetime
import threading
import time
from types import SimpleNamespace

import pytest
import redis
import time_machine
from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.views.decorators.cache import never_cache

from agenda import services as agenda_services
from gmc import page_cache
from gmc import services as gmc_services
from gmc.timezones import COOKIE_NAME
from gmc.views import public as public_views
from tests.admin_forms import admin_form_data
from tests.agenda.factories import (
    RoomFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    local,
)
from tests.factories import (
    AllianceMemberFactory,
    EditionFactory,
    NewsArticleFactory,
    OrganisationFactory,
    PublicationFactory,
    UserFactory,
)


@pytest.fixture
def site(db):
    """An edition with something on every public page."""
    edition = EditionFactory(year=2026, is_current=True, title="GMC 2026")
    host = OrganisationFactory(name="Host University")
    edition.hosts.add(host)
    member = AllianceMemberFactory(organisation=host)
    publication = PublicationFactory(edition=edition, title="Report of the year")
    article = NewsArticleFactory(edition=edition, title="Opening announced")
    room = RoomFactory(edition=edition, name="Main hall")
    session = SessionFactory(
        edition=edition, room=room, title="Opening plenary", starts_at=local(edition, 0, 9, 20)
    )
    speaker = SpeakerFactory(name="Ada Speaker")
    part = SessionSpeakerFactory(session=session, speaker=speaker)
    return SimpleNamespace(
        edition=edition,
        host=host,
        member=member,
        publication=publication,
        article=article,
        room=room,
        session=session,
        speaker=speaker,
        part=part,
    )


def public_addresses(site) -> list[str]:
    pages = [
        "/",
        "/about/",
        "/editions/",
        "/editions/2026/",
        "/alliance/",
        "/publications/",
        "/news/",
        site.article.get_absolute_url(),
        "/agenda/",
        "/agenda/2026/",
        "/speakers/",
        reverse("agenda:speaker", args=[site.speaker.slug]),
        site.session.get_absolute_url(),
        "/contact/",
        "/privacy/",
        "/code-of-conduct/",
    ]
    files = ["/agenda.ics", "/agenda/2026.ics", f"/agenda/session/{site.session.slug}.ics"]
    return pages + files + [f"/es{address}" for address in pages + files]


def get(address: str, client: Client | None = None, **headers):
    """``address`` as a visitor with no session asks for it, with the queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = (client or Client()).get(address, **headers)
    return response, queries.captured_queries


def page(address: str) -> str:
    response = Client().get(address)
    assert response.status_code == 200, address
    return response.content.decode()


def rendered_afresh(address: str) -> bool:
    return bool(get(address)[1])


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def kept_briefly(response) -> bool:
    """Public, for a minute at most (less for a page that changes with the clock)."""
    found = directives(response)
    ages = [int(d.removeprefix("max-age=")) for d in found if d.startswith("max-age=")]
    return "public" in found and len(ages) == 1 and 0 < ages[0] <= 60


# --- a hit costs no query ---------------------------------------------------------------


def test_every_public_page_and_calendar_file_is_served_from_the_cache_without_a_query(site):
    for address in public_addresses(site):
        first, first_queries = get(address)
        assert first.status_code == 200, address
        assert first_queries, address  # rendered the first time
        again, queries = get(address)
        assert again.status_code == 200, address
        assert queries == [], (address, [q["sql"] for q in queries])
        assert again.content == first.content, address
        assert again["Content-Type"] == first["Content-Type"], address
        assert b"csrfmiddlewaretoken" not in again.content, address
        assert kept_briefly(again), address
        assert again["ETag"] == first["ETag"], address
    assert 'filename="gmc-2026.ics"' in Client().get("/agenda/2026.ics")["Content-Disposition"]


def test_the_middlewares_read_nothing_for_a_visitor_without_a_session(site):
    """The language chosen without an address prefix (cookie, Accept-Language) and its
    redirect are decided without the database, as is the rest of the stack."""
    page("/agenda/")
    browser = {"HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "en"}
    response, queries = get("/agenda/", **browser)
    assert response.status_code == 200 and queries == []

    spanish_browser = Client(HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="es")
    response, queries = get("/agenda/", spanish_browser)
    assert response.status_code == 302 and response["Location"] == "/es/agenda/"
    assert queries == []
    page("/es/agenda/")
    response, queries = get("/es/agenda/", spanish_browser)
    assert response.status_code == 200 and queries == []

    # A calendar app reading the English address in Spanish is answered there, in English.
    response, queries = get("/agenda.ics", HTTP_ACCEPT_LANGUAGE="es")
    response, queries = get("/agenda.ics", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200 and queries == []
    assert "Opening plenary" in response.content.decode()


# --- a hit costs one Redis round trip ------------------------------------------------------


@pytest.fixture
def own_redis(private_redis, settings):
    """The cache on a Redis server of the test's own, whose command counts we read."""
    private_redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
        }
    }
    server = redis.Redis.from_url(private_redis.url)
    yield server
    server.close()


def commands(server: redis.Redis) -> dict[str, int]:
    """The commands the server ran since the last reset, by name."""
    counted = {}
    for name, stats in server.info("commandstats").items():
        name = name.removeprefix("cmdstat_")
        if not name.startswith(("info", "config")):
            counted[name] = stats["calls"]
    return counted


def test_a_hit_and_a_not_modified_answer_cost_one_redis_round_trip(site, own_redis):
    addresses = [
        "/",
        "/es/agenda/?tz=Asia/Shanghai",
        "/news/?page=1",
        site.session.get_absolute_url(),
        "/agenda/2026.ics",
    ]
    for address in addresses:
        etag = Client().get(address)["ETag"]
        own_redis.config_resetstat()
        assert Client().get(address).status_code == 200
        assert commands(own_redis) == {"mget": 1}, address
        own_redis.config_resetstat()
        assert Client().get(address, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert commands(own_redis) == {"mget": 1}, address


def test_nobody_can_fill_the_cache_with_variants_of_an_address(site, own_redis):
    page("/")
    page("/agenda/")
    stored = own_redis.dbsize()
    for number in range(20):
        assert Client().get("/", {f"junk{number}": "x"}).status_code == 200
        assert Client().get("/agenda/", {"tz": f"Nowhere/City{number}"}).status_code == 200
        assert Client().get("/news/", {"page": f"{10**6 + number}"}).status_code == 200
    assert own_redis.dbsize() == stored


def test_the_cache_keeps_one_redis_client_per_server(own_redis, settings):
    location = settings.CACHES["default"]["LOCATION"]
    settings.CACHES = {"default": {"BACKEND": "gmc.cache.RedisCache", "LOCATION": location}}
    backend = caches.create_connection("default")
    backend.set("one", 1)
    assert backend.get("one") == 1
    assert backend._cache.get_client() is backend._cache.get_client(write=True)


# --- answered early, before the rest of the middleware ------------------------------------


def answered_early(response) -> bool:
    """Whether the page came from the early copy: the session middleware, which every
    request through the whole stack meets, never saw the request."""
    return not hasattr(response.wsgi_request, "session")


def test_a_plain_get_is_answered_early_with_the_whole_stacks_headers(site, own_redis):
    for address in public_addresses(site):
        first, _ = get(address)
        assert first.status_code == 200 and not answered_early(first), address
        own_redis.config_resetstat()
        early, queries = get(address)
        assert answered_early(early), address
        assert queries == [] and commands(own_redis) == {"mget": 1}, address
        # The same page through every middleware, from the view's own copy.
        whole, queries = get(address + "?utm_source=newsletter")
        assert not answered_early(whole) and queries == [], address
        assert early.content == first.content == whole.content, address
        assert dict(early.headers) == dict(first.headers) == dict(whole.headers), address


def test_only_what_every_visitor_could_send_is_answered_early(site, client):
    for address in ("/agenda/", "/", "/es/news/"):
        page(address)
        assert answered_early(Client().get(address)), address
    # The form token's cookie changes nothing on a kept page.
    visitor = Client()
    visitor.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    assert answered_early(visitor.get("/"))

    etag = Client().get("/")["ETag"]
    not_modified = Client().get("/", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not answered_early(not_modified)
    assert not answered_early(Client().head("/agenda/"))
    assert Client().head("/").status_code == 405  # the view takes only GET, as before
    assert not answered_early(Client().get("/", {"utm_source": "newsletter"}))
    remembered = Client()
    remembered.cookies[COOKIE_NAME] = "Asia/Shanghai"
    response = remembered.get("/agenda/")
    assert not answered_early(response) and ">23:20</time>" in response.content.decode()
    spanish_browser = Client(HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="es")
    response = spanish_browser.get("/agenda/")
    assert response.status_code == 302 and response["Location"] == "/es/agenda/"
    client.force_login(UserFactory())
    response = client.get("/")
    assert not answered_early(response) and "Sign out" in response.content.decode()
    assert {"private", "no-store"} <= directives(response)
    # An address of another host is refused, kept page or not.
    assert Client(HTTP_HOST="elsewhere.example").get("/").status_code == 400


def test_other_addresses_pay_nothing_for_the_early_answers(site, own_redis):
    page("/")
    for address in ("/accounts/login/", "/accounts/signup/", "/register/"):
        own_redis.config_resetstat()
        response = Client().get(address)
        assert response.status_code in (200, 302), address
        assert "mget" not in commands(own_redis), address


def test_an_address_no_longer_kept_is_no_longer_looked_up_early(site, own_redis):
    address = site.article.get_absolute_url()
    cache_all(address)
    site.article.delete()
    assert Client().get(address).status_code == 404
    own_redis.config_resetstat()
    assert Client().get(address).status_code == 404
    assert commands(own_redis) == {"mget": 1}  # the view's own look-up, no early one


# --- what is stored, and for whom ---------------------------------------------------------


def test_a_signed_in_visitor_never_gets_nor_fills_the_cached_page(site, client):
    client.force_login(UserFactory())
    for _ in range(2):
        response, queries = get("/", client)
        assert queries
        assert "Sign out" in response.content.decode()
        assert "public" not in directives(response)
        assert {"private", "no-store"} <= directives(response)
        assert not response.has_header("ETag")
    html = page("/")
    assert "Sign out" not in html and "csrfmiddlewaretoken" not in html
    # Now the anonymous copy is stored: the signed-in still get theirs.
    assert not rendered_afresh("/")
    response, queries = get("/", client)
    assert queries and "Sign out" in response.content.decode()


def test_a_visitor_with_a_session_gets_the_page_rendered_for_them(site):
    session = SessionStore()
    session["something"] = "of theirs"
    session.save()
    visitor = Client()
    visitor.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    page("/news/")
    for _ in range(2):
        response, queries = get("/news/", visitor)
        assert response.status_code == 200 and queries
        assert "public" not in directives(response)


# The addresses the test views below rendered, in order.
rendered_addresses: list[str] = []


def rendering(request) -> None:
    rendered_addresses.append(request.path)


@page_cache.public_page()
def plain_view(request):
    rendering(request)
    return HttpResponse("A public page")


@page_cache.public_page()
def form_view(request):
    rendering(request)
    return HttpResponse(Template("<form>{% csrf_token %}</form>").render(RequestContext(request)))


@page_cache.public_page()
def token_text_view(request):
    rendering(request)
    return HttpResponse('<input name="csrfmiddlewaretoken" value="copied">')


@page_cache.public_page()
def cookie_view(request):
    rendering(request)
    response = HttpResponse("Here is a cookie")
    response.set_cookie("mine", "yours")
    return response


@page_cache.public_page()
def session_view(request):
    rendering(request)
    request.session["seen"] = True
    return HttpResponse("Noted in your session")


@page_cache.public_page()
def message_view(request):
    rendering(request)
    messages.info(request, "A message for you")
    return HttpResponse("Something happened")


@page_cache.public_page()
@never_cache
def own_headers_view(request):
    rendering(request)
    return HttpResponse("Not to be kept")


@page_cache.public_page()
def missing_view(request):
    rendering(request)
    return HttpResponse("Nothing here", status=404)


# What slow_view renders, whether its next rendering fails, and whether it waits for
# ``release`` (telling ``started`` it is waiting).
slow = {"text": "Version 1", "hold": False, "fail": False}
started, release = threading.Event(), threading.Event()


@page_cache.public_page()
def slow_view(request):
    rendering(request)
    text = slow["text"]
    if slow["fail"]:
        raise RuntimeError("the rendering failed")
    if slow["hold"]:
        started.set()
        release.wait(5)
    return HttpResponse(text)


urlpatterns = [
    path("slow/", slow_view),
    path("plain/", plain_view),
    path("form/", form_view),
    path("token-text/", token_text_view),
    path("cookie/", cookie_view),
    path("session/", session_view),
    path("message/", message_view),
    path("own-headers/", own_headers_view),
    path("missing/", missing_view),
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    "address",
    ["/form/", "/token-text/", "/cookie/", "/session/", "/message/", "/own-headers/", "/missing/"],
)
def test_a_page_that_read_or_wrote_something_of_the_visitor_is_never_stored(db, address):
    rendered_addresses.clear()
    for _ in range(2):
        Client().get(address)
    assert rendered_addresses == [address, address]


@pytest.mark.urls(__name__)
def test_a_page_that_read_nothing_of_the_visitor_is_stored(db):
    rendered_addresses.clear()
    for _ in range(3):
        assert Client().get("/plain/").content == b"A public page"
    assert rendered_addresses == ["/plain/"]


# --- the query --------------------------------------------------------------------------------


def test_parameters_the_page_does_not_read_are_dropped_from_the_key_and_the_page(site):
    page("/")
    response, queries = get("/?utm_source=newsletter&next=https://example.org/")
    assert response.status_code == 200 and queries == []
    # Rendered as if asked without them: nobody's text reaches the shared copy.
    page_cache.invalidate()
    html = page("/?utm_source=newsletter")
    assert "newsletter" not in html
    assert not rendered_afresh("/")


def test_a_zone_is_cached_under_its_one_name_and_an_unknown_one_never(site):
    html = page("/agenda/?tz=Asia/Shanghai")
    assert ">23:20</time>" in html
    for spelling in ("Beijing", "beijing", "Asia/Shanghai", "Beijing, China (UTC+8)"):
        response, queries = get(f"/agenda/?tz={spelling}")
        assert queries == [], spelling
        assert ">23:20</time>" in response.content.decode()
    for _ in range(2):
        response, queries = get("/agenda/?tz=Mars/Olympus_Mons")
        assert queries
        assert "“Mars/Olympus_Mons” is not a time zone we know" in response.content.decode()


def test_a_news_page_number_is_cached_under_its_number_and_a_missing_page_never(db):
    edition = EditionFactory(year=2026, is_current=True)
    NewsArticleFactory.create_batch(13, edition=edition)
    page("/news/")
    for same in ("/news/?page=1", "/news/?page=abc", "/news/?page=01"):
        response, queries = get(same)
        assert queries == [], same
        assert "Page 1 of 2" in response.content.decode()
    assert "Page 2 of 2" in page("/news/?page=2")
    assert not rendered_afresh("/news/?page=02")
    for _ in range(2):
        assert rendered_afresh("/news/?page=999")


def test_a_chosen_zone_is_remembered_in_a_cookie_on_a_hit_as_on_a_miss(site):
    first, second, third = Client(), Client(), Client()
    first.get("/agenda/?tz=Asia/Shanghai")
    response, queries = get("/agenda/?tz=Asia/Shanghai", second)
    assert queries == []
    assert response.cookies[COOKIE_NAME].value == "Asia/Shanghai"
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # the database is left alone
    for visitor in (first, second):
        assert ">23:20</time>" in visitor.get("/agenda/").content.decode()
        session_page = visitor.get(site.session.get_absolute_url()).content.decode()
        assert ">23:20</time>" in session_page
    assert ">09:20</time>" in third.get("/agenda/").content.decode()
    response, queries = get("/agenda/", second)
    assert queries == []  # the remembered zone's copy is cached too


# --- conditional requests and headers ----------------------------------------------------


def test_an_unchanged_page_is_answered_not_modified_without_a_query(site):
    for address in ["/", "/es/news/", "/agenda/?tz=Europe/Madrid", "/agenda.ics"]:
        etag = Client().get(address)["ETag"]
        response, queries = get(address, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304, address
        assert queries == [] and response.content == b""
        assert response["ETag"] == etag
        assert kept_briefly(response)
    etag = Client().get("/news/")["ETag"]
    site.article.title = "Opening moved"
    site.article.save()
    response = Client().get("/news/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Opening moved" in response.content.decode()
    assert response["ETag"] != etag
    # A change that leaves the page as it was keeps its ETag: still not modified.
    etag = response["ETag"]
    site.room.save()
    assert Client().get("/news/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_public_answers_may_be_kept_briefly_and_vary_on_what_they_depend_on(site):
    response = Client().get("/es/alliance/")
    assert directives(response) == {"public", "max-age=60", "stale-while-revalidate=300"}
    assert "cookie" in response["Vary"].lower()
    # Without a prefix, the answer also depended on the languages and on a browser asking.
    vary = {part.strip().lower() for part in Client().get("/alliance/")["Vary"].split(",")}
    assert {"cookie", "accept-language", "accept"} <= vary


# --- invalidation ---------------------------------------------------------------------------


# --- after a change, one request renders ---------------------------------------------------


@pytest.fixture
def slow_page(db):
    rendered_addresses.clear()
    started.clear()
    release.clear()
    slow.update(text="Version 1", hold=False, fail=False)
    assert Client().get("/slow/").content == b"Version 1"
    yield
    release.set()


def changed(text: str) -> None:
    slow["text"] = text
    page_cache.invalidate()


@pytest.mark.urls(__name__)
def test_after_a_change_one_request_renders_the_page_while_the_others_get_the_old_copy(
    slow_page,
):
    changed("Version 2")
    slow["hold"] = True
    first = {}
    renderer = threading.Thread(target=lambda: first.update(response=Client().get("/slow/")))
    renderer.start()
    assert started.wait(5)
    try:
        meanwhile = [Client().get("/slow/") for _ in range(3)]
    finally:
        release.set()
        renderer.join(10)

    assert [response.content for response in meanwhile] == [b"Version 1"] * 3
    # Nobody keeps the old copy: a browser or proxy asks again next time.
    assert all(directives(response) == {"no-cache"} for response in meanwhile)
    assert first["response"].content == b"Version 2"
    assert rendered_addresses == ["/slow/", "/slow/"]
    slow["hold"] = False
    assert Client().get("/slow/").content == b"Version 2"
    assert rendered_addresses == ["/slow/", "/slow/"]


@pytest.mark.urls(__name__)
def test_a_rendering_that_fails_leaves_the_page_to_the_next_request(slow_page):
    changed("Version 2")
    slow["fail"] = True
    with pytest.raises(RuntimeError):
        Client().get("/slow/")
    slow["fail"] = False
    assert Client().get("/slow/").content == b"Version 2"


@pytest.mark.urls(__name__)
def test_the_old_copy_is_served_no_longer_than_a_rendering_may_take(slow_page, monkeypatch):
    # The process rendering the page dies before it can say it is done.
    monkeypatch.setattr(page_cache, "RENDERING_SECONDS", 1)
    monkeypatch.setattr(page_cache, "_rendered", lambda keys: None)
    changed("Version 2")
    assert Client().get("/slow/").content == b"Version 2"
    changed("Version 3")
    assert Client().get("/slow/").content == b"Version 2"
    time.sleep(1.2)
    assert Client().get("/slow/").content == b"Version 3"


def cache_all(*addresses: str) -> None:
    for address in addresses:
        page(address)
        assert not rendered_afresh(address), address


def test_every_kind_of_public_content_invalidates_the_pages_showing_it(site):
    edition = site.edition
    cache_all("/", "/es/", "/editions/2026/", "/alliance/", "/publications/", "/news/")
    edition.title = "GMC 2026 in Hanoi"
    edition.save()
    assert "GMC 2026 in Hanoi" in page("/")
    assert "GMC 2026 in Hanoi" in page("/editions/2026/")

    cache_all("/es/")
    edition.title_es = "GMC 2026 en Hanói"
    edition.save()
    assert "GMC 2026 en Hanói" in page("/es/")

    cache_all("/")
    edition.hosts.add(OrganisationFactory(name="Second Host"))
    assert "Second Host" in page("/")

    cache_all("/alliance/")
    site.host.name = "Renamed University"
    site.host.save()
    assert "Renamed University" in page("/alliance/")
    site.member.is_active = False
    site.member.save()
    assert "Renamed University" not in page("/alliance/")

    cache_all("/publications/")
    site.publication.title = "Revised report"
    site.publication.save()
    assert "Revised report" in page("/publications/")

    cache_all("/news/", site.article.get_absolute_url())
    site.article.title = "Opening confirmed"
    site.article.save()
    assert "Opening confirmed" in page("/news/")
    assert "Opening confirmed" in page(site.article.get_absolute_url())
    site.article.delete()
    assert "Opening confirmed" not in page("/news/")


def test_every_agenda_object_invalidates_the_pages_and_files_showing_it(site):
    session_page = site.session.get_absolute_url()
    speaker_page = reverse("agenda:speaker", args=[site.speaker.slug])
    session_file = f"/agenda/session/{site.session.slug}.ics"
    cache_all("/agenda/", session_page, speaker_page, "/speakers/", "/agenda.ics", session_file)

    site.speaker.name = "Ada Lovelace"
    site.speaker.save()
    for address in ("/agenda/", session_page, "/speakers/", speaker_page, session_file):
        assert "Ada Lovelace" in page(address), address
    site.room.name = "Small hall"
    site.room.save()
    assert "Small hall" in page(session_page)
    site.part.delete()
    assert "Ada Lovelace" not in page(session_page)
    site.session.title = "Opening ceremony"
    site.session.save()
    assert "Opening ceremony" in page("/agenda.ics")

    cache_all(session_page)
    agenda_services.shift_sessions([site.session.pk], 30, by=None)  # update(): no signal
    assert ">09:50</time>" in page(session_page)
    agenda_services.unpublish_sessions([site.session.pk], by=None)
    assert Client().get(session_page).status_code == 404
    assert "Opening ceremony" not in page("/agenda.ics")
    agenda_services.publish_sessions([site.session.pk], by=None)
    assert "Opening ceremony" in page("/agenda.ics")


def test_making_another_edition_current_changes_every_page_naming_it(site):
    other = EditionFactory(year=2027, title="GMC 2027")
    SessionFactory(edition=other, title="Next year's opening")
    cache_all("/", "/agenda/", "/agenda.ics")
    gmc_services.make_current_edition(other.pk)
    assert "GMC 2027" in page("/")
    assert "Next year&#x27;s opening" in page("/agenda/")
    assert "Next year's opening" in page("/agenda.ics")


def test_organisers_saves_in_the_admin_show_at_the_next_request(site, client, organiser):
    client.force_login(organiser)
    cache_all("/news/", "/editions/2026/")

    url = reverse("admin:gmc_newsarticle_change", args=[site.article.pk])
    data = admin_form_data(client.get(url))
    data["title_en"] = "Programme online"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "Programme online" in page("/news/")

    url = reverse("admin:gmc_edition_change", args=[site.edition.pk])
    data = admin_form_data(client.get(url), zone=site.edition.tz)
    data["title_en"] = "GMC 2026: open and intelligent"
    data["capacity"] = 300
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "GMC 2026: open and intelligent" in page("/editions/2026/")


def test_a_page_rendered_before_the_change_commits_is_not_kept(
    site, django_capture_on_commit_callbacks
):
    cache_all("/news/")
    with django_capture_on_commit_callbacks() as callbacks:
        site.article.title = "Opening confirmed"
        site.article.save()
        # Another request renders between the change and its commit (in production it
        # still reads the old row) and stores what it rendered.
        page("/news/")
        assert not rendered_afresh("/news/")
    assert callbacks
    for callback in callbacks:  # the commit
        callback()
    assert rendered_afresh("/news/")


# --- pages that change with the clock ---------------------------------------------------------


def test_the_home_page_follows_a_deadline_and_its_countdown(db):
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False) as clock:
        EditionFactory(
            year=2026,
            is_current=True,
            registration_opens_at=now - datetime.timedelta(days=1),
            registration_closes_at=now + datetime.timedelta(days=3, seconds=30),
        )
        assert "Registration closes soon." in page("/")
        response = Client().get("/")
        assert directives(response) == {"public", "max-age=60"}  # no stale copy past it
        clock.shift(datetime.timedelta(seconds=50))
        assert not rendered_afresh("/")  # a countdown at most a minute old
        clock.shift(datetime.timedelta(seconds=15))
        assert rendered_afresh("/")

        clock.shift(datetime.timedelta(days=3) - datetime.timedelta(seconds=50))
        response = Client().get("/")
        assert "Registration closes soon." in response.content.decode()
        assert int(response["Cache-Control"].split("max-age=")[1].split(",")[0]) <= 15
        clock.shift(datetime.timedelta(seconds=16))
        assert "Registration is closed." in page("/")


def test_an_article_scheduled_for_later_appears_at_its_time(db):
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False) as clock:
        edition = EditionFactory(year=2026, is_current=True)
        NewsArticleFactory(
            edition=edition,
            title="Speakers announced",
            published_at=now + datetime.timedelta(hours=2),
        )
        cache_all("/news/", "/editions/2026/")
        clock.shift(datetime.timedelta(hours=1))
        assert not rendered_afresh("/news/")
        clock.shift(datetime.timedelta(hours=1, seconds=1))
        assert "Speakers announced" in page("/news/")
        assert "Speakers announced" in page("/editions/2026/")


@pytest.mark.parametrize(
    "ahead",
    [
        datetime.timedelta(days=21, hours=5),  # "3 weeks": the same for five hours
        datetime.timedelta(days=10, hours=2, minutes=30),
        datetime.timedelta(days=1, minutes=30),  # "1 day", then "23 hours, 59 minutes"
        datetime.timedelta(hours=2, minutes=3, seconds=30),
        datetime.timedelta(seconds=90),
    ],
)
def test_a_countdown_is_kept_until_a_minute_after_its_text_changes(ahead):
    now = timezone.now().replace(microsecond=0)
    moment = now + ahead
    until = public_views.countdown_valid_until(moment, now)
    assert now + datetime.timedelta(minutes=1) <= until <= now + datetime.timedelta(hours=1)
    shown = timeuntil(moment, now)
    # Whatever is served until then was right a minute before at the latest.
    for second in range(0, int((until - now).total_seconds()) - 60 + 1, 7):
        assert timeuntil(moment, now + datetime.timedelta(seconds=second)) == shown, second
    if until < now + datetime.timedelta(hours=1):
        assert timeuntil(moment, until) != shown


def test_the_home_page_is_not_rendered_again_while_its_countdown_stands_still(db):
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False) as clock:
        EditionFactory(
            year=2026,
            is_current=True,
            registration_opens_at=now - datetime.timedelta(days=7),
            registration_closes_at=now + datetime.timedelta(days=21, hours=5),
            declaration_deadline=now + datetime.timedelta(days=21, hours=6),
        )
        html = page("/")
        assert "3\xa0weeks left." in html
        assert directives(Client().get("/")) == {"public", "max-age=60"}
        clock.shift(datetime.timedelta(minutes=59))
        assert not rendered_afresh("/")
        clock.shift(datetime.timedelta(minutes=1, seconds=1))
        assert rendered_afresh("/")  # an hour is the most any page is kept
