"""Accounts through allauth: sign-up, verification, login, reset, login by code, rate
limits, no enumeration, and every account email through the outbox."""

import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from gmc.models import OutboxMessage, User
from tests.factories import EditionFactory, UserFactory
from tests.pages import without_form_tokens
from tests.registration.helpers import deliver_pending

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture(autouse=True)
def own_cache(settings):
    """allauth's rate limits count in the cache: a fresh, counting cache per test, so
    that one test's attempts never spend another's allowance."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"accounts-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def member(db):
    """A person with a verified address and a password."""
    person = UserFactory(email="member@example.org", full_name="Ana Member")
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    return person


def link_in(message, path_start: str) -> str:
    """The first link of an email whose path starts with ``path_start``, as a path."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_start)}[^\s\"<]*)", message.body)
    assert match, message.body
    return match.group(1)


def sign_up(client, email="new@example.org", password=PASSWORD):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def kinds(email: str) -> list[str]:
    return list(
        OutboxMessage.objects.filter(to_email__iexact=email)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


# --- sign-up and verification -------------------------------------------------------


def test_signup_creates_unverified_account_and_one_verification_email(client, db, mailoutbox):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    person = User.objects.get(email="new@example.org")
    assert not EmailAddress.objects.get(user=person).verified
    assert kinds("new@example.org") == ["account.email_confirmation_signup"]
    assert mailoutbox == []  # nothing is sent inside the request

    deliver_pending()

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["new@example.org"]
    assert "/accounts/confirm-email/" in email.body
    assert "/accounts/confirm-email/" in email.alternatives[0][0]
    assert OutboxMessage.objects.get().recipient == person


def test_login_refused_until_verified_then_link_verifies(client, db, mailoutbox):
    sign_up(client)
    client.logout()

    response = log_in(client, "new@example.org")
    assert not logged_in(client)
    assert response.url == reverse("account_email_verification_sent")

    deliver_pending()
    confirm_path = link_in(mailoutbox[0], "/accounts/confirm-email/")
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert not EmailAddress.objects.get(email="new@example.org").verified  # GET changes nothing
    client.post(confirm_path)
    assert EmailAddress.objects.get(email="new@example.org").verified

    client.logout()
    log_in(client, "new@example.org")
    assert logged_in(client)


def test_confirming_the_address_signs_in_and_leads_to_the_register_page(client, db, mailoutbox):
    """Sign-up from "Register": the next= rides through the sign-up and the link; the
    person is signed in by the confirmation, without typing the password again."""
    response = client.post(
        f"{reverse('account_signup')}?next=/register/",
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.url == reverse("account_email_verification_sent")
    assert not logged_in(client)
    deliver_pending()
    confirm_path = link_in(mailoutbox[0], "/accounts/confirm-email/")
    assert confirm_path.endswith("?next=%2Fregister%2F")
    page = client.get(confirm_path)
    assert 'name="next" value="/register/"' in page.content.decode()

    response = client.post(confirm_path, {"next": "/register/"})

    assert EmailAddress.objects.get(email="new@example.org").verified
    assert logged_in(client)
    assert response.url == "/register/"


def test_link_opened_in_another_browser_keeps_the_destination_through_sign_in(
    client, db, mailoutbox
):
    from django.test import Client

    EditionFactory(is_current=True)
    client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD,
         "next": "/register/"},
    )  # fmt: skip
    deliver_pending()
    confirm_path = link_in(mailoutbox[0], "/accounts/confirm-email/")
    other = Client()
    response = other.post(confirm_path, {"next": "/register/"})
    assert EmailAddress.objects.get(email="new@example.org").verified
    assert not logged_in(other)  # only the browser that signed up is signed in
    assert response.url == "/register/"
    login_url = other.get(response.url).url
    assert login_url == f"{reverse('account_login')}?next=/register/"
    response = other.post(login_url, {"login": "new@example.org", "password": PASSWORD})
    assert logged_in(other)
    assert response.url == "/register/"


