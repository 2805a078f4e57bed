"""The profile's time zone: current zones only, named as people say them, typed as a
city or a country, and a default on the programme that the viewer can switch."""

import pytest
from django.test import Client

from registration.accounts.forms import ProfileForm
from tests.agenda.factories import SessionFactory, local
from tests.factories import EditionFactory, UserFactory
from tests.registration.test_accounts_data import PROFILE, profile_data


@pytest.fixture
def person(db):
    return UserFactory(time_zone="")


def test_the_profile_offers_current_zones_with_friendly_names(client, person):
    client.force_login(person)
    html = client.get(PROFILE).content.decode()
    assert 'list="id_time_zone-options"' in html
    assert '<datalist id="id_time_zone-options">' in html
    assert '<option value="Hanoi, Vietnam (UTC+7)">' in html
    assert "Mexico City, Mexico (UTC-6)" in html
    for deprecated in ("Mexico/BajaNorte", "US/Eastern", "Asia/Saigon", "Etc/GMT+5"):
        assert deprecated not in html
    suggestions = html[html.index('<datalist id="id_time_zone-options">') :]
    suggestions = suggestions[: suggestions.index("</datalist>")]
    assert 400 < suggestions.count("<option value=") < 450


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Hanoi", "Asia/Ho_Chi_Minh"),
        ("ciudad de méxico", "America/Mexico_City"),
        ("Beijing, China (UTC+8)", "Asia/Shanghai"),
        ("Europe/Paris", "Europe/Paris"),
        ("Mexico/BajaNorte", "America/Tijuana"),
    ],
)
def test_the_profile_takes_a_city_and_stores_the_zone(client, person, typed, stored):
    client.force_login(person)
    response = client.post(PROFILE, profile_data(time_zone=typed))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.time_zone == stored
    label = {"Asia/Ho_Chi_Minh": "Hanoi, Vietnam (UTC+7)"}.get(stored)
    if label:
        assert f'value="{label}"' in client.get(PROFILE).content.decode()


def test_a_country_with_several_zones_asks_which_city(client, person):
    client.force_login(person)
    response = client.post(PROFILE, profile_data(time_zone="United States"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "has several time zones; choose one:" in html and "New York" in html
    person.refresh_from_db()
    assert person.time_zone == ""


def test_the_form_cleans_to_the_iana_name(person):
    form = ProfileForm(profile_data(time_zone="  Hà Nội "), instance=person)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["time_zone"] == "Asia/Ho_Chi_Minh"


def test_the_profile_zone_is_shown_until_the_viewer_picks_another(db):
    edition = EditionFactory(is_current=True, time_zone="America/Mexico_City")
    SessionFactory(edition=edition, starts_at=local(edition, 0, 9, 20))
    browser = Client()
    browser.force_login(UserFactory(time_zone="Asia/Ho_Chi_Minh"))
    html = browser.get("/agenda/").content.decode()
    assert ">22:20</time>" in html and "<strong>Hanoi time (UTC+7)</strong>" in html
    html = browser.get("/agenda/", {"tz": "America/Mexico_City"}).content.decode()
    assert ">09:20</time>" in html
