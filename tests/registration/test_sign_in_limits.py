"""Sign-in throttles behind the TLS proxy, and the administration's sign-in.

In production every request reaches gunicorn from the proxy, which names the client in
X-Forwarded-For: the limits must count per client, and failed attempts on an account
must not lock its owner out from another address."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
PROXY = "10.0.0.2"  # what gunicorn sees for every visitor
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"
TOO_MANY = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def behind_one_proxy(settings, fresh_cache):
    """One trusted proxy in front of gunicorn."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def owner(db):
    person = UserFactory(email="owner@example.org")
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    return person


def sign_in(client, email, password, address):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_failed_sign_ins_elsewhere_do_not_lock_the_owner_out(client, owner, django_user_model):
    attempts = [sign_in(client, owner.email, "wrong", ATTACKER) for _ in range(8)]
    # The attacker is refused once the account's allowance from that address is spent ...
    assert TOO_MANY in attempts[-1].content.decode()
    assert TOO_MANY not in attempts[0].content.decode()
    assert not signed_in(client)
    # ... and even the right password is refused from there,
    sign_in(client, owner.email, PASSWORD, ATTACKER)
    assert not signed_in(client)
    # but the owner, through the same proxy from their own address, signs in.
    sign_in(client, owner.email, PASSWORD, OWNER)
    assert signed_in(client)


def test_many_visitors_behind_the_proxy_are_counted_apart(client, owner):
    # 40 people each mistype once within a minute: all come from the proxy's address.
    for number in range(40):
        response = sign_in(client, f"person{number}@example.org", "typo", f"192.0.2.{number + 1}")
        assert response.status_code == 200
        assert "Too many" not in response.content.decode()
    sign_in(client, owner.email, PASSWORD, OWNER)
    assert signed_in(client)


def test_one_address_is_limited_across_accounts(client, owner):
    responses = [
        sign_in(client, f"guess{number}@example.org", "wrong", ATTACKER) for number in range(12)
    ]
    assert TOO_MANY in responses[-1].content.decode()
    sign_in(client, owner.email, PASSWORD, OWNER)
    assert signed_in(client)


def test_admin_login_form_reads_no_password_and_sends_to_the_account_sign_in(client, db):
    boss = UserFactory(email="boss@example.org", is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=boss, email=boss.email, verified=True, primary=True)
    response = client.post(
        "/admin/login/?next=/admin/gmc/user/", {"username": boss.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2Fgmc%2Fuser%2F"
    assert not signed_in(client)
    # An off-site next is dropped.
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_forty_wrong_admin_passwords_meet_a_refusal(client, db):
    boss = UserFactory(email="boss@example.org", is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=boss, email=boss.email, verified=True, primary=True)
    refused = 0
    for number in range(40):
        response = client.post(
            "/admin/login/", {"username": boss.email, "password": f"guess-{number}"}, follow=True
        )
        # The admin's form is gone: the attempt lands on the throttled account sign-in.
        assert response.redirect_chain[0][0].startswith(reverse("account_login"))
        response = sign_in(client, boss.email, f"guess-{number}", ATTACKER)
        refused += TOO_MANY in response.content.decode()
    assert refused >= 20  # after the first handful, nearly every guess is refused
    assert not signed_in(client)


def test_admin_redirects_to_the_account_sign_in_and_back(client, db):
    response = client.get("/admin/gmc/user/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow["Location"].startswith(reverse("account_login"))
    assert "next=%2Fadmin%2Fgmc%2Fuser%2F" in follow["Location"]


def test_signed_in_person_without_access_is_told_so(client, db):
    person = UserFactory()
    client.force_login(person)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403
    assert "no access to the administration" in response.content.decode()
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/login/?next=/admin/gmc/")
    assert (response.status_code, response["Location"]) == (302, "/admin/gmc/")