def test_verification_link_carries_no_foreign_destination(client, db, mailoutbox):
    client.post(
        f"{reverse('account_signup')}?next=https://evil.example/",
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    deliver_pending()
    assert "evil.example" not in mailoutbox[0].body
    assert "?next=" not in link_in(mailoutbox[0], "/accounts/confirm-email/")


def test_signup_with_existing_email_looks_the_same_and_tells_the_owner(client, member):
    fresh = sign_up(client, email="someone.else@example.org")
    client.logout()
    taken = sign_up(client, email="MEMBER@example.org")

    assert (taken.status_code, taken.url) == (fresh.status_code, fresh.url)
    assert User.objects.filter(email__iexact="member@example.org").count() == 1
    assert kinds("member@example.org") == ["account.account_already_exists"]


# --- password reset ---------------------------------------------------------------


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, member):
    url = reverse("account_reset_password")
    known = client.post(url, {"email": "member@example.org"})
    unknown = client.post(url, {"email": "nobody@example.org"})

    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert without_form_tokens(client.get(known.url).content) == without_form_tokens(
        client.get(unknown.url).content
    )
    assert kinds("member@example.org") == ["account.password_reset_key"]
    assert kinds("nobody@example.org") == ["account.unknown_account"]


def test_password_reset_link_from_the_outbox_sets_a_new_password(client, member, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "member@example.org"})
    deliver_pending()
    assert [m.to for m in mailoutbox] == [["member@example.org"]]

    form_page = client.get(link_in(mailoutbox[0], "/accounts/password/reset/key/"), follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert "account.password_reset" in kinds("member@example.org")  # the security notice


def test_each_reset_request_is_a_new_message(client, member, mailoutbox):
    for _ in range(2):
        client.post(reverse("account_reset_password"), {"email": "member@example.org"})
    deliver_pending()

    # Both are really sent: the second request is not taken for a repeat of the first.
    assert [m.to for m in mailoutbox] == [["member@example.org"]] * 2


# --- login by code, rate limits ------------------------------------------------------


def test_login_by_emailed_code(client, member, mailoutbox):
    response = client.post(reverse("account_request_login_code"), {"email": "member@example.org"})
    assert response.url == reverse("account_confirm_login_code")
    assert not logged_in(client)

    deliver_pending()
    code = re.search(r"^\s{4}(\S+)\s*$", mailoutbox[0].body, re.MULTILINE).group(1)
    client.post(reverse("account_confirm_login_code"), {"code": code})

    assert logged_in(client)
    assert int(client.session["_auth_user_id"]) == member.pk


def test_wrong_login_code_does_not_log_in(client, member, mailoutbox):
    client.post(reverse("account_request_login_code"), {"email": "member@example.org"})
    response = client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})

    assert response.status_code == 200
    assert not logged_in(client)


def test_repeated_failed_logins_are_refused_even_with_the_right_password(client, member):
    for _ in range(5):
        log_in(client, "member@example.org", password="not the password")
    response = log_in(client, "member@example.org")

    assert not logged_in(client)
    assert "Too many failed login attempts" in response.content.decode()


def test_verified_member_logs_in_with_password(client, member):
    log_in(client, "Member@Example.org")

    assert int(client.session["_auth_user_id"]) == member.pk


# --- email change and notices -----------------------------------------------------------


def test_email_change_takes_effect_once_the_new_address_is_verified(client, member, mailoutbox):
    log_in(client, member.email)
    change = {"email": "ana@new.example.org", "action_add": ""}
    asked = client.post(reverse("account_email"), change)
    assert asked.url.startswith(reverse("account_reauthenticate"))  # the password first
    assert kinds("ana@new.example.org") == []

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("account_email"), change)

    member.refresh_from_db()
    assert member.email == "member@example.org"
    assert kinds("ana@new.example.org") == ["account.email_confirmation"]

    deliver_pending()
    client.post(link_in(mailoutbox[-1], "/accounts/confirm-email/"))

    member.refresh_from_db()
    assert member.email == "ana@new.example.org"
    assert "account.email_changed" in kinds("member@example.org")


