import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gmc.models import Edition
from tests.factories import (
    AllianceMemberFactory,
    EditionFactory,
    NewsArticleFactory,
    OrganisationFactory,
    PublicationFactory,
    UserFactory,
)


def make_current(client, *editions):
    return client.post(
        "/admin/gmc/edition/",
        {"action": "make_current", "_selected_action": [e.pk for e in editions]},
        follow=True,
    )


def test_make_current_action_swaps_the_current_edition(client, staff_organiser):
    old = EditionFactory(year=2025, is_current=True)
    new = EditionFactory(year=2026)
    client.force_login(staff_organiser)
    response = make_current(client, new)
    assert response.status_code == 200
    assert "2026: GMC 2026 is now the current edition." in response.content.decode()
    assert list(Edition.objects.filter(is_current=True)) == [new]
    old.refresh_from_db()
    assert not old.is_current
    assert "GMC 2026" in client.get("/").content.decode()


def test_make_current_refuses_unpublished_and_several_editions(client, staff_organiser):
    current = EditionFactory(year=2025, is_current=True)
    hidden = EditionFactory(year=2026, is_published=False)
    other = EditionFactory(year=2024)
    client.force_login(staff_organiser)
    html = make_current(client, hidden).content.decode()
    assert "Publish the edition before making it the current one." in html
    html = make_current(client, other, hidden).content.decode()
    assert "Select exactly one edition to make current." in html
    assert list(Edition.objects.filter(is_current=True)) == [current]


def edition_form_data(**overrides) -> dict:
    data = {
        "year": 2026,
        "title_en": "GMC 2026",
        "theme_en": "",
        "is_published": "on",
        "time_zone": "Asia/Ho_Chi_Minh",
        "start_date": "2026-12-02",
        "end_date": "2026-12-04",
        "opening_at_0": "2026-12-03",
        "opening_at_1": "09:20",
        "closing_at_0": "",
        "closing_at_1": "",
        "format": "in_person",
        "venue_en": "",
        "city": "Hanoi",
        "country": "VN",
        "capacity": "150",
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        "declaration_deadline_0": "",
        "declaration_deadline_1": "",
        "working_language": "en",
        "contact_email": "",
        "summary_en": "",
        "background_en": "",
        "aims_en": "",
        "expected_outcomes_en": "",
        "target_audience_en": "",
        "outcomes_en": "",
        "online_joining_details": "",
    }
    # The edition's texts are written per language: the English fields here.
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_saving_a_second_current_edition_is_a_form_error_not_a_500(client, staff_organiser):
    EditionFactory(year=2025, is_current=True)
    client.force_login(staff_organiser)
    response = client.post("/admin/gmc/edition/add/", edition_form_data(is_current="on"))
    assert response.status_code == 200
    assert "Another edition is already the current one." in response.content.decode()
    assert not Edition.objects.filter(year=2026).exists()


def test_edition_moments_are_entered_in_the_edition_zone(client, staff_organiser):
    edition = EditionFactory(year=2026, time_zone="Asia/Ho_Chi_Minh")
    client.force_login(staff_organiser)
    response = client.post(f"/admin/gmc/edition/{edition.pk}/change/", edition_form_data())
    assert response.status_code == 302, response.content.decode()[-3000:]
    edition.refresh_from_db()
    # 09:20 in Hanoi is 02:20 UTC.
    assert edition.opening_at.isoformat() == "2026-12-03T02:20:00+00:00"
    page = client.get(f"/admin/gmc/edition/{edition.pk}/change/").content.decode()
    assert 'value="09:20:00"' in page


def test_interpretation_languages_are_ticked_by_name_and_saved_codes_kept(client, staff_organiser):
    edition = EditionFactory(year=2026, interpretation_languages=["es", "tlh"])
    client.force_login(staff_organiser)
    url = f"/admin/gmc/edition/{edition.pk}/change/"
    page = client.get(url).content.decode()
    assert 'e.g. ["es"' not in page
    # Language names to tick; the saved ones ticked, a code Django does not know kept.
    assert re.search(
        r'type="checkbox" name="interpretation_languages" value="vi"[^>]*>\s*Vietnamese', page
    )
    assert re.search(r'value="es"[^>]*checked', page)
    assert re.search(r'value="tlh"[^>]*checked[^>]*>\s*tlh', page)

    response = client.post(
        url, edition_form_data(interpretation_languages=["vi", "zh-hans", "tlh"])
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    edition.refresh_from_db()
    assert sorted(edition.interpretation_languages) == ["tlh", "vi", "zh-hans"]

    response = client.post(url, edition_form_data(interpretation_languages=["not a language"]))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()


def test_admin_previews_the_public_page(client, staff_organiser):
    edition = EditionFactory(year=2026)
    article = NewsArticleFactory(edition=edition, status="draft")
    client.force_login(staff_organiser)
    for url, target in [
        (f"/admin/gmc/edition/{edition.pk}/change/", "/editions/2026/"),
        (f"/admin/gmc/newsarticle/{article.pk}/change/", article.get_absolute_url()),
    ]:
        html = client.get(url).content.decode()
        assert f'href="{target}" class="viewsitelink"' in html
    assert client.get(article.get_absolute_url()).status_code == 200


def add_rows(size: int) -> None:
    for _ in range(size):
        edition = EditionFactory()
        edition.hosts.add(OrganisationFactory())
        AllianceMemberFactory()
        PublicationFactory(edition=edition)
        NewsArticleFactory(edition=edition)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/gmc/edition/",
        "/admin/gmc/organisation/",
        "/admin/gmc/alliancemember/",
        "/admin/gmc/publication/",
        "/admin/gmc/newsarticle/",
    ],
)
def test_admin_lists_answer_in_a_fixed_number_of_queries(
    client, staff_organiser, url, django_assert_num_queries
):
    client.force_login(staff_organiser)
    add_rows(1)
    client.get(url + "?q=a")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_rows(8)
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200
    assert client.get(url + "?q=University").status_code == 200


def test_organisers_cannot_delete_users_or_edit_permissions(client, staff_organiser):
    someone = UserFactory()
    client.force_login(staff_organiser)
    assert client.get("/admin/gmc/user/").status_code == 200
    assert client.get(f"/admin/gmc/user/{someone.pk}/delete/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    response = client.post(
        f"/admin/gmc/user/{someone.pk}/change/",
        {"email": someone.email, "is_staff": "on", "is_superuser": "on"},
    )
    assert response.status_code == 403
    someone.refresh_from_db()
    assert not someone.is_staff and not someone.is_superuser
