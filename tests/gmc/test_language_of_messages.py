"""Emails and calendar files are written in the recipient's language, as kept on their
profile; an account starts in the language it was opened in."""

from django.test import Client
from django.utils import translation

from agenda import services as agenda_services
from gmc import outbox
from gmc.models import OutboxMessage, User
from tests.agenda.factories import SessionFactory
from tests.factories import EditionFactory, UserFactory

PASSWORD = "a long passphrase 1"


def test_an_account_starts_in_the_language_it_was_opened_in(db):
    response = Client().post(
        "/es/accounts/signup/",
        {
            "email": "ana@example.org",
            "password1": "a long passphrase 1",
            "password2": "a long passphrase 1",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(email="ana@example.org")
    assert person.language == "es"
    [message] = OutboxMessage.objects.filter(to_email="ana@example.org")
    assert message.language == "es"


def test_an_account_opened_in_english_keeps_english(db):
    Client().post(
        "/accounts/signup/",
        {
            "email": "bo@example.org",
            "password1": "a long passphrase 1",
            "password2": "a long passphrase 1",
        },
    )
    assert User.objects.get(email="bo@example.org").language == "en"


def test_messages_follow_the_profile_not_the_page(db):
    person = UserFactory(language="vi")
    with translation.override("fr"):
        message = outbox.queue(kind="outbox.test", to=person, context={"note": ""})
    assert message.language == "vi"


def test_a_message_to_an_accounts_other_address_is_in_its_language(db):
    person = UserFactory(language="ar")
    message = outbox.queue(
        kind="outbox.test", to="old@example.org", account=person, context={"note": ""}
    )
    assert message.language == "ar"


def test_a_profile_language_not_offered_falls_back_to_the_page(db):
    person = UserFactory(language="de")
    with translation.override("es"):
        message = outbox.queue(kind="outbox.test", to=person, context={"note": ""})
    assert message.language == "es"


def test_the_private_calendar_feed_is_in_its_owners_language(client, db):
    edition = EditionFactory(is_current=True)
    session = SessionFactory(edition=edition)
    person = UserFactory(language="fr")
    agenda_services.star_session(person, session)
    feed = agenda_services.ensure_feed(person)
    body = client.get(f"/agenda/feed/{feed.token}.ics").content.decode()
    assert f"/fr/agenda/session/{session.slug}/" in body.replace("\r\n ", "")


def test_a_calendar_file_is_in_the_language_of_the_page_it_was_taken_from(client, db):
    edition = EditionFactory(is_current=True)
    session = SessionFactory(edition=edition)
    body = client.get(f"/vi/agenda/session/{session.slug}.ics").content.decode()
    assert f"/vi/agenda/session/{session.slug}/" in body.replace("\r\n ", "")
    english = client.get(f"/agenda/session/{session.slug}.ics").content.decode()
    assert "/vi/" not in english