def test_password_change_sends_a_notice_through_the_outbox(client, member, mailoutbox):
    log_in(client, member.email)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert mailoutbox == []

    deliver_pending()

    assert [m.subject for m in mailoutbox] == ["Your GMC portal password was changed"]
    assert "Ana Member" in mailoutbox[0].body


def test_account_emails_are_queued_in_the_recipients_language(client, member):
    member.language = "es"
    member.save()
    client.post(reverse("account_reset_password"), {"email": member.email})

    assert OutboxMessage.objects.get().language == "es"


ACCOUNT_EMAILS = [
    "account_already_exists",
    "deleted",
    "email_changed",
    "email_confirmation",
    "email_confirmation_signup",
    "email_deleted",
    "login_code",
    "password_changed",
    "password_reset",
    "password_reset_key",
    "password_set",
    "unknown_account",
]


@pytest.mark.parametrize("name", ACCOUNT_EMAILS)
def test_every_account_email_renders_from_stored_context(db, name):
    from gmc import outbox

    message = OutboxMessage.objects.create(
        key=f"test-{name}",
        kind=f"account.{name}",
        template=f"account/{name}",
        to_email="a@example.org",
        context={
            "name": "Ana <b>",
            "email": "a@example.org",
            "activate_url": "http://testserver/accounts/confirm-email/k/",
            "password_reset_url": "http://testserver/accounts/password/reset/key/x/",
            "signup_url": "http://testserver/accounts/signup/",
            "code": "ABC123",
            "from_email": "old@example.org",
            "to_email": "new@example.org",
            "deleted_email": "gone@example.org",
            "ip": "127.0.0.1",
            "user_agent": "Browser",
            "timestamp": "1 May 2026 (UTC)",
        },
    )
    email = outbox.render(message)

    assert email.subject
    assert "Ana <b>" in email.body
    assert "Ana &lt;b&gt;" in email.alternatives[0][0]


# --- pages in the site's layout ---------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "account_signup",
        "account_login",
        "account_request_login_code",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ],
)
def test_entrance_pages_use_the_site_layout_and_bootstrap_forms(client, db, name):
    response = client.get(reverse(name))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="main"' in html and "site-header" in html
    assert html.count("<h1") == 1
    assert re.search(r"<title>[^<]+ · GMC portal</title>", " ".join(html.split()))
    if name not in ("account_reset_password_done", "account_email_verification_sent"):
        assert 'class="form-control' in html or "form-control" in html
        assert "csrfmiddlewaretoken" in html


@pytest.mark.parametrize("name", ["account_logout", "account_email", "account_change_password"])
def test_manage_pages_use_the_site_layout(client, member, name):
    log_in(client, member.email)
    response = client.get(reverse(name))

    html = response.content.decode()
    assert response.status_code == 200
    assert "site-header" in html
    assert html.count("<h1") == 1


def test_header_offers_login_and_signup_or_profile_and_logout(client, member):
    anonymous = client.get(reverse("home")).content.decode()
    assert reverse("account_login") in anonymous and reverse("account_signup") in anonymous
    assert reverse("accounts:profile") not in anonymous

    client.force_login(member)
    known = client.get(reverse("home")).content.decode()
    assert reverse("accounts:profile") in known and reverse("account_logout") in known
    assert reverse("account_signup") not in known


def test_register_leads_a_visitor_to_sign_up_then_back_to_the_register_page(client, db):
    """A visitor without an account is sent to sign up (sign-in one click away), and the
    register page is where they land afterwards."""
    EditionFactory(is_current=True)
    home = client.get(reverse("home")).content.decode()
    register = reverse("registration:register")
    signup = f"{reverse('account_signup')}?next={register}"
    assert f'href="{signup}">Register now</a>' in home
    assert f'href="{signup}">Register</a>' in home  # the menu
    assert f'href="{reverse("account_login")}?next={register}"' in home
    page = client.get(signup).content.decode()
    assert 'name="next" value="/register/"' in page  # kept by the sign-up form
    assert f"{reverse('account_login')}?next=%2Fregister%2F" in page
