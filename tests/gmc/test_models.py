import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import EditionFactory


def test_only_one_edition_can_be_current(db):
    EditionFactory(year=2025, is_current=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        EditionFactory(year=2026, is_current=True)


def test_second_current_edition_is_a_validation_error_not_a_crash(db):
    EditionFactory(year=2025, is_current=True)
    other = EditionFactory.build(year=2026, is_current=True)
    with pytest.raises(ValidationError) as excinfo:
        other.full_clean()
    assert "Another edition is already the current one." in str(excinfo.value)


def test_edition_rejects_unknown_time_zone(db):
    edition = EditionFactory.build(year=2030, time_zone="Mars/Olympus_Mons")
    with pytest.raises(ValidationError) as excinfo:
        edition.full_clean()
    assert "time_zone" in excinfo.value.message_dict


def test_edition_end_cannot_precede_start(db):
    start = datetime.date(2025, 12, 4)
    with pytest.raises(IntegrityError), transaction.atomic():
        EditionFactory(year=2031, start_date=start, end_date=start - datetime.timedelta(days=1))


def test_registration_state_follows_the_window(db):
    now = timezone.now()
    edition = EditionFactory(
        registration_opens_at=now + datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=10),
    )
    assert edition.registration_state(now) == "not_open"
    assert edition.registration_state(now + datetime.timedelta(days=1)) == "open"
    assert edition.registration_state(now + datetime.timedelta(days=10)) == "closed"


def test_local_datetime_is_in_the_event_zone(db):
    edition = EditionFactory(time_zone="Asia/Shanghai")
    moment = edition.local_datetime(datetime.date(2020, 12, 11), datetime.time(20, 0))
    assert moment.astimezone(datetime.UTC) == datetime.datetime(
        2020, 12, 11, 12, 0, tzinfo=datetime.UTC
    )


def test_site_row_follows_site_url(db, settings):
    from django.contrib.sites.models import Site

    from gmc.sites import sync_site

    settings.SITE_URL = "https://gmc.example.org"
    sync_site()
    assert Site.objects.get_current().domain == "gmc.example.org"
