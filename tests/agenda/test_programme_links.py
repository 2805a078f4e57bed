"""Every edition's programme can be reached: from its edition page, from the other
programmes and from the sitemap."""

from django.test import Client

from tests.agenda.factories import SessionFactory
from tests.factories import EditionFactory


def test_each_programme_is_linked_from_its_edition_page_and_the_others(client, edition):
    past = EditionFactory(year=2025, is_current=False)
    oldest = EditionFactory(year=2020, is_current=False)
    without = EditionFactory(year=2021, is_current=False)
    for one in (edition, past, oldest):
        SessionFactory(edition=one)
    SessionFactory(edition=without, is_published=False)

    for one in (edition, past, oldest):
        html = client.get(f"/editions/{one.year}/").content.decode()
        assert f'href="/agenda/{one.year}/"' in html
    assert 'href="/agenda/2021/"' not in client.get("/editions/2021/").content.decode()

    html = client.get("/agenda/2025/").content.decode()
    assert 'href="/agenda/2020/"' in html and f'href="/agenda/{edition.year}/"' in html
    assert 'href="/agenda/2021/"' not in html


def test_a_newly_published_programme_is_linked_from_a_cached_one(edition):
    SessionFactory(edition=edition)
    past = EditionFactory(year=2025, is_current=False)
    draft = SessionFactory(edition=past, is_published=False)
    for _ in range(2):  # the second time from the cache
        assert 'href="/agenda/2025/"' not in Client().get("/agenda/").content.decode()
    draft.is_published = True
    draft.save()
    assert 'href="/agenda/2025/"' in Client().get("/agenda/").content.decode()


def test_the_sitemap_lists_every_programme(client, edition):
    past = EditionFactory(year=2025, is_current=False)
    unpublished = EditionFactory(year=2019, is_current=False, is_published=False)
    for one in (edition, past, unpublished):
        SessionFactory(edition=one)
    xml = client.get("/sitemap.xml").content.decode()
    assert f"/agenda/{edition.year}/</loc>" in xml
    assert "/agenda/2025/</loc>" in xml
    assert "/agenda/2019/</loc>" not in xml
