"""Public pages, stars, the private feed and stream links."""

import datetime

import icalendar
import pytest
from django.conf import settings
from django.test import Client

from agenda.models import CalendarFeed, Star
from registration.models import Registration
from tests.agenda.factories import (
    RoomFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    local,
)
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory


def vevents(content: bytes) -> list:
    return icalendar.Calendar.from_ical(content).walk("VEVENT")


def test_drafts_never_show_in_public(client, edition):
    shown = SessionFactory(edition=edition, title="Public panel")
    draft = SessionFactory(edition=edition, title="Secret draft", is_published=False)
    inside_draft = SessionFactory(edition=edition, title="Item of a draft block", parent=draft)
    only_in_draft = SpeakerFactory(name="Hidden Speaker")
    SessionSpeakerFactory(session=draft, speaker=only_in_draft)
    SessionSpeakerFactory(session=shown, speaker=SpeakerFactory(name="Shown Speaker"))
    for url in ["/agenda/", f"/agenda/{edition.year}/", "/speakers/"]:
        html = client.get(url).content.decode()
        assert "Secret draft" not in html and "Item of a draft block" not in html, url
        assert "Hidden Speaker" not in html, url
    assert "Public panel" in client.get("/agenda/").content.decode()
    assert "Shown Speaker" in client.get("/speakers/").content.decode()
    for hidden in (draft, inside_draft):
        assert client.get(f"/agenda/session/{hidden.slug}/").status_code == 404
        assert client.get(f"/agenda/session/{hidden.slug}.ics").status_code == 404
    assert client.get(f"/speakers/{only_in_draft.slug}/").status_code == 404
    for url in ["/agenda.ics", f"/agenda/{edition.year}.ics"]:
        assert [str(e["SUMMARY"]) for e in vevents(client.get(url).content)] == ["Public panel"]


def test_unpublished_edition_has_no_public_programme(client, db):
    edition = EditionFactory(is_published=False)
    session = SessionFactory(edition=edition)
    assert client.get(f"/agenda/{edition.year}/").status_code == 404
    assert client.get(f"/agenda/{edition.year}.ics").status_code == 404
    assert client.get(session.get_absolute_url()).status_code == 404


def test_unknown_year_and_slug_are_not_found(client, edition):
    assert client.get("/agenda/1999/").status_code == 404
    assert client.get("/agenda/session/nothing-here/").status_code == 404
    assert client.get("/speakers/nobody/").status_code == 404


def test_agenda_without_current_edition_says_so(client, db):
    response = client.get("/agenda/")
    assert response.status_code == 404
    assert "No edition is current" in response.content.decode()


