"""The programme and speaker pages read a fixed number of rows whatever their size."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agenda.models import Star
from tests.agenda.factories import (
    RoomFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    local,
)
from tests.factories import EditionFactory, UserFactory


def build_programme(edition, size: int, user=None) -> None:
    """``size`` sessions over three days: blocks with nested items, rooms, speakers."""
    rooms = [RoomFactory(edition=edition) for _ in range(3)]
    speakers = [SpeakerFactory() for _ in range(5)]
    made, block = 0, None
    while made < size:
        day, slot = divmod(made, 100)
        start = local(edition, day, 7) + timedelta(minutes=9 * slot)
        if made % 10 == 0:
            block = SessionFactory(
                edition=edition, room=rooms[made % 3], starts_at=start,
                ends_at=start + timedelta(minutes=90),
            )  # fmt: skip
            session = block
        else:
            session = SessionFactory(
                edition=edition, room=rooms[made % 3], starts_at=start,
                ends_at=start + timedelta(minutes=8), parent=block if made % 10 < 5 else None,
            )  # fmt: skip
        SessionSpeakerFactory(session=session, speaker=speakers[made % 5])
        if user is not None and made % 3 == 0:
            Star.objects.create(user=user, session=session)
        made += 1


def count_queries(browser, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("logged_in", [False, True])
def test_agenda_page_queries_do_not_grow_with_the_programme(
    edition, django_assert_num_queries, settings, logged_in
):
    person = UserFactory() if logged_in else None
    browser = Client()
    if person:
        browser.force_login(person)
    small = EditionFactory(is_current=False)
    build_programme(small, 10, person)
    # Every request renders: the count is that of a cold cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    queries_small = count_queries(browser, f"/agenda/{small.year}/")
    build_programme(edition, 300, person)
    with django_assert_num_queries(queries_small):
        html = browser.get("/agenda/").content.decode()
    assert html.count('class="session ') == 300
    # Sessions with rooms, speakers, recordings, materials (and the edition); signed in,
    # also the visitor, their stars and registrations.
    assert queries_small <= (11 if logged_in else 6)


def test_speaker_list_queries_do_not_grow(edition, django_assert_num_queries):
    build_programme(edition, 10)
    browser = Client()
    few = count_queries(browser, "/speakers/")
    for _ in range(20):
        SessionSpeakerFactory(session=SessionFactory(edition=edition))
    with django_assert_num_queries(few):
        html = browser.get("/speakers/").content.decode()
    assert html.count("/speakers/speaker-") >= 25


def test_my_agenda_queries_do_not_grow(edition, django_assert_num_queries):
    person = UserFactory()
    browser = Client()
    browser.force_login(person)
    build_programme(edition, 6, person)
    browser.get("/agenda/mine/")  # the first visit creates the private feed
    few = count_queries(browser, "/agenda/mine/")
    build_programme(EditionFactory(), 60, person)
    with django_assert_num_queries(few):
        html = browser.get("/agenda/mine/").content.decode()
    assert html.count("Remove from my agenda") == Star.objects.filter(user=person).count() > 20


def test_admin_session_list_and_form_queries_do_not_grow(
    client, organiser, edition, django_assert_num_queries
):
    client.force_login(organiser)
    build_programme(edition, 10)
    other = EditionFactory()
    build_programme(other, 5)
    session = edition.sessions.first()
    for url in ["/admin/agenda/session/", f"/admin/agenda/session/{session.pk}/change/"]:
        client.get(url)  # content types and permissions are read once per process
        few = count_queries(client, url)
        build_programme(EditionFactory(), 40)
        with django_assert_num_queries(few):
            assert client.get(url).status_code == 200
