"""The profile, "my data" download and account deletion."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from django.urls import reverse

from agenda.models import Speaker
from gmc.models import OrganisationType, OutboxMessage, User
from registration.accounts import services
from registration.accounts.signals import account_deleting, collect_account_data
from registration.models import Registration
from tests.factories import EditionFactory, OrganisationFactory, UserFactory
from tests.registration.helpers import deliver_pending, register

PASSWORD = "correct horse battery staple"
PROFILE = reverse("accounts:profile")
DATA = reverse("accounts:data")
DOWNLOAD = reverse("accounts:download")
DELETE = reverse("accounts:delete")


@pytest.fixture
def person(db):
    someone = UserFactory(email="person@example.org", full_name="Pat Person")
    EmailAddress.objects.create(user=someone, email=someone.email, verified=True, primary=True)
    return someone


@pytest.fixture
def unam(db):
    return OrganisationFactory(
        name="Universidad Nacional Autónoma de México",
        short_name="UNAM",
        slug="unam",
        type=OrganisationType.UNIVERSITY,
        country="MX",
    )


def profile_data(**changes):
    data = {
        "given_name": "Pat",
        "family_name": "Person",
        "badge_name": "",
        "job_title": "Lecturer",
        "organisation_name": "",
        "organisation_type": "",
        "country": "",
        "language": "en",
        "time_zone": "Europe/Paris",
    }
    data.update(changes)
    return data


# --- profile --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PROFILE, DATA, DOWNLOAD])
def test_account_pages_require_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_profile_page_shows_the_form(client, person):
    client.force_login(person)
    response = client.get(PROFILE)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert 'name="time_zone"' in html and "Mexico City, Mexico (UTC-6)" in html
    # A name written in one piece is offered split, as the data migration splits it.
    assert 'value="Pat"' in html and 'value="Person"' in html


def test_people_see_and_end_their_own_signed_in_sessions(client, person):
    client.force_login(person)
    html = client.get(PROFILE).content.decode()
    sessions = reverse("usersessions_list")
    assert f'href="{sessions}"' in html
    page = client.get(sessions)
    assert page.status_code == 200
    assert "Sessions" in page.content.decode()


def test_profile_update_links_a_known_organisation_by_short_name(client, person, unam):
    client.force_login(person)
    response = client.post(PROFILE, profile_data(organisation_name="unam"))

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.organisation == unam
    assert person.organisation_name == "unam"
    assert person.organisation_type == OrganisationType.UNIVERSITY  # filled from it
    assert person.country.code == "MX"
    assert person.time_zone == "Europe/Paris"
    assert person.job_title == "Lecturer"
    assert unam.name in client.get(PROFILE).content.decode()  # the link is shown


def test_profile_keeps_what_the_person_chose_over_the_organisation(person, unam):
    services.update_profile(
        person.pk,
        organisation_name="UNIVERSIDAD NACIONAL AUTÓNOMA DE MÉXICO",
        organisation_type=OrganisationType.RESEARCH,
        country="ES",
    )

    person.refresh_from_db()
    assert person.organisation == unam
    assert person.organisation_type == OrganisationType.RESEARCH
    assert person.country.code == "ES"


def test_profile_with_an_unknown_organisation_is_not_linked(person, unam):
    services.update_profile(person.pk, organisation_name="UNAM")
    services.update_profile(person.pk, organisation_name="Some other college")

    person.refresh_from_db()
    assert person.organisation is None
    assert person.organisation_name == "Some other college"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "Mars/Olympus_Mons"),
        ("country", "XX"),
        ("language", "tlh"),
        ("organisation_type", "guild"),
        ("given_name", "x" * 101),
        ("job_title", "x" * 201),
        ("organisation_name", "x" * 5000),
    ],
    ids=lambda value: value if len(value) < 30 else "oversized",
)
def test_profile_bad_input_is_a_field_error_and_keeps_the_rest(client, person, field, value):
    client.force_login(person)
    data = profile_data(job_title="Dean")
    data[field] = value
    response = client.post(PROFILE, data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    if field != "job_title":
        assert 'value="Dean"' in response.content.decode()  # what was typed is kept
    person.refresh_from_db()
    assert person.time_zone == ""  # nothing saved


def test_update_profile_service_refuses_an_unknown_time_zone(person):
    with pytest.raises(services.AccountError) as refused:
        services.update_profile(person.pk, time_zone="Europe/Atlantis")

    assert refused.value.field == "time_zone"


# --- my data ------------------------------------------------------------------------


def test_download_holds_my_data_and_never_another_persons(client, person, unam):
    edition = EditionFactory(is_current=True)
    mine = register(edition, person, dietary_needs="No nuts")
    other_person = UserFactory(email="other@example.org", full_name="Olive Other")
    theirs = register(edition, other_person, dietary_needs="Vegan")
    services.update_profile(
        person.pk, given_name="Pat", family_name="Person", organisation_name="UNAM"
    )
    deliver_pending()

    client.force_login(person)
    response = client.get(DOWNLOAD)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    raw = response.content.decode()
    data = json.loads(raw)
    assert data["account"]["email"] == "person@example.org"
    assert data["profile"]["known_organisation"] == unam.name
    assert (data["profile"]["given_name"], data["profile"]["family_name"]) == ("Pat", "Person")
    assert data["email_addresses"] == [
        {"email": "person@example.org", "verified": True, "primary": True}
    ]
    [registration] = data["registrations"]
    assert registration["ticket_code"] == mine.ticket_code
    assert registration["dietary_needs"] == "No nuts"
    assert [e["kind"] for e in data["emails_sent"]] == ["registration.confirmed"]
    for trace in ("other@example.org", "Olive Other", theirs.ticket_code, "Vegan"):
        assert trace not in raw


def test_download_holds_the_role_on_my_badge_and_the_speaker_linked_to_me(client, person):
    edition = EditionFactory(is_current=True)
    registration = register(edition, person)
    Registration.objects.filter(pk=registration.pk).update(role=Registration.Role.PRESS)
    Speaker.objects.create(name="Pat Person (speaker)", slug="pat-person", account=person)
    Speaker.objects.create(name="Somebody Else", slug="somebody-else")

    client.force_login(person)
    data = client.get(DOWNLOAD).json()

    assert [r["role"] for r in data["registrations"]] == ["press"]
    assert data["speaker_of_the_programme"] == ["Pat Person (speaker)"]


def test_download_includes_what_other_apps_add(client, person):
    def agenda_section(sender, user, **kwargs):
        return {"starred_sessions": [f"starred by {user.email}"]}

    collect_account_data.connect(agenda_section, dispatch_uid="test-agenda-section")
    try:
        client.force_login(person)
        data = client.get(DOWNLOAD).json()
    finally:
        collect_account_data.disconnect(dispatch_uid="test-agenda-section")

    assert data["starred_sessions"] == ["starred by person@example.org"]


def test_my_data_page_offers_download_and_deletion(client, person):
    client.force_login(person)
    response = client.get(DATA)

    html = response.content.decode()
    assert response.status_code == 200
    assert DOWNLOAD in html and f'action="{DELETE}"' in html
    assert "csrfmiddlewaretoken" in html and 'type="password"' in html


# --- deletion ------------------------------------------------------------------------


def test_delete_is_refused_without_post_login_or_the_right_password(client, person):
    assert client.post(DELETE, {"password": PASSWORD}).url.startswith(reverse("account_login"))
    client.force_login(person)
    assert client.get(DELETE).status_code == 405

    wrong = client.post(DELETE, {"password": "not my password"})

    assert wrong.status_code == 200
    assert "password" in wrong.context["delete_form"].errors
    assert User.objects.filter(pk=person.pk).exists()


def test_delete_needs_the_csrf_token(person):
    from django.test import Client

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(person)

    assert guarded.post(DELETE, {"password": PASSWORD}).status_code == 403
    assert User.objects.filter(pk=person.pk).exists()


def test_delete_cancels_registrations_frees_the_seat_and_logs_out(client, person, mailoutbox):
    edition = EditionFactory(is_current=True, capacity=1)
    mine = register(edition, person)
    waiting = register(edition, UserFactory(email="next@example.org"))
    assert (mine.status, waiting.status) == ("confirmed", "waiting")
    deliver_pending()
    mailoutbox.clear()

    client.force_login(person)
    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(pk=person.pk).exists()
    assert not EmailAddress.objects.filter(email="person@example.org").exists()
    assert not Registration.objects.filter(pk=mine.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED  # the freed seat went on

    deliver_pending()
    sent = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert [to for to, _ in sent] == [
        "next@example.org",
        "person@example.org",
        "person@example.org",
    ]
    assert any("account was deleted" in subject for _, subject in sent)
    # Of what was mailed to the person, nothing remains once the goodbye notices are sent.
    assert OutboxMessage.objects.filter(to_email="person@example.org").count() == 0


def test_delete_account_is_safe_to_repeat(person):
    assert services.delete_account(person.pk) is True
    assert services.delete_account(person.pk) is False
    assert OutboxMessage.objects.filter(kind="account.deleted").count() == 1


def test_organisers_cannot_delete_their_own_account_here(client, db):
    organiser = UserFactory(is_staff=True)
    client.force_login(organiser)

    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 200
    assert response.context["delete_form"].non_field_errors()
    assert User.objects.filter(pk=organiser.pk).exists()


def test_other_apps_hook_into_deletion_inside_its_transaction(person):
    seen = []

    def remove_declaration_input(sender, user, **kwargs):
        seen.append((user.pk, transaction.get_connection().in_atomic_block))

    account_deleting.connect(remove_declaration_input, dispatch_uid="test-hook")
    try:
        services.delete_account(person.pk)
    finally:
        account_deleting.disconnect(dispatch_uid="test-hook")

    assert seen == [(person.pk, True)]


def test_a_failing_hook_rolls_the_whole_deletion_back(person):
    edition = EditionFactory(is_current=True)
    mine = register(edition, person)

    def refuse(sender, user, **kwargs):
        raise RuntimeError("declarations could not be anonymised")

    account_deleting.connect(refuse, dispatch_uid="test-refuse")
    try:
        with pytest.raises(RuntimeError):
            services.delete_account(person.pk)
    finally:
        account_deleting.disconnect(dispatch_uid="test-refuse")

    mine.refresh_from_db()
    assert mine.status == Registration.Status.CONFIRMED
    assert User.objects.filter(pk=person.pk).exists()
    assert not OutboxMessage.objects.filter(kind="registration.cancelled").exists()


def test_download_reads_a_fixed_number_of_queries_however_many_registrations(client, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registration.models import Answer
    from tests.registration.factories import QuestionFactory, RegistrationFactory

    def add_registrations(count):
        for _ in range(count):
            registration = RegistrationFactory(attendee=person)
            for question in QuestionFactory.create_batch(2, edition=registration.edition):
                Answer.objects.create(registration=registration, question=question, value="Yes")

    client.force_login(person)
    client.get(DOWNLOAD)  # warm the session and site caches
    add_registrations(1)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(DOWNLOAD).json()["registrations"]) == 1
    add_registrations(4)
    with CaptureQueriesContext(connection) as many:
        data = client.get(DOWNLOAD).json()

    assert len(data["registrations"]) == 5
    assert all(len(r["answers"]) == 2 for r in data["registrations"])
    assert len(many) == len(few)
