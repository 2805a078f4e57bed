"""gmc.timezones: which zone a visitor reads times in."""

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from gmc.timezones import parse_zone, viewer_zone, zone_choice
from tests.factories import EditionFactory, UserFactory


def request_for(user=None, **query):
    request = RequestFactory().get("/agenda/", query)
    request.user = user or AnonymousUser()
    return request


def test_event_zone_by_default(db):
    edition = EditionFactory(time_zone="America/Mexico_City")
    assert viewer_zone(request_for(), edition).key == "America/Mexico_City"
    assert zone_choice(request_for(), edition).source == "event"


def test_query_parameter_chooses_any_zone(db):
    edition = EditionFactory(time_zone="America/Mexico_City")
    choice = zone_choice(request_for(tz="Asia/Shanghai"), edition)
    assert (choice.name, choice.source, choice.invalid_value) == ("Asia/Shanghai", "query", "")


def test_unknown_zone_falls_back_and_is_reported(db):
    edition = EditionFactory(time_zone="America/Mexico_City")
    for value in ["Mars/Olympus_Mons", "../../etc/passwd", "x" * 500, "UTC\x00"]:
        choice = zone_choice(request_for(tz=value), edition)
        assert choice.name == "America/Mexico_City"
        assert choice.invalid_value == value


def test_profile_zone_wins_for_logged_in_users(db):
    edition = EditionFactory(time_zone="America/Mexico_City")
    person = UserFactory(time_zone="Europe/Madrid")
    choice = zone_choice(request_for(person, tz="Asia/Shanghai"), edition)
    assert (choice.name, choice.source) == ("Europe/Madrid", "profile")


def test_logged_in_without_profile_zone_uses_the_parameter(db):
    edition = EditionFactory(time_zone="America/Mexico_City")
    person = UserFactory(time_zone="")
    assert viewer_zone(request_for(person, tz="Asia/Shanghai"), edition).key == "Asia/Shanghai"
    junk = UserFactory(time_zone="Not/AZone")
    assert viewer_zone(request_for(junk), edition).key == "America/Mexico_City"


def test_parse_zone_never_raises():
    assert parse_zone("Europe/Madrid").key == "Europe/Madrid"
    for value in [None, "", "nowhere", "Europe/", "/etc/localtime", "a" * 70]:
        assert parse_zone(value) is None
