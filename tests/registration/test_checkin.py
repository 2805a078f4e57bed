"""The door: ticket codes typed by hand, the search by name, early check-ins, and no
cancelling once someone has come."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from registration import services
from registration.accounts import services as account_services
from registration.folding import fold
from registration.models import TICKET_ALPHABET, Registration
from tests.factories import EditionFactory, UserFactory

from .factories import RegistrationFactory
from .helpers import kinds_for, register

CHECKIN = reverse("registration:checkin")
MINE = reverse("registration:mine")


def found(client, query) -> list[int]:
    response = client.get(CHECKIN, {"q": query})
    assert response.status_code == 200
    return [r.pk for r in response.context["results"]]


# --- ticket codes ----------------------------------------------------------------------


def test_new_ticket_codes_have_no_look_alike_characters(edition):
    codes = [register(edition).ticket_code for _ in range(20)]
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{20}", code) for code in codes), codes
    assert set(TICKET_ALPHABET).isdisjoint("ILOU")
    assert len(set(codes)) == 20


def test_a_typed_code_is_found_in_lower_case_with_look_alikes_spaces_and_dashes(
    client, edition, staff_organiser
):
    registration = RegistrationFactory(edition=edition, ticket_code="AB10C1D0EFGH1JKM0NPQ")
    old = RegistrationFactory(edition=edition, ticket_code="x-Fq_9lOaBcDeFgHiJkLmNoPqRsTuVwXy")
    client.force_login(staff_organiser)
    for typed in (
        "ab10c1d0efgh1jkm0npq",
        "ABlO CiDo EFGH IJKM ONPQ",
        "ab1o-c1d0-efgh-l jkm-0npq",
        registration.ticket_code_display,
    ):
        assert found(client, typed) == [registration.pk], typed
    # A code of the older kind is still found exactly as it is written.
    assert found(client, old.ticket_code) == [old.pk]
    assert registration.ticket_code_display == "AB10 C1D0 EFGH 1JKM 0NPQ"


# --- searching by name ---------------------------------------------------------------


@pytest.fixture
def lan(edition):
    person = UserFactory(full_name="", email="lan@example.vn")
    account_services.update_person(
        person.pk,
        given_name="Thị Lan",
        family_name="Nguyễn",
        organisation_name="Đại học Quốc gia Hà Nội",
        country="VN",
    )
    person.refresh_from_db()
    return register(edition, person)


def test_every_word_is_found_without_accents_or_case(client, edition, staff_organiser, lan):
    binh = register(edition, UserFactory(full_name="Nguyễn Văn Bình"))
    register(edition, UserFactory(full_name="Thi Hoa Tran"))
    client.force_login(staff_organiser)
    assert found(client, "Thi Lan") == [lan.pk]
    assert found(client, "nguyen lan") == [lan.pk]
    assert found(client, "lan NGUYỄN") == [lan.pk]
    assert set(found(client, "NGUYEN")) == {lan.pk, binh.pk}
    assert found(client, "dai hoc ha noi") == [lan.pk]
    assert found(client, "lan@example") == [lan.pk]
    assert found(client, "Thi Lan Binh") == []
    typed = lan.ticket_code.lower().replace("0", "o").replace("1", "l")
    assert found(client, typed) == [lan.pk]


def test_a_badge_name_is_found_too(client, edition, staff_organiser):
    person = UserFactory(full_name="")
    person.set_name("Jürgen", "Müller-Lüdenscheidt", "Jay Müller")
    person.save()
    registration = register(edition, person)
    client.force_login(staff_organiser)
    assert found(client, "jay muller") == [registration.pk]
    assert found(client, "jurgen ludenscheidt") == [registration.pk]


def test_folding_in_python_matches_what_sqlite_is_given():
    assert fold("Nguyễn Thị Lan") == "nguyen thi lan"
    assert fold("ĐẶNG") == "dang"
    assert fold("Łódź Ørsted Straße") == "lodz orsted strasse"
    assert fold(None) is None


def test_the_search_compiles_and_folds_on_sqlite_as_well(db, tmp_path):
    """The development site runs on SQLite: the search's SQL is made for it, and each
    SQLite connection knows the folding function."""
    from django.db import connections
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from gmc.models import Edition
    from registration.selectors import checkin_search

    settings = {**connections["default"].settings_dict, "OPTIONS": {}}
    settings.update(ENGINE="django.db.backends.sqlite3", NAME=str(tmp_path / "check.sqlite3"))
    sqlite = DatabaseWrapper(settings, alias="sqlite-check")
    try:
        queryset = checkin_search(Edition(pk=1), "Thi Lan")
        sql, _params = queryset.query.get_compiler(connection=sqlite).as_sql()
        assert "gmc_fold(" in sql and "unaccent" not in sql
        with sqlite.cursor() as cursor:
            cursor.execute(
                "SELECT gmc_fold(%s) LIKE '%%' || gmc_fold(%s) || '%%'",
                ["Nguyễn Thị Lan", "THI lan"],
            )
            assert cursor.fetchone() == (1,)
    finally:
        sqlite.close()


# --- early check-in ----------------------------------------------------------------------


@pytest.fixture
def hanoi(db):
    return EditionFactory(
        is_current=True,
        time_zone="Asia/Ho_Chi_Minh",
        city="Hanoi",
        start_date=datetime.date(2030, 3, 10),
        end_date=datetime.date(2030, 3, 12),
        registration_opens_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
        registration_closes_at=datetime.datetime(2030, 3, 1, tzinfo=datetime.UTC),
    )


def test_a_check_in_days_before_the_event_says_how_early(client, hanoi, staff_organiser):
    registration = RegistrationFactory(edition=hanoi)
    url = reverse("registration:checkin_mark", args=[registration.pk])
    # 6 March 20:00 UTC is already 7 March in Hanoi: three days before the first day.
    with time_machine.travel(
        datetime.datetime(2030, 3, 6, 20, 0, tzinfo=datetime.UTC), tick=False
    ):
        client.force_login(staff_organiser)
        page = client.get(CHECKIN, {"year": hanoi.year}).text
        assert "The conference starts in 3 days" in page
        response = client.post(url, {"q": "x"}, follow=True)
    text = response.content.decode()
    assert "is checked in, 3 days before the conference starts" in text
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_a_check_in_on_the_first_day_in_the_event_zone_is_not_early(
    client, hanoi, staff_organiser
):
    registration = RegistrationFactory(edition=hanoi)
    url = reverse("registration:checkin_mark", args=[registration.pk])
    # 9 March 18:00 UTC is 10 March, 01:00 in Hanoi: the first day.
    with time_machine.travel(
        datetime.datetime(2030, 3, 9, 18, 0, tzinfo=datetime.UTC), tick=False
    ):
        client.force_login(staff_organiser)
        assert "The conference starts" not in client.get(CHECKIN, {"year": hanoi.year}).text
        text = client.post(url, follow=True).content.decode()
    assert "is checked in." in text and "before the conference starts" not in text


# --- no cancelling once checked in -------------------------------------------------------


def test_a_checked_in_registration_cannot_be_cancelled(client, edition, staff_organiser):
    registration = register(edition)
    person = registration.attendee
    services.check_in(registration.pk, by=staff_organiser)
    with pytest.raises(services.RegistrationError, match="checked in"):
        services.cancel_registration(registration.pk, by=person)

    client.force_login(person)
    cancel = reverse("registration:cancel", args=[edition.year])
    page = client.get(MINE).text
    assert cancel not in page
    assert "You were checked in at the conference" in page
    response = client.post(cancel, {"confirm": "on"}, follow=True)
    assert "can no longer be cancelled" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert kinds_for(person) == ["registration.confirmed"]


def test_a_person_checked_in_can_still_delete_the_account(edition, staff_organiser):
    registration = register(edition)
    services.check_in(registration.pk, by=staff_organiser)
    assert account_services.delete_account(registration.attendee_id) is True
    assert not Registration.objects.filter(pk=registration.pk).exists()
