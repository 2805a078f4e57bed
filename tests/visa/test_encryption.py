"""The passport details are unreadable in the database, open with the keys, and the keys
rotate."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from documents.visa.encryption import UnreadableValue
from documents.visa.models import VisaRequest

from .conftest import DETAILS, PASSPORT_NUMBER

COLUMNS = "passport_name, nationality, passport_number, date_of_birth, purpose"


def raw_row(pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM documents_visarequest WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def test_the_database_holds_no_passport_detail_in_clear(visa):
    row = raw_row(visa.pk)
    stored = " ".join(row)
    assert PASSPORT_NUMBER not in stored
    assert "OTIENO" not in stored
    assert "1984-07-19" not in stored
    assert "plenary" not in stored
    # Each is a Fernet token (version byte 0x80, base64 "gAAAAA...").
    assert all(value.startswith("gAAAAA") for value in row)


def test_the_key_opens_what_the_database_holds(visa):
    again = VisaRequest.objects.get(pk=visa.pk)
    assert again.passport_number == PASSPORT_NUMBER
    assert again.passport_name == DETAILS.passport_name
    assert again.date_of_birth == DETAILS.date_of_birth
    assert again.nationality_name == "Kenya"


def test_another_key_does_not_open_it(visa, settings):
    settings.VISA_DATA_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(UnreadableValue):
        VisaRequest.objects.get(pk=visa.pk)


def test_keys_rotate_without_losing_a_value(visa, settings):
    old = settings.VISA_DATA_KEYS[0]
    new = Fernet.generate_key().decode()
    before = raw_row(visa.pk)
    # The new key first: new values are encrypted with it, old ones still open.
    settings.VISA_DATA_KEYS = [new, old]
    assert VisaRequest.objects.get(pk=visa.pk).passport_number == PASSPORT_NUMBER
    call_command("rotate_visa_keys", verbosity=0)
    after = raw_row(visa.pk)
    assert all(a != b for a, b in zip(before, after, strict=True))
    # The old key can go now.
    settings.VISA_DATA_KEYS = [new]
    assert VisaRequest.objects.get(pk=visa.pk).passport_number == PASSPORT_NUMBER
    settings.VISA_DATA_KEYS = [old]
    with pytest.raises(UnreadableValue):
        VisaRequest.objects.get(pk=visa.pk)


def test_encrypted_columns_refuse_lookups_that_would_compare_tokens(visa):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(VisaRequest.objects.filter(passport_number=PASSPORT_NUMBER))