def test_invalid_tz_shows_a_message_and_the_event_time(client, edition):
    SessionFactory(edition=edition, starts_at=local(edition, 0, 9, 20))
    response = client.get("/agenda/", {"tz": "Mars/Olympus_Mons"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "“Mars/Olympus_Mons” is not a time zone we know" in html
    assert 'value="Mars/Olympus_Mons"' in html  # what the visitor typed is kept
    assert ">09:20</time>" in html
    for value in ["<script>alert(1)</script>", "x" * 300, "Europe/Madrid%00"]:
        response = client.get("/agenda/", {"tz": value})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_profile_zone_is_a_default_the_viewer_can_switch(client, edition):
    SessionFactory(edition=edition, starts_at=local(edition, 0, 9, 20), slug="opening")
    person = UserFactory(time_zone="Asia/Shanghai")
    client.force_login(person)
    html = client.get("/agenda/").content.decode()
    assert ">23:20</time>" in html
    assert "the time zone of your profile" in html
    assert 'name="tz"' in html  # the control is there for a profile zone too
    html = client.get("/agenda/", {"tz": "America/Mexico_City"}).content.decode()
    assert ">09:20</time>" in html
    assert "the time zone of your profile" not in html
    assert "Show the time zone of my profile" in html
    # The choice is remembered for the rest of the visit, on every agenda page.
    assert ">09:20</time>" in client.get("/agenda/").content.decode()
    assert ">09:20</time>" in client.get("/agenda/session/opening/").content.decode()
    html = client.get("/agenda/", {"tz": "Asia/Shanghai"}).content.decode()
    assert ">23:20</time>" in html
    assert ">23:20</time>" in client.get("/agenda/session/opening/").content.decode()


def test_a_visitor_choice_is_remembered_and_cached_per_zone(edition):
    SessionFactory(edition=edition, starts_at=local(edition, 0, 9, 20))
    first, second = Client(), Client()
    assert ">23:20</time>" in first.get("/agenda/", {"tz": "Beijing"}).content.decode()
    assert ">09:20</time>" in second.get("/agenda/").content.decode()
    for _ in range(2):  # the second time from the cache
        assert ">23:20</time>" in first.get("/agenda/").content.decode()
        assert ">09:20</time>" in second.get("/agenda/").content.decode()
    html = first.get("/agenda/", {"tz": edition.time_zone}).content.decode()
    assert ">09:20</time>" in html
    assert ">09:20</time>" in first.get("/agenda/").content.decode()


def test_zones_are_shown_as_people_say_them_and_found_by_city(client, db):
    edition = EditionFactory(is_current=True, time_zone="Asia/Ho_Chi_Minh", city="Hanoi")
    SessionFactory(edition=edition, starts_at=local(edition, 0, 9, 0), slug="opening")
    html = client.get("/agenda/").content.decode()
    assert "<strong>Hanoi time (UTC+7)</strong>, the event's local time" in html
    assert "Asia/Ho_Chi_Minh time" not in html
    assert '<option value="Beijing, China (UTC+8)">' in html
    html = client.get("/agenda/", {"tz": "beijing"}).content.decode()
    assert ">10:00</time>" in html and "<strong>Beijing time (UTC+8)</strong>" in html
    assert "is not a time zone we know" not in html
    assert 'value="Beijing, China (UTC+8)"' in html  # as the list names it, cached as such
    same = Client().get("/agenda/", {"tz": "Asia/Shanghai"}).content.decode()
    # The same page but for the footer's language switcher, which returns to the address
    # as typed.
    assert html.split("<footer")[0] == same.split("<footer")[0]
    html = client.get("/agenda/session/opening/", {"tz": "Ciudad de México"}).content.decode()
    assert "Mexico City time (UTC-6)" in html and ">20:00</time>" in html
    html = client.get("/agenda/", {"tz": "Mexico"}).content.decode()
    assert "has several time zones; choose one: Mexico City, Mexico (UTC-6)" in html


def test_an_item_on_another_day_in_the_viewers_zone_is_listed_under_that_day(client, edition):
    """A block from 12:00 to 14:00 in Mexico City with an item at 13:40: in Delhi the
    block starts at 23:30 and the item at 01:10 the next day, under whose heading it is
    listed, naming its block."""
    block = SessionFactory(
        edition=edition, title="Evening block", slug="evening",
        starts_at=local(edition, 0, 12, 0), ends_at=local(edition, 0, 14, 0),
    )  # fmt: skip
    SessionFactory(
        edition=edition, parent=block, title="Late item", slug="late-item",
        starts_at=local(edition, 0, 13, 40), ends_at=local(edition, 0, 14, 0),
    )  # fmt: skip
    html = client.get(f"/agenda/{edition.year}/", {"tz": "Delhi"}).content.decode()
    first_day = edition.start_date
    next_day = first_day + datetime.timedelta(days=1)
    heading = next_day.strftime("%A %-d %B %Y")
    assert heading in html
    assert html.index('id="session-late-item"') > html.index(heading)
    assert html.index('id="session-evening"') < html.index(heading)
    assert "Part of <a" in html


def test_session_page_in_the_chosen_zone(client, edition):
    block = SessionFactory(
        edition=edition,
        starts_at=local(edition, 0, 9, 0),
        ends_at=local(edition, 0, 12, 0),
        kind="ceremony",
        title="Opening ceremony",
    )
    item = SessionFactory(
        edition=edition,
        parent=block,
        starts_at=local(edition, 0, 9, 0),
        ends_at=local(edition, 0, 9, 10),
        title="Opening video",
    )
    html = client.get(block.get_absolute_url(), {"tz": "Europe/Madrid"}).content.decode()
    assert "<h1" in html and "Opening ceremony" in html
    assert "Opening video" in html and f"{item.get_absolute_url()}?tz=Europe%2FMadrid" in html
    assert ">16:00</time>" in html and "Madrid time (UTC+1)" in html


def test_star_and_unstar_need_login_and_post(client, edition):
    session = SessionFactory(edition=edition)
    star_url = f"/agenda/session/{session.slug}/star/"
    response = client.post(star_url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/agenda/session/{session.slug}/"
    assert not Star.objects.exists()
    person = UserFactory()
    client.force_login(person)
    assert client.get(star_url).status_code == 405
    response = client.post(star_url, {"next": "/agenda/"})
    assert response.status_code == 302 and response["Location"] == "/agenda/"
    client.post(star_url)  # twice is once
    assert list(Star.objects.values_list("user", "session")) == [(person.pk, session.pk)]
    html = client.get("/agenda/mine/").content.decode()
    assert session.title in html and "Remove from my agenda" in html
    client.post(f"/agenda/session/{session.slug}/unstar/", {"next": "https://evil.example/"})
    assert not Star.objects.exists()


def test_star_needs_the_csrf_token(edition):
    session = SessionFactory(edition=edition)
    person = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person)
    assert browser.post(f"/agenda/session/{session.slug}/star/").status_code == 403
    assert not Star.objects.exists()
    page = browser.get("/agenda/")
    token = page.cookies["csrftoken"].value
    response = browser.post(
        f"/agenda/session/{session.slug}/star/", {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Star.objects.filter(user=person, session=session).exists()


def test_drafts_cannot_be_starred(client, edition):
    draft = SessionFactory(edition=edition, is_published=False)
    client.force_login(UserFactory())
    assert client.post(f"/agenda/session/{draft.slug}/star/").status_code == 404
    assert not Star.objects.exists()


def test_my_agenda_needs_login(client, db):
    response = client.get("/agenda/mine/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_private_feed_only_with_its_token_and_reset_stops_the_old_address(client, edition):
    mine = SessionFactory(edition=edition, title="My session")
    SessionFactory(edition=edition, title="Not starred")
    owner, other = UserFactory(), UserFactory()
    client.force_login(owner)
    client.post(f"/agenda/session/{mine.slug}/star/")
    html = client.get("/agenda/mine/").content.decode()
    feed = CalendarFeed.objects.get(user=owner)
    assert f"{settings.SITE_URL}/agenda/feed/{feed.token}.ics" in html
    old_url = feed.get_absolute_url()

    stranger = Client()
    response = stranger.get(old_url)
    assert response.status_code == 200
    assert [str(e["SUMMARY"]) for e in vevents(response.content)] == ["My session"]
    stranger.force_login(other)
    assert stranger.get("/agenda/feed/" + "A" * 43 + ".ics").status_code == 404
    assert stranger.get(f"/agenda/feed/{feed.token[:-1]}.ics").status_code == 404
    other_feed_page = stranger.get("/agenda/mine/").content.decode()
    assert feed.token not in other_feed_page

    assert client.get("/agenda/mine/feed/reset/").status_code == 405
    response = client.post("/agenda/mine/feed/reset/")
    assert response.status_code == 302
    feed.refresh_from_db()
    assert Client().get(old_url).status_code == 404
    assert Client().get(feed.get_absolute_url()).status_code == 200


@pytest.fixture
def streamed(edition):
    room = RoomFactory(
        edition=edition,
        name="Main hall",
        stream_url="https://stream.example.org/live",
        links_published=True,
    )
    return SessionFactory(edition=edition, room=room, title="Streamed plenary")


@pytest.mark.parametrize(
    ("attendance", "status", "sees_link"),
    [
        (Registration.Attendance.ONLINE, Registration.Status.CONFIRMED, True),
        (Registration.Attendance.ONLINE, Registration.Status.CANCELLED, False),
        (Registration.Attendance.IN_PERSON, Registration.Status.CONFIRMED, False),
        (None, None, False),
    ],
)
def test_stream_links_only_for_registered_online_attendees(
    client, edition, streamed, attendance, status, sees_link
):
    person = UserFactory()
    if attendance:
        RegistrationFactory(edition=edition, attendee=person, attendance=attendance, status=status)
    client.force_login(person)
    for url in ["/agenda/", streamed.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert ("https://stream.example.org/live" in html) is sees_link, url
        assert ("registered online attendees only" in html) is not sees_link, url


def test_stream_links_hidden_until_published_and_from_anonymous(client, edition, streamed):
    html = client.get("/agenda/").content.decode()
    assert "https://stream.example.org/live" not in html
    assert "registered online attendees only" in html
    streamed.room.links_published = False
    streamed.room.save()
    person = UserFactory()
    RegistrationFactory(
        edition=edition, attendee=person, attendance=Registration.Attendance.ONLINE
    )
    client.force_login(person)
    html = client.get("/agenda/").content.decode()
    assert "https://stream.example.org/live" not in html
    assert "registered online attendees only" not in html


def test_programme_nests_items_and_lists_speakers(client, edition):
    block = SessionFactory(
        edition=edition,
        kind="ceremony",
        title="Opening ceremony",
        starts_at=local(edition, 0, 9),
        ends_at=local(edition, 0, 12),
    )
    item = SessionFactory(
        edition=edition,
        parent=block,
        title="Opening remarks",
        starts_at=local(edition, 0, 9, 30),
        ends_at=local(edition, 0, 10),
    )
    SessionSpeakerFactory(
        session=item, speaker=SpeakerFactory(name="Ana Example"), role="video_message"
    )
    html = client.get("/agenda/").content.decode()
    block_at = html.index('id="session-' + block.slug + '"')
    children_at = html.index('class="programme-children', block_at)
    assert html.index('id="session-' + item.slug + '"') > children_at
    assert "Ana Example</a> (video message)" in html


def test_sitemap_lists_public_sessions_and_speakers(client, edition):
    shown = SessionFactory(edition=edition)
    draft = SessionFactory(edition=edition, is_published=False)
    SessionSpeakerFactory(session=shown, speaker=SpeakerFactory(slug="on-stage"))
    SessionSpeakerFactory(session=draft, speaker=SpeakerFactory(slug="backstage"))
    xml = client.get("/sitemap.xml").content.decode()
    assert shown.get_absolute_url() in xml and "/speakers/on-stage/" in xml
    assert draft.get_absolute_url() not in xml and "/speakers/backstage/" not in xml


def test_programme_page_has_a_print_stylesheet_and_works_without_script(client, edition):
    SessionFactory(edition=edition, title="Printed panel")
    html = client.get("/agenda/").content.decode()
    assert 'href="/static/agenda/print.css" media="print"' in html
    # Everything is in the HTML; the script only offers the device's zone.
    assert "Printed panel" in html and '<form method="get" action="/agenda/"' in html
    assert 'id="browser-zone"' in html and "hidden" in html
    assert html.count("<h1") == 1
