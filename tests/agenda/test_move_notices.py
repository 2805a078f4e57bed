"""People who starred a session are told, in one short email, when it moves."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from agenda import services
from agenda.models import MoveNotice, Star
from agenda.notices import KIND, send_due_notices
from gmc import outbox
from gmc.models import OutboxMessage
from mailings import preferences
from mailings.models import EmailCategory
from tests.agenda.factories import RoomFactory, SessionFactory, local
from tests.agenda.test_admin_programme import block_data
from tests.factories import UserFactory

WINDOW = timedelta(seconds=900)


def starred_by(session, *people):
    for person in people:
        Star.objects.create(user=person, session=session)


def notices_sent(after=WINDOW + timedelta(seconds=1)) -> int:
    with time_machine.travel(timezone.now() + after, tick=False):
        return send_due_notices()


def moved_emails(person=None):
    rows = OutboxMessage.objects.filter(kind=KIND)
    if person is not None:
        rows = rows.filter(recipient=person)
    return list(rows)


def test_a_moved_session_is_told_once_to_those_who_starred_it(edition, settings):
    settings.AGENDA_MOVE_NOTICE_DELAY_SECONDS = WINDOW.total_seconds()
    session = SessionFactory(edition=edition, title="Plenary one", starts_at=local(edition, 0, 9))
    fan, declined, bystander = UserFactory(), UserFactory(), UserFactory()
    fan.time_zone = "Asia/Ho_Chi_Minh"
    fan.save()
    starred_by(session, fan, declined)
    preferences.unsubscribe(declined.pk, EmailCategory.PROGRAMME_CHANGES)

    services.shift_sessions([session.pk], 30, by=None)
    assert send_due_notices() == 0  # not before the window is over
    assert notices_sent() == 2
    [message] = moved_emails(fan)
    assert message.status == OutboxMessage.Status.PENDING
    assert message.category == EmailCategory.PROGRAMME_CHANGES
    [line] = message.context["sessions"]
    assert line["title"] == "Plenary one"
    # In the person's zone: 09:30 in Mexico City is 22:30 in Hanoi.
    assert "22:30" in line["when"] and "22:00" in line["was_when"]
    assert message.context["zone"] == "Hanoi time (UTC+7)"
    assert moved_emails(declined)[0].status == OutboxMessage.Status.SUPPRESSED
    assert not moved_emails(bystander)
    assert notices_sent() == 0  # a repeat sends nothing more
    assert len(moved_emails()) == 2

    email = outbox.render(message)
    assert email.subject == "“Plenary one” has moved"
    assert "Was: " in email.body and line["url"] in email.body
    assert "unsubscribe" in email.body


def test_changes_in_a_window_make_one_email_per_person(edition, settings):
    settings.AGENDA_MOVE_NOTICE_DELAY_SECONDS = WINDOW.total_seconds()
    hall, annex = (
        RoomFactory(edition=edition, name="Hall"),
        RoomFactory(edition=edition, name="Annex"),
    )
    first = SessionFactory(
        edition=edition, title="First", room=hall, starts_at=local(edition, 0, 9)
    )
    second = SessionFactory(edition=edition, title="Second", starts_at=local(edition, 0, 11))
    back = SessionFactory(edition=edition, title="Back again", starts_at=local(edition, 0, 13))
    person = UserFactory()
    starred_by(first, person)
    starred_by(second, person)
    starred_by(back, person)

    services.shift_sessions([first.pk], 15, by=None)
    services.shift_sessions([first.pk], 15, by=None)
    services.shift_sessions([second.pk], -30, by=None)
    first.refresh_from_db()
    first.room = annex
    first.save()  # the notice already open for it reports the new room too
    services.shift_sessions([back.pk], 10, by=None)
    services.shift_sessions([back.pk], -10, by=None)  # moved back: nothing to tell

    assert MoveNotice.objects.filter(user=person).count() == 1
    assert notices_sent() == 1
    [message] = moved_emails(person)
    titles = [line["title"] for line in message.context["sessions"]]
    assert titles == ["First", "Second"]
    first_line = message.context["sessions"][0]
    assert "09:30" in first_line["when"] and "09:00" in first_line["was_when"]
    assert first_line["room"] == "Annex" and first_line["was_room"] == "Hall"
    assert outbox.render(message).subject == "2 sessions in your agenda have moved"

    # A later change opens a new notice and a new email.
    services.shift_sessions([second.pk], 5, by=None)
    assert notices_sent(after=2 * WINDOW) == 1
    assert len(moved_emails(person)) == 2


def test_drafts_and_other_changes_tell_nobody(edition):
    draft = SessionFactory(edition=edition, is_published=False)
    published = SessionFactory(edition=edition, starts_at=local(edition, 0, 14))
    person = UserFactory()
    starred_by(draft, person)
    starred_by(published, person)
    services.shift_sessions([draft.pk], 30, by=None)
    published.title = "A better title"
    published.save()
    assert not MoveNotice.objects.exists()
    assert notices_sent() == 0


def test_a_time_changed_in_the_admin_is_told(client, organiser, edition, settings):
    settings.AGENDA_MOVE_NOTICE_DELAY_SECONDS = WINDOW.total_seconds()
    block = SessionFactory(
        edition=edition, title="Opening ceremony",
        starts_at=local(edition, 0, 9), ends_at=local(edition, 0, 12),
    )  # fmt: skip
    item = SessionFactory(
        edition=edition, parent=block, title="Welcome video",
        starts_at=local(edition, 0, 9), ends_at=local(edition, 0, 9, 10),
    )  # fmt: skip
    person = UserFactory()
    starred_by(block, person)
    starred_by(item, person)
    client.force_login(organiser)
    day = edition.start_date.isoformat()
    data = block_data(block, starts_at_1="09:30")
    data |= {
        "children-TOTAL_FORMS": "1",
        "children-INITIAL_FORMS": "1",
        "recordings-TOTAL_FORMS": "0",
        "recordings-INITIAL_FORMS": "0",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
        "children-0-id": item.pk,
        "children-0-parent": block.pk,
        "children-0-kind": item.kind,
        "children-0-title_en": item.title,
        "children-0-slug": item.slug,
        "children-0-starts_at_0": day,
        "children-0-starts_at_1": "09:40",
        "children-0-ends_at_0": day,
        "children-0-ends_at_1": "09:50",
        "children-0-is_published": "on",
    }
    response = client.post(f"/admin/agenda/session/{block.pk}/change/", data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.sequence == 1
    assert notices_sent() == 1
    [message] = moved_emails(person)
    assert [line["title"] for line in message.context["sessions"]] == [
        "Opening ceremony",
        "Welcome video",
    ]


@pytest.mark.django_db(transaction=True)
def test_through_the_worker_people_get_one_email_for_several_changes(
    celery_worker, smtp_sink, settings
):
    from tests.conftest import wait_for
    from tests.factories import EditionFactory

    settings.AGENDA_MOVE_NOTICE_DELAY_SECONDS = 2
    edition = EditionFactory(is_current=True)
    first = SessionFactory(edition=edition, title="First talk", starts_at=local(edition, 0, 9))
    second = SessionFactory(edition=edition, title="Second talk", starts_at=local(edition, 0, 11))
    person = UserFactory()
    starred_by(first, person)
    starred_by(second, person)

    services.shift_sessions([first.pk], 15, by=None)
    services.shift_sessions([second.pk], 15, by=None)
    wait_for(lambda: smtp_sink.messages, message="no email about the moved sessions")
    # Another run of the beat job, then a sentinel: once it arrives, all is done.
    with transaction.atomic():
        send_due_notices()
        outbox.queue(kind="outbox.test", to="sentinel@example.org")
    wait_for(lambda: any("sentinel" in m["To"] for m in smtp_sink.messages), message="no sentinel")
    received = [m for m in smtp_sink.messages if m["To"] == person.email]
    assert len(received) == 1
    assert received[0]["Subject"] == "2 sessions in your agenda have moved"
    body = received[0].get_body(("plain",)).get_content()
    assert "First talk" in body and "Second talk" in body
