import datetime
import io
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command

from gmc.models import AllianceMember, Edition, NewsArticle, OrganisationType, Publication, User
from gmc.permissions import ORGANISERS_GROUP
from tests.conftest import DEMO_NOW


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_load_demo_twice_leaves_the_same_rows(demo):
    first = row_counts()
    editions = {e.year: (e.registration_closes_at, e.start_date) for e in Edition.objects.all()}
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert row_counts() == first
    assert {
        e.year: (e.registration_closes_at, e.start_date) for e in Edition.objects.all()
    } == editions
    assert first["gmc.Edition"] == 7
    assert first["gmc.AllianceMember"] == 25
    assert first["gmc.Publication"] >= 4
    assert first["gmc.NewsArticle"] >= 3


def test_demo_loads_every_edition_with_2026_current(demo):
    assert list(Edition.objects.order_by("year").values_list("year", flat=True)) == list(
        range(2020, 2027)
    )
    current = Edition.objects.get(is_current=True)
    assert current.year == 2026
    assert current.time_zone == "Asia/Ho_Chi_Minh"
    assert current.dates_provisional
    assert current.registration_is_open()
    assert list(current.hosts.values_list("name", flat=True)) == [
        "Vietnam National University, Hanoi"
    ]
    past = Edition.objects.get(year=2025)
    assert (past.time_zone, past.capacity, str(past.start_date), str(past.end_date)) == (
        "America/Mexico_City",
        150,
        "2025-12-02",
        "2025-12-04",
    )
    assert set(past.hosts.values_list("slug", flat=True)) == {"tsinghua", "unam"}
    first = Edition.objects.get(year=2020)
    assert (first.format, first.time_zone) == (Edition.Format.ONLINE, "Asia/Shanghai")
    assert not Edition.objects.filter(year__lt=2026, dates_provisional=True).exists()


def test_demo_alliance_has_25_members_18_universities_6_platforms_1_institute(demo):
    members = AllianceMember.objects.select_related("organisation")
    types = Counter(m.organisation.type for m in members)
    assert members.count() == 25
    assert types == {
        OrganisationType.UNIVERSITY: 18,
        OrganisationType.PLATFORM: 6,
        OrganisationType.RESEARCH: 1,
    }
    assert len({m.organisation.country.code for m in members}) == 18
    by_name = {m.organisation.name: m.organisation for m in members}
    assert by_name["Learning Planet Institute"].type == OrganisationType.RESEARCH
    assert by_name["Learning Planet Institute"].country.code == "FR"
    assert by_name["Edraak"].country.code == "JO"
    for platform in [
        "edX",
        "XuetangX",
        "FutureLearn",
        "Thai MOOC",
        "Edraak",
        "Indonesia Cyber Education Institute",
    ]:
        assert by_name[platform].type == OrganisationType.PLATFORM


def test_demo_publications_and_news(demo):
    titles = set(Publication.objects.values_list("title", flat=True))
    assert "Beijing Declaration on MOOC Development" in titles
    assert "Mexico City Declaration" in titles
    assert not Publication.objects.exclude(file="").exists()  # no invented files
    assert NewsArticle.objects.public().count() >= 3
    assert NewsArticle.objects.filter(status=NewsArticle.Status.DRAFT).exists()


def test_demo_accounts_log_in_under_mandatory_verification(client, demo, settings):
    assert settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    assert "organiser@gmc.localhost / gmc-organiser-demo" in demo
    assert "attendee@gmc.localhost / gmc-attendee-demo" in demo
    organiser = User.objects.get(email="organiser@gmc.localhost")
    assert organiser.is_staff and not organiser.is_superuser
    assert organiser.groups.filter(name=ORGANISERS_GROUP).exists()
    for email, password in [
        ("organiser@gmc.localhost", "gmc-organiser-demo"),
        ("attendee@gmc.localhost", "gmc-attendee-demo"),
    ]:
        address = EmailAddress.objects.get(email=email)
        assert address.verified and address.primary
        response = client.post("/accounts/login/", {"login": email, "password": password})
        assert response.status_code == 302, response.content.decode()[:500]
        assert "confirm-email" not in response["Location"]
        assert client.get("/").context["user"].email == email
        client.logout()
    client.force_login(organiser)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/gmc/edition/").status_code == 200


# --- the demo tells what is on record, and marks what it makes up ------------------------


@pytest.mark.parametrize(
    "today",
    [
        datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC),
        DEMO_NOW,
        datetime.datetime(2026, 12, 10, 12, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 26, 12, 0, tzinfo=datetime.UTC),
    ],
)
def test_demo_2026_edition_stays_in_2026_with_registration_open(db, today):
    """Hanoi hosts the 2026 conference: whatever the day of loading, its sample dates
    are in 2026, and registration, open on the day, closes before it starts."""
    with time_machine.travel(today, tick=False):
        call_command("load_demo", stdout=io.StringIO())
        edition = Edition.objects.get(year=2026)
        assert edition.start_date.year == edition.end_date.year == 2026
        for moment in (edition.registration_closes_at, edition.declaration_deadline):
            assert moment.astimezone(edition.tz).year == 2026
            assert moment.astimezone(edition.tz).date() < edition.start_date
        assert edition.registration_is_open()


def test_demo_2026_edition_loaded_after_2026_is_past(db):
    with time_machine.travel(datetime.datetime(2027, 2, 1, tzinfo=datetime.UTC), tick=False):
        call_command("load_demo", stdout=io.StringIO())
        edition = Edition.objects.get(year=2026)
        assert edition.end_date == datetime.date(2026, 12, 31)
        assert edition.registration_opens_at < edition.registration_closes_at
        assert not edition.registration_is_open()


def test_demo_pages_state_no_organiser_or_language_that_is_not_on_record(client, demo):
    archive = client.get("/editions/").content.decode()
    assert "member universities" not in archive
    for year in (2021, 2022, 2023, 2024, 2026):
        html = client.get(f"/editions/{year}/").content.decode()
        assert "<dt>Organised by</dt>" not in html, year
        assert "Working language" not in html, year
    html = client.get("/editions/2025/").content.decode()
    assert "Working language: English." in html
    assert "<dt>Organised by</dt>" in html and "UNESCO IITE" in html
    assert not Edition.objects.get(year=2026).co_organisers.exists()
    assert "<dt>Organised by</dt>" not in client.get("/").content.decode()


def test_demo_2026_sample_values_are_called_sample_data(client, demo):
    edition = client.get("/editions/2026/").content.decode()
    assert "Sample data: the dates, deadlines and number of seats" in edition
    assert Edition.objects.get(year=2026).aims == ""  # no invented aims
    news = NewsArticle.objects.get(slug="registration-open-2026")
    assert "(sample)" in news.title and "Sample news" in news.summary


def test_demo_dates_the_mexico_city_declaration_at_its_release_on_3_december(demo):
    news = NewsArticle.objects.get(slug="mexico-city-declaration-adopted")
    mexico = ZoneInfo("America/Mexico_City")
    assert news.published_at.astimezone(mexico).date() == datetime.date(2025, 12, 3)
    assert "released at the opening ceremony" in news.body
    assert "closed with a declaration" not in news.summary + news.body
    declaration = Publication.objects.get(slug="mexico-city-declaration-2025")
    assert declaration.published_on == datetime.date(2025, 12, 3)
    assert "opening ceremony" in declaration.summary
