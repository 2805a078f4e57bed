"""Seven languages: an address per language for the pages people read (English
unprefixed as before), one address for what machines read and for the admin, the
switcher's choice kept in the cookie and the profile, else Accept-Language."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.agenda.factories import SessionFactory
from tests.factories import EditionFactory, UserFactory

# What a browser sends when it opens a page.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_seven_languages_are_offered_each_named_in_its_own():
    assert [code for code, _name in settings.LANGUAGES] == [
        "en",
        "es",
        "fr",
        "zh-hans",
        "ru",
        "ar",
        "vi",
    ]
    assert settings.LANGUAGE_CODE == "en"
    assert settings.LOCALE_PATHS == [settings.BASE_DIR / "locale"]


def test_switcher_names_each_language_in_its_own(client, user):
    client.force_login(user)
    html = client.get("/").content.decode()
    for code, _name in settings.LANGUAGES[1:]:
        name = translation.get_language_info(code)["name_local"]
        assert f'<option value="{code}" lang="{code}">{name}</option>' in html
    assert ">español<" in html and ">简体中文<" in html and ">Русский<" in html


def test_visitors_not_signed_in_switch_by_links_without_a_form_token(client, db):
    """A page served from the cache to everyone must carry nobody's form token: the
    switcher is a link per language, named in its own."""
    html = client.get("/about/").content.decode()
    assert "csrfmiddlewaretoken" not in html
    for code, _name in settings.LANGUAGES[1:]:
        name = translation.get_language_info(code)["name_local"]
        link = (
            f'href="/i18n/choose/{code}/?next=/about/" lang="{code}" hreflang="{code}">{name}</a>'
        )
        assert link in html


def test_a_language_link_keeps_the_choice_in_the_cookie_and_opens_the_page_in_it(db):
    client = Client(HTTP_ACCEPT=BROWSER_ACCEPT)
    response = client.get("/i18n/choose/vi/", {"next": "/agenda/?zone=UTC"})
    assert response.status_code == 302
    assert response["Location"] == "/vi/agenda/?zone=UTC"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"
    assert client.get("/about/")["Location"] == "/vi/about/"
    # English again, from the Vietnamese page: English addresses open in English.
    response = client.get("/i18n/choose/en/", {"next": "/vi/about/"})
    assert response["Location"] == "/about/"
    assert html_lang(client.get("/about/")) == "en"


def test_a_language_link_goes_nowhere_else_and_knows_only_the_offered_languages(client, db):
    response = client.get("/i18n/choose/es/", {"next": "https://elsewhere.example/"})
    assert response["Location"] == "/es/"
    assert client.get("/i18n/choose/de/", {"next": "/"}).status_code == 404


def test_a_language_link_leaves_a_signed_in_persons_profile_alone(client, user):
    client.force_login(user)
    client.get("/i18n/choose/ru/", {"next": "/"})
    user.refresh_from_db()
    assert user.language == ""


def test_english_addresses_are_unchanged(client, db):
    EditionFactory(is_current=True)
    for path in ("/", "/about/", "/agenda/", "/editions/", "/accounts/login/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert html_lang(response) == "en", path
    assert reverse("agenda:index") == "/agenda/"


@pytest.mark.parametrize("code", ["es", "fr", "zh-hans", "ru", "ar", "vi"])
def test_public_pages_have_an_address_in_each_language(client, db, code):
    edition = EditionFactory(is_current=True)
    SessionFactory(edition=edition)
    for path in ("/", "/about/", f"/agenda/{edition.year}/", "/accounts/login/"):
        response = client.get(f"/{code}{path}")
        assert response.status_code == 200, (code, path)
        assert html_lang(response) == code
    with translation.override(code):
        assert reverse("agenda:edition", args=[edition.year]) == f"/{code}/agenda/{edition.year}/"


def test_machine_addresses_and_admin_have_one_address(client, db, organiser):
    assert client.get("/healthz").status_code == 200
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/sitemap.xml").status_code == 200
    for path in ("/es/healthz", "/es/robots.txt", "/es/sitemap.xml", "/es/admin/"):
        assert client.get(path).status_code == 404, path
    with translation.override("es"):
        assert reverse("healthz") == "/healthz"
        assert reverse("admin:index") == "/admin/"
        assert reverse("set_language") == "/i18n/setlang/"


def test_token_addresses_already_sent_keep_working_without_a_prefix(client, db):
    """Links in emails that went out before the languages came have no prefix."""
    response = client.get("/email/unsubscribe/not-a-real-token/")
    assert response.status_code == 400  # the page answers: a bad link, not a lost page
    assert client.get("/agenda/feed/not-a-real-token.ics").status_code == 404
    assert client.get("/register/ticket/NOPE/").status_code in (302, 404)


def test_every_page_names_its_address_in_each_language(client, db):
    for path, english in (("/about/", "/about/"), ("/es/about/", "/about/")):
        html = client.get(path).content.decode()
        alternates = dict(ALTERNATE.findall(html))
        assert alternates == {
            **{
                code: f"{settings.SITE_URL}{'' if code == 'en' else '/' + code}{english}"
                for code, _name in settings.LANGUAGES
            },
            "x-default": f"{settings.SITE_URL}{english}",
        }


def test_pages_with_one_address_name_no_alternates(client, organiser):
    client.force_login(organiser)
    assert not ALTERNATE.findall(client.get("/admin/").content.decode())
    assert not ALTERNATE.findall(client.get("/no-such-page/").content.decode())


def test_sitemap_lists_every_page_in_every_language(client, db):
    xml = client.get("/sitemap.xml").content.decode()
    site = settings.SITE_URL
    for code, _name in settings.LANGUAGES:
        prefix = "" if code == "en" else f"/{code}"
        assert f"<loc>{site}{prefix}/about/</loc>" in xml, code
        assert f'hreflang="{code}" href="{site}{prefix}/about/"' in xml, code
    assert f'hreflang="x-default" href="{site}/about/"' in xml


def test_switcher_keeps_the_choice_in_the_cookie(db):
    client = Client(HTTP_ACCEPT=BROWSER_ACCEPT)
    response = client.post("/i18n/setlang/", {"language": "vi", "next": "/agenda/"})
    assert response.status_code == 302
    assert response["Location"] == "/vi/agenda/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"
    # An address without a prefix now opens in the chosen language...
    assert client.get("/about/")["Location"] == "/vi/about/"
    # ...until English is chosen again.
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/vi/about/"})
    assert response["Location"] == "/about/"
    assert html_lang(client.get("/about/")) == "en"


def test_switcher_keeps_the_choice_on_the_profile(client, user):
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    user.refresh_from_db()
    assert user.language == "zh-hans"
    # A GET changes nothing (Django's view only goes back).
    client.get("/i18n/setlang/", {"language": "ru", "next": "/"})
    user.refresh_from_db()
    assert user.language == "zh-hans"


def test_switcher_ignores_a_language_not_offered(client, user):
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    user.refresh_from_db()
    assert user.language == ""


def test_accept_language_decides_without_a_choice(db):
    browser = Client(HTTP_ACCEPT_LANGUAGE="vi-VN,vi;q=0.9,en;q=0.5", HTTP_ACCEPT=BROWSER_ACCEPT)
    response = browser.get("/agenda/?zone=UTC")
    assert response.status_code == 302
    assert response["Location"] == "/vi/agenda/?zone=UTC"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]
    english = Client(HTTP_ACCEPT_LANGUAGE="de-DE,en;q=0.5", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert html_lang(english.get("/agenda/")) == "en"


def test_calendar_apps_and_scripts_keep_the_address_they_were_given(db):
    EditionFactory(is_current=True)
    reader = Client(HTTP_ACCEPT_LANGUAGE="es", HTTP_ACCEPT="text/calendar, */*")
    response = reader.get("/agenda.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")


def test_the_cookie_wins_over_accept_language(db):
    browser = Client(HTTP_ACCEPT_LANGUAGE="vi", HTTP_ACCEPT=BROWSER_ACCEPT)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert browser.get("/").status_code == 200


def test_profile_language_wins_unless_the_address_has_a_prefix(db):
    client = Client(HTTP_ACCEPT=BROWSER_ACCEPT)
    EditionFactory(is_current=True)
    person = UserFactory(language="ru")
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get("/agenda/")["Location"] == "/ru/agenda/"
    response = client.get("/fr/agenda/")
    assert response.status_code == 200
    assert html_lang(response) == "fr"


def test_forms_posted_without_a_prefix_still_work(client, user):
    """A form sent to an English address (a page opened before) is not redirected."""
    user.language = "es"
    user.save()
    client.force_login(user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302


def test_admin_speaks_the_organisers_language(client, db):
    organiser = UserFactory(is_staff=True, is_superuser=True, language="fr")
    client.force_login(organiser)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert html_lang(response) == "fr"
    assert response["Content-Language"] == "fr"
    assert "Déconnexion" in response.content.decode()  # Django's own catalogue


@pytest.mark.parametrize(
    ("code", "written"),
    [
        ("vi", "3 tháng 1, 2027"),
        ("zh-hans", "2027年1月3日星期日"),
        ("ar", "3 يناير، 2027"),
    ],
)
def test_programme_dates_read_in_the_languages_order(client, db, code, written):
    edition = EditionFactory(
        is_current=True, time_zone="UTC", start_date=date(2027, 1, 3), end_date=date(2027, 1, 5)
    )
    SessionFactory(edition=edition)  # on the first day
    html = client.get(f"/{code}/agenda/{edition.year}/").content.decode()
    assert written in html
    assert "3 January 2027" not in html
