import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from gmc import outbox
from gmc.models import OutboxMessage
from mailings import preferences, reminders
from mailings.models import EmailCategory, EmailOptOut, ReminderRule
from registration import services as registration_services
from tests.factories import EditionFactory, UserFactory
from tests.mailings.test_reminders import CLOSES, DAY, deliver_all, rule_for, verified_user


@pytest.fixture
def edition(db):
    return EditionFactory(
        year=2030,
        registration_opens_at=CLOSES - 60 * DAY,
        registration_closes_at=CLOSES,
        start_date=(CLOSES + 30 * DAY).date(),
        end_date=(CLOSES + 32 * DAY).date(),
    )


def reminder_to(person, edition) -> OutboxMessage:
    return outbox.queue(
        kind="reminders.registration_closing",
        to=person,
        context={"name": person.full_name, "edition_title": edition.title, "when": "soon"},
    )


def test_reminder_carries_one_click_unsubscribe_link_and_headers(edition):
    person = verified_user()
    message = reminder_to(person, edition)
    email = outbox.render(message)
    url = preferences.unsubscribe_url(person.pk, EmailCategory.REMINDERS)
    assert email.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in email.body
    html = email.alternatives[0][0]
    assert f'href="{url}"' in html


def test_transactional_email_has_no_unsubscribe(edition):
    person = verified_user()
    registration = registration_services.register_attendee(
        edition.pk, attendee=person, attendance="online", consent=True, enforce_window=False
    )
    message = OutboxMessage.objects.get(kind="registration.confirmed")
    assert message.category == ""
    email = outbox.render(message)
    assert "List-Unsubscribe" not in email.extra_headers
    assert "unsubscribe" not in email.body.lower()
    assert registration.pk


def test_get_asks_to_confirm_and_post_unsubscribes_without_login(edition):
    person = verified_user()
    url = reverse(
        "mailings:unsubscribe", args=[preferences.make_token(person.pk, EmailCategory.REMINDERS)]
    )
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200
    assert person.email in page.content.decode()
    assert not EmailOptOut.objects.exists()  # a mail scanner's GET changes nothing

    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", no cookie, no token.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert EmailOptOut.objects.filter(user=person, category=EmailCategory.REMINDERS).exists()
    assert client.post(url).status_code == 200  # again: still fine, still one row
    assert EmailOptOut.objects.count() == 1


def test_altered_token_is_refused(edition):
    person = verified_user()
    token = preferences.make_token(person.pk, EmailCategory.REMINDERS)
    forged = token.replace(token[2], "A" if token[2] != "A" else "B", 1)
    for bad in (forged, "nonsense", preferences.make_token(person.pk, "everything")):
        response = Client().post(reverse("mailings:unsubscribe", args=[bad]))
        assert response.status_code == 400
    assert not EmailOptOut.objects.exists()


def test_unsubscribed_person_gets_no_reminder_but_still_their_confirmation(edition):
    declined, accepted = verified_user(), verified_user()
    preferences.unsubscribe(declined.pk, EmailCategory.REMINDERS)
    rule_for(edition)
    with time_machine.travel(CLOSES - DAY, tick=False):
        reminders.send_due()
    registration_services.register_attendee(
        edition.pk, attendee=declined, attendance="online", consent=True, enforce_window=False
    )
    deliver_all()
    received = [(m.to[0], m.extra_headers.get("List-Unsubscribe")) for m in mail.outbox]
    kinds = dict(OutboxMessage.objects.values_list("to_email", "kind").order_by("pk"))
    assert kinds == {accepted.email: "reminders.registration_closing"} | {
        declined.email: "registration.confirmed"
    }
    assert {address for address, _h in received} == {declined.email, accepted.email}


def test_opting_out_after_queueing_stops_the_send(edition):
    person = verified_user()
    message = reminder_to(person, edition)
    preferences.unsubscribe(person.pk, EmailCategory.REMINDERS)
    outbox.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SUPPRESSED
    assert mail.outbox == []


def test_queueing_for_someone_who_declined_writes_a_suppressed_row(edition):
    person = verified_user()
    preferences.unsubscribe(person.pk, EmailCategory.REMINDERS)
    message = reminder_to(person, edition)
    assert message.status == OutboxMessage.Status.SUPPRESSED
    # Another category is still welcome.
    other = outbox.queue(
        kind="messages.broadcast",
        to=person,
        context={"subject": "Hello", "body": "News.", "name": "A"},
    )
    assert other.status == OutboxMessage.Status.PENDING


def test_preferences_page_needs_login(client):
    response = client.get(reverse("mailings:preferences"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_preferences_page_shows_and_saves_choices(client, db):
    person = UserFactory()
    preferences.unsubscribe(person.pk, EmailCategory.ANNOUNCEMENTS)
    client.force_login(person)
    page = client.get(reverse("mailings:preferences")).content.decode()
    assert page.count("<h1") == 1
    boxes = {
        match.group(1): "checked" in match.group(0)
        for match in re.finditer(r'<input[^>]*name="accepted"[^>]*value="(\w+)"[^>]*>', page)
    }
    assert boxes == {"reminders": True, "announcements": False, "programme_changes": True}
    assert set(preferences.declined_categories(person.pk)) == {EmailCategory.ANNOUNCEMENTS}

    response = client.post(reverse("mailings:preferences"), {"accepted": ["announcements"]})
    assert response.status_code == 302
    assert preferences.declined_categories(person.pk) == {
        EmailCategory.REMINDERS,
        EmailCategory.PROGRAMME_CHANGES,
    }

    client.post(reverse("mailings:preferences"), {})
    assert preferences.declined_categories(person.pk) == set(EmailCategory.values)

    response = client.post(reverse("mailings:preferences"), {"accepted": ["everything"]})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert preferences.declined_categories(person.pk) == set(EmailCategory.values)


def test_header_links_the_preferences_for_signed_in_people(client, db):
    client.force_login(UserFactory())
    page = client.get(reverse("home")).content.decode()
    assert reverse("mailings:preferences") in page


@pytest.mark.parametrize("offset", [timedelta(hours=1)])
def test_opt_out_filter_keeps_the_query_count_fixed(edition, offset, django_assert_num_queries):
    """Filtering opt-outs is part of the one recipients query, not one query a person."""
    for _ in range(5):
        preferences.unsubscribe(verified_user().pk, EmailCategory.REMINDERS)
    verified_user()
    rule = rule_for(edition, offset=offset)
    occurrence = reminders.Occurrence(rule, CLOSES)
    with django_assert_num_queries(1):
        assert len(list(reminders.recipients(occurrence))) == 1
    assert rule.audience == ReminderRule.Audience.NOT_REGISTERED
