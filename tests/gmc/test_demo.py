from collections import Counter

from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command

from gmc.models import AllianceMember, Edition, NewsArticle, OrganisationType, Publication, User
from gmc.permissions import ORGANISERS_GROUP


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
