"""The cached programme: invalidated by any organiser save, never carrying one
person's stars or links to another."""

import re

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agenda import services
from agenda.models import Star
from registration.models import Registration
from tests.agenda.factories import (
    RoomFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    local,
)
from tests.factories import UserFactory
from tests.registration.factories import RegistrationFactory


def anonymous_page(path="/agenda/", **query) -> str:
    return Client().get(path, query).content.decode()


def test_anonymous_programme_is_served_from_the_cache(edition):
    SessionFactory(edition=edition, title="Cached panel")
    assert "Cached panel" in anonymous_page()
    with CaptureQueriesContext(connection) as queries:
        html = anonymous_page()
    assert "Cached panel" in html
    # The whole page comes from the cache: not even the current edition is read.
    assert queries.captured_queries == []


def test_cache_is_kept_per_zone(edition):
    SessionFactory(edition=edition, starts_at=local(edition, 0, 9, 20))
    assert ">09:20</time>" in anonymous_page()
    assert ">16:20</time>" in anonymous_page(tz="Europe/Madrid")
    assert ">09:20</time>" in anonymous_page()


def test_organiser_edit_shows_at_the_next_request(client, organiser, edition):
    session = SessionFactory(edition=edition, title="Old title")
    assert "Old title" in anonymous_page()
    client.force_login(organiser)
    day = session.starts_at.astimezone(edition.tz).date().isoformat()
    response = client.post(
        f"/admin/agenda/session/{session.pk}/change/",
        {
            "edition": edition.pk,
            "kind": session.kind,
            "title_en": "New title",
            "slug": session.slug,
            "starts_at_0": day,
            "starts_at_1": "10:00",
            "ends_at_0": day,
            "ends_at_1": "10:30",
            "is_published": "on",
            "session_speakers-TOTAL_FORMS": "0",
            "session_speakers-INITIAL_FORMS": "0",
            "children-TOTAL_FORMS": "0",
            "children-INITIAL_FORMS": "0",
            "recordings-TOTAL_FORMS": "0",
            "recordings-INITIAL_FORMS": "0",
            "materials-TOTAL_FORMS": "0",
            "materials-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    html = anonymous_page()
    assert "New title" in html and "Old title" not in html


def test_every_agenda_object_invalidates(edition):
    room = RoomFactory(edition=edition, name="Old room")
    session = SessionFactory(edition=edition, room=room, starts_at=local(edition, 0, 9))
    speaker = SpeakerFactory(name="Old Name")
    part = SessionSpeakerFactory(session=session, speaker=speaker)
    assert "Old room" in anonymous_page() and "Old Name" in anonymous_page()

    room.name = "New room"
    room.save()
    assert "New room" in anonymous_page()
    speaker.name = "New Name"
    speaker.save()
    assert "New Name" in anonymous_page()
    part.delete()
    assert "New Name" not in anonymous_page()
    services.shift_sessions([session.pk], 30, by=None)  # a bulk update, no signals
    assert ">09:30</time>" in anonymous_page()
    edition.time_zone = "Asia/Ho_Chi_Minh"
    edition.save()
    assert "<strong>Hanoi time (UTC+7)</strong>" in anonymous_page()
    session.is_published = False
    session.save()
    assert f'id="session-{session.slug}"' not in anonymous_page()


def test_personal_parts_never_leak_through_the_cache(edition):
    room = RoomFactory(
        edition=edition, stream_url="https://stream.example.org/live", links_published=True
    )
    session = SessionFactory(edition=edition, room=room, title="Streamed plenary")
    owner, other = UserFactory(), UserFactory()
    RegistrationFactory(edition=edition, attendee=owner, attendance=Registration.Attendance.ONLINE)
    Star.objects.create(user=owner, session=session)

    # The anonymous copy is cached first, then the owner reads theirs.
    assert "Streamed plenary" in anonymous_page()
    owner_client = Client()
    owner_client.force_login(owner)
    html = owner_client.get("/agenda/").content.decode()
    assert "https://stream.example.org/live" in html
    assert "Remove from my agenda" in html

    # And the other way round: after the owner, neither an anonymous visitor nor
    # another person sees the owner's star, link or form token.
    for viewer in (None, other):
        browser = Client()
        if viewer:
            browser.force_login(viewer)
        html = browser.get("/agenda/").content.decode()
        assert "https://stream.example.org/live" not in html
        assert "Remove from my agenda" not in html
        assert "registered online attendees only" in html
        if viewer is None:
            # Not even the language switcher's: it is links for visitors not signed in,
            # so a cached page carries nobody's form token.
            assert "csrfmiddlewaretoken" not in html
        else:
            assert "Add to my agenda" in html


def test_a_visitors_message_is_shown_although_the_page_is_cached(edition):
    SessionFactory(edition=edition, title="Cached panel")
    anonymous_page()
    anonymous_page()  # now served whole from the cache
    browser = Client()
    browser.force_login(UserFactory())
    browser.post("/accounts/logout/")
    html = browser.get("/agenda/").content.decode()
    assert "You have signed out." in html and "Cached panel" in html
    assert "You have signed out." not in anonymous_page()


def test_every_visitor_of_a_cached_page_can_switch_language(edition):
    """The switcher of visitors not signed in is links, the same for all: a programme
    page served from the cache carries nobody's form token, and its links work for
    every visitor."""
    SessionFactory(edition=edition)
    anonymous_page()
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        html = browser.get("/agenda/").content.decode()
        assert "csrfmiddlewaretoken" not in html
        link = re.search(r'href="(/i18n/choose/es/[^"]+)"', html).group(1)
        response = browser.get(link.replace("&amp;", "&"))
        assert (response.status_code, response["Location"]) == (302, "/es/agenda/")
        assert browser.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_cache_is_kept_per_language(edition, language_formats, english_afterwards):
    SessionFactory(edition=edition, title="Opening panel", title_es="Panel de apertura")
    SessionFactory(edition=edition, title="Closing panel")

    def page(language):
        prefix = "" if language == "en" else f"/{language}"
        return Client().get(f"{prefix}/agenda/").content.decode()

    assert "Opening panel" in page("en")
    spanish = page("es")
    assert "Panel de apertura" in spanish and "Opening panel" not in spanish
    # Where no Spanish title is written, the English one.
    assert "Closing panel" in spanish
    assert "Opening panel" in page("en") and "Panel de apertura" in page("es")
