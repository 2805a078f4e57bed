"""Signing up with an address that has an account does the same work as with a new one,
so the response time does not tell which addresses have accounts."""

import uuid

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gmc.models import OutboxMessage, User
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


class CountingHasher(PBKDF2PasswordHasher):
    """Django's own hasher (few iterations), counting the passwords it hashes."""

    algorithm = "counting_pbkdf2"
    iterations = 1
    hashed = 0

    def encode(self, password, salt, iterations=None):
        CountingHasher.hashed += 1
        return super().encode(password, salt, iterations)


@pytest.fixture
def counting(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"signup-{uuid.uuid4().hex}",
        }
    }


def sign_up(email: str) -> tuple[list[str], int, str]:
    """The statements and password hashes of one sign-up POST, and where it leads."""
    client = Client()
    client.get(reverse("account_signup"))
    CountingHasher.hashed = 0
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("account_signup"),
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )
    return [q["sql"] for q in queries.captured_queries], CountingHasher.hashed, response.url


def statement_kinds(statements: list[str]) -> list[str]:
    """SELECT, INSERT, ...; a transaction's end counts alike, committed or rolled back."""
    kinds = [sql.split()[0].upper() for sql in statements]
    return ["END" if kind in {"COMMIT", "ROLLBACK"} else kind for kind in kinds]


# transaction=True: the statements are those of production, not of a test's savepoints.
@pytest.mark.django_db(transaction=True)
def test_known_and_new_addresses_cost_the_same(counting):
    owner = UserFactory(email="known@example.org")
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)

    known, known_hashes, known_next = sign_up("known@example.org")
    new, new_hashes, new_next = sign_up("new@example.org")

    assert known_hashes == new_hashes == 1
    assert len(known) == len(new)
    assert sorted(statement_kinds(known)) == sorted(statement_kinds(new))
    assert statement_kinds(known).count("INSERT") == 4
    assert known_next == new_next  # the same page either way
    # Nothing of the throwaway account stays; the owner is told, the newcomer verifies.
    assert User.objects.count() == 2
    assert not EmailAddress.objects.filter(email__endswith="@signup.invalid").exists()
    assert sorted(OutboxMessage.objects.values_list("kind", flat=True)) == [
        "account.account_already_exists",
        "account.email_confirmation_signup",
    ]
