import re
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations.models import Submission
from gmc import outbox
from gmc.models import OrganisationType, OutboxMessage, User
from mailings import preferences, selectors, services
from mailings.models import Broadcast, EmailCategory
from registration.models import Registration
from tests.conftest import wait_for
from tests.declarations.factories import CallFactory, SubmissionFactory
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory


@pytest.fixture
def edition(db):
    return EditionFactory(year=2030, contact_email="secretariat@example.org")


def participant(edition, *, registration=None, **profile):
    person = UserFactory(**profile)
    RegistrationFactory(edition=edition, attendee=person, **(registration or {}))
    return person


def broadcast_for(edition, **segment) -> Broadcast:
    return Broadcast.objects.create(
        edition=edition, subject="Programme update", body="The opening moves.", **segment
    )


def emails(queryset) -> list[str]:
    return sorted(person.email for person in queryset)


def test_segment_is_exact(edition):
    call = CallFactory(edition=edition)
    kenya_university_online = participant(
        edition,
        registration={"attendance": Registration.Attendance.ONLINE},
        country="KE",
        organisation_type=OrganisationType.UNIVERSITY,
    )
    SubmissionFactory(call=call, contributor=kenya_university_online)
    kenya_university_in_person = participant(
        edition, country="KE", organisation_type=OrganisationType.UNIVERSITY
    )
    SubmissionFactory(
        call=call,
        contributor=kenya_university_in_person,
        status=Submission.Status.DRAFT,
        submitted_at=None,
    )
    kenya_platform = participant(
        edition, country="KE", organisation_type=OrganisationType.PLATFORM
    )
    mexico_university = participant(
        edition, country="MX", organisation_type=OrganisationType.UNIVERSITY
    )
    waiting = participant(
        edition,
        registration={"status": Registration.Status.WAITING},
        country="KE",
        organisation_type=OrganisationType.UNIVERSITY,
    )
    cancelled = participant(
        edition,
        registration={"status": Registration.Status.CANCELLED},
        country="KE",
        organisation_type=OrganisationType.UNIVERSITY,
    )
    declined = participant(edition, country="KE", organisation_type=OrganisationType.UNIVERSITY)
    preferences.unsubscribe(declined.pk, EmailCategory.ANNOUNCEMENTS)
    participant(edition, is_active=False, country="KE")
    participant(EditionFactory(year=2031), country="KE")

    everyone = broadcast_for(edition)
    assert emails(services.recipients(everyone)) == emails(
        [
            kenya_university_online,
            kenya_university_in_person,
            kenya_platform,
            mexico_university,
            waiting,
        ]
    )
    kenyan_universities = broadcast_for(
        edition, country="KE", organisation_type=OrganisationType.UNIVERSITY
    )
    assert emails(services.recipients(kenyan_universities)) == emails(
        [kenya_university_online, kenya_university_in_person, waiting]
    )
    online = broadcast_for(edition, attendance="online")
    assert emails(services.recipients(online)) == [kenya_university_online.email]
    only_waiting = broadcast_for(edition, registration_status="waiting")
    assert emails(services.recipients(only_waiting)) == [waiting.email]
    only_cancelled = broadcast_for(edition, registration_status="cancelled")
    assert emails(services.recipients(only_cancelled)) == [cancelled.email]
    sent_input = broadcast_for(edition, declaration_status="sent")
    assert emails(services.recipients(sent_input)) == [kenya_university_online.email]
    drafts = broadcast_for(edition, declaration_status="draft")
    assert emails(services.recipients(drafts)) == [kenya_university_in_person.email]
    nothing = broadcast_for(edition, declaration_status="none")
    assert emails(services.recipients(nothing)) == emails(
        [kenya_platform, mexico_university, waiting]
    )


def send_everything(broadcast: Broadcast, batch_size: int = 2) -> None:
    services.start_sending(broadcast.pk, by=None)
    while services.queue_next_batch(broadcast.pk, batch_size=batch_size):
        pass


def test_sending_queues_one_email_per_recipient_in_batches_and_twice_is_harmless(edition):
    people = [participant(edition) for _ in range(5)]
    broadcast = broadcast_for(edition)
    send_everything(broadcast)
    send_everything(broadcast)  # sending again: a no-op
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.QUEUED
    # A redelivered batch task after the end changes nothing either.
    assert services.queue_next_batch(broadcast.pk) is False
    rows = OutboxMessage.objects.filter(broadcast=broadcast)
    assert sorted(rows.values_list("to_email", flat=True)) == emails(people)
    assert set(rows.values_list("category", flat=True)) == {EmailCategory.ANNOUNCEMENTS}
    assert broadcast.recipient_count == 5


def test_a_batch_run_twice_at_the_same_point_writes_once(edition):
    people = [participant(edition) for _ in range(3)]
    broadcast = broadcast_for(edition)
    services.start_sending(broadcast.pk, by=None)
    # The task is redelivered before its first run committed its marker: the keys hold.
    Broadcast.objects.filter(pk=broadcast.pk).update(last_queued_user_id=0)
    services.queue_next_batch(broadcast.pk, batch_size=10)
    Broadcast.objects.filter(pk=broadcast.pk).update(
        status=Broadcast.Status.SENDING, last_queued_user_id=0
    )
    services.queue_next_batch(broadcast.pk, batch_size=10)
    assert OutboxMessage.objects.filter(broadcast=broadcast).count() == len(people)


def stalled_at(broadcast: Broadcast, moment, *, batch: int | None = None) -> None:
    """The message began sending at ``moment`` (and wrote ``batch`` recipients then),
    and its queueing task was never heard of again."""
    with time_machine.travel(moment, tick=False):
        services.start_sending(broadcast.pk, by=None)
        if batch:
            services.queue_next_batch(broadcast.pk, batch_size=batch)


def test_resume_picks_the_messages_whose_queueing_stopped(edition, settings):
    settings.MESSAGES_RESUME_EVERY_SECONDS = 60
    for _ in range(3):
        participant(edition)
    now = timezone.now()
    never_started, stopped, moving, just_begun, done, draft = (
        broadcast_for(edition) for _ in range(6)
    )
    stalled_at(never_started, now - timedelta(minutes=5))
    stalled_at(stopped, now - timedelta(minutes=5), batch=1)
    stalled_at(moving, now - timedelta(minutes=5))
    services.queue_next_batch(moving.pk, batch_size=1)  # a batch written a moment ago
    stalled_at(just_begun, now)
    stalled_at(done, now - timedelta(minutes=5), batch=10)
    assert sorted(services.resume_queueing()) == [never_started.pk, stopped.pk]
    assert Broadcast.objects.get(pk=draft.pk).status == Broadcast.Status.DRAFT


@pytest.mark.delivery
def test_a_resumed_message_is_queued_for_everyone_once(celery_worker, edition, settings):
    settings.MESSAGES_RESUME_EVERY_SECONDS = 60
    people = [participant(edition) for _ in range(5)]
    broadcast = broadcast_for(edition)
    stalled_at(broadcast, timezone.now() - timedelta(minutes=5), batch=2)
    assert services.resume_queueing() == [broadcast.pk]
    wait_for(
        lambda: Broadcast.objects.get(pk=broadcast.pk).status == Broadcast.Status.QUEUED,
        message="the resumed message was not queued to the end",
    )
    rows = OutboxMessage.objects.filter(broadcast=broadcast)
    assert sorted(rows.values_list("to_email", flat=True)) == emails(people)


@pytest.fixture
def organiser_client(client, staff_organiser):
    client.force_login(staff_organiser)
    return client


def test_compose_preview_test_send_and_follow(organiser_client, staff_organiser, edition):
    for _ in range(3):
        participant(edition)
    participant(edition, registration={"attendance": "online"})

    response = organiser_client.post(
        reverse("mailings:message_new"),
        {
            "edition": edition.pk,
            "attendance": "in_person",
            "subject": "Room change",
            "body": "The <b>panel</b> moves to room 2.\n\nSee you there.",
        },
    )
    broadcast = Broadcast.objects.get()
    assert response["Location"] == reverse("mailings:message_detail", args=[broadcast.pk])
    page = organiser_client.get(response["Location"]).content.decode()
    assert "3 people registered for 2030 match this selection." in page
    assert "Send to 3 people" in page
    # The preview is the email, framed from its own address.
    assert "<b>panel</b>" not in page
    preview = organiser_client.get(reverse("mailings:message_preview", args=[broadcast.pk]))
    assert "The &lt;b&gt;panel&lt;/b&gt; moves to room 2." in preview.content.decode()

    organiser_client.post(reverse("mailings:message_send_test", args=[broadcast.pk]))
    organiser_client.post(reverse("mailings:message_send_test", args=[broadcast.pk]))
    tests = OutboxMessage.objects.filter(kind="messages.broadcast")
    assert list(tests.values_list("to_email", flat=True)) == [staff_organiser.email] * 2
    assert not tests.filter(broadcast=broadcast).exists()  # tests are not deliveries
    assert outbox.render(tests.first()).subject == "[Test] Room change"

    refused = organiser_client.post(reverse("mailings:message_send", args=[broadcast.pk]))
    assert refused.status_code == 302
    assert OutboxMessage.objects.filter(broadcast=broadcast).count() == 0
    assert Broadcast.objects.get().status == Broadcast.Status.DRAFT

    response = organiser_client.post(
        reverse("mailings:message_send", args=[broadcast.pk]), {"confirm": "on"}
    )
    assert response["Location"] == reverse("mailings:message_progress", args=[broadcast.pk])
    organiser_client.post(reverse("mailings:message_send", args=[broadcast.pk]), {"confirm": "on"})
    while services.queue_next_batch(broadcast.pk):
        pass
    assert OutboxMessage.objects.filter(broadcast=broadcast).count() == 3

    # A sent message can no longer be edited.
    response = organiser_client.post(
        reverse("mailings:message_edit", args=[broadcast.pk]),
        {"edition": edition.pk, "subject": "Changed", "body": "x"},
    )
    assert Broadcast.objects.get().subject == "Room change"


def test_bad_input_keeps_what_was_typed(organiser_client, edition):
    response = organiser_client.post(
        reverse("mailings:message_new"), {"edition": "", "subject": "", "body": "Kept text"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kept text" in page
    assert page.count("is-invalid") >= 2
    assert not Broadcast.objects.exists()


def numbers(page: str) -> dict[str, int]:
    return {name: int(value) for name, value in re.findall(r'id="progress-(\w+)">(\d+)<', page)}


def test_progress_counts_from_the_outbox_and_refreshes_until_done(organiser_client, edition):
    people = [participant(edition) for _ in range(4)]
    broadcast = broadcast_for(edition)
    send_everything(broadcast, batch_size=10)
    rows = list(OutboxMessage.objects.filter(broadcast=broadcast).order_by("pk"))
    outbox.deliver(rows[0].pk)
    OutboxMessage.objects.filter(pk=rows[1].pk).update(
        status=OutboxMessage.Status.FAILED, last_error="550 mailbox unavailable"
    )
    preferences.unsubscribe(rows[2].recipient_id, EmailCategory.ANNOUNCEMENTS)
    outbox.deliver(rows[2].pk)

    url = reverse("mailings:message_progress", args=[broadcast.pk])
    page = organiser_client.get(url).content.decode()
    assert numbers(page) == {
        "total": 4,
        "sent": 1,
        "failed": 1,
        "unsubscribed": 1,
        "remaining": 1,
    }
    assert '<meta http-equiv="refresh"' in page

    outbox.deliver(rows[3].pk)
    page = organiser_client.get(url).content.decode()
    assert numbers(page)["remaining"] == 0
    assert numbers(page)["sent"] == 2
    assert '<meta http-equiv="refresh"' not in page
    assert len(people) == 4

    # The failure is visible per recipient in the admin.
    admin_page = organiser_client.get(
        reverse("admin:mailings_broadcast_change", args=[broadcast.pk])
    ).content.decode()
    assert "550 mailbox unavailable" in admin_page
    assert rows[1].to_email in admin_page


@pytest.mark.parametrize("name", ["mailings:message_list", "mailings:message_new"])
def test_pages_are_for_organisers_only(client, db, name):
    url = reverse(name)
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403


def test_actions_are_refused_to_non_organisers(client, edition):
    participant(edition)
    broadcast = broadcast_for(edition)
    client.force_login(UserFactory(is_staff=True))
    for name in ("mailings:message_detail", "mailings:message_edit", "mailings:message_progress"):
        assert client.get(reverse(name, args=[broadcast.pk])).status_code == 403
    for name in ("mailings:message_send_test", "mailings:message_send"):
        response = client.post(reverse(name, args=[broadcast.pk]), {"confirm": "on"})
        assert response.status_code == 403
    assert not OutboxMessage.objects.exists()
    assert Broadcast.objects.get().status == Broadcast.Status.DRAFT


def test_message_list_in_a_fixed_number_of_queries(organiser_client, edition):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert organiser_client.get(reverse("mailings:message_list")).status_code == 200
        return len(queries)

    broadcast_for(edition)
    few = count_queries()
    for _ in range(10):
        send_everything(broadcast_for(edition))
    assert count_queries() == few


@pytest.mark.delivery
def test_broadcast_to_5000_through_a_worker_delivers_each_once(
    celery_worker, smtp_sink, edition, client, staff_organiser
):
    now = timezone.now()
    people = User.objects.bulk_create(
        [User(email=f"reader{n}@example.org", full_name=f"Reader {n}") for n in range(5000)]
    )
    Registration.objects.bulk_create(
        [
            Registration(
                edition=edition,
                attendee=person,
                attendance=Registration.Attendance.ONLINE,
                status=Registration.Status.CONFIRMED,
                consent_at=now,
                confirmed_at=now,
            )
            for person in people
        ]
    )
    broadcast = broadcast_for(edition)
    with transaction.atomic():
        services.start_sending(broadcast.pk, by=None)
    wait_for(
        lambda: len(smtp_sink.messages) >= 5000,
        timeout=600,
        interval=0.5,
        message="the broadcast was not delivered",
    )
    wait_for(
        lambda: selectors.progress(Broadcast.objects.get(pk=broadcast.pk)).done,
        timeout=30,
        message="the outbox rows were not all marked",
    )
    received = Counter(message["To"] for message in smtp_sink.messages)
    assert len(received) == 5000
    assert set(received.values()) == {1}
    assert all(
        m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in smtp_sink.messages
    )

    client.force_login(staff_organiser)
    page = client.get(reverse("mailings:message_progress", args=[broadcast.pk])).content.decode()
    assert numbers(page) == {
        "total": 5000,
        "sent": 5000,
        "failed": 0,
        "unsubscribed": 0,
        "remaining": 0,
    }


def test_check_in_segments_split_the_registered_by_the_door(edition):
    now = timezone.now()
    came = participant(edition, registration={"checked_in_at": now})
    came_online_waiting = participant(edition, registration={"status": "waiting"})
    not_yet = participant(edition)
    participant(EditionFactory(year=2031), registration={"checked_in_at": now})
    participant(edition, registration={"status": "cancelled"})

    checked_in = broadcast_for(edition, check_in=Broadcast.CheckIn.CHECKED_IN)
    assert emails(services.recipients(checked_in)) == [came.email]
    not_checked_in = broadcast_for(edition, check_in=Broadcast.CheckIn.NOT_CHECKED_IN)
    assert emails(services.recipients(not_checked_in)) == emails([came_online_waiting, not_yet])
    confirmed_not_checked_in = broadcast_for(
        edition, check_in=Broadcast.CheckIn.NOT_CHECKED_IN, registration_status="confirmed"
    )
    assert emails(services.recipients(confirmed_not_checked_in)) == [not_yet.email]


def test_the_greeting_uses_the_display_name_and_can_be_left_out(edition):
    person = participant(edition, email="amina@example.org")
    person.set_name("Amina", "Otieno", "")
    person.save()
    greeted = broadcast_for(edition)
    greeted.body = "Dear all,\n\nThe opening moves."
    greeted.greeting = False
    greeted.save()
    send_everything(greeted)
    email = outbox.render(OutboxMessage.objects.get(broadcast=greeted))
    assert email.body.startswith("Dear all,\n\nThe opening moves.")
    assert email.body.count("Dear") == 1
    html = email.alternatives[0][0]
    assert html.count("Dear") == 1

    with_greeting = broadcast_for(edition)
    send_everything(with_greeting)
    email = outbox.render(OutboxMessage.objects.get(broadcast=with_greeting))
    assert email.body.startswith("Dear Amina Otieno,\n\nThe opening moves.")
    assert "amina@example.org" not in email.body.split("\n\n")[0]


def test_the_editor_offers_the_greeting_and_the_preview_shows_it(
    organiser_client, staff_organiser, edition
):
    staff_organiser.set_name("Lan", "Nguyen", "")
    staff_organiser.save()
    form = organiser_client.get(reverse("mailings:message_new")).content.decode()
    assert "Start with a greeting" in form
    assert "“Dear {name},”" in form
    assert re.search(r'<input[^>]*name="greeting"[^>]*checked', form)

    data = {"edition": edition.pk, "subject": "Room change", "body": "Room 2."}
    organiser_client.post(reverse("mailings:message_new"), {**data, "greeting": "on"})
    greeted = Broadcast.objects.get()
    assert greeted.greeting is True
    page = organiser_client.get(
        reverse("mailings:message_detail", args=[greeted.pk])
    ).content.decode()
    assert "Dear Lan Nguyen,\n\nRoom 2." in page
    frame = organiser_client.get(
        reverse("mailings:message_preview", args=[greeted.pk])
    ).content.decode()
    assert "Dear Lan Nguyen," in frame

    # An unticked box is not sent by the browser: the message has no added greeting.
    organiser_client.post(reverse("mailings:message_edit", args=[greeted.pk]), data)
    greeted.refresh_from_db()
    assert greeted.greeting is False
    page = organiser_client.get(
        reverse("mailings:message_detail", args=[greeted.pk])
    ).content.decode()
    assert "Dear Lan Nguyen" not in page
    assert "no greeting is added" in page
    frame = organiser_client.get(
        reverse("mailings:message_preview", args=[greeted.pk])
    ).content.decode()
    assert "Dear" not in frame


def test_the_check_in_segment_is_chosen_in_the_editor(organiser_client, edition):
    participant(edition, registration={"checked_in_at": timezone.now()})
    participant(edition)
    organiser_client.post(
        reverse("mailings:message_new"),
        {
            "edition": edition.pk,
            "check_in": "not_checked_in",
            "subject": "Where are you?",
            "body": "We miss you.",
            "greeting": "on",
        },
    )
    broadcast = Broadcast.objects.get()
    page = organiser_client.get(
        reverse("mailings:message_detail", args=[broadcast.pk])
    ).content.decode()
    assert "1 person registered for 2030 matches this selection." in page
    assert "Registered but not checked in" in page


def test_deleting_a_message_keeps_its_outbox_rows_as_the_record_detached(edition):
    participant(edition)
    participant(edition)
    broadcast = broadcast_for(edition)
    send_everything(broadcast)
    rows = list(broadcast.outbox_messages.values_list("pk", flat=True))
    assert len(rows) == 2
    Broadcast.objects.get(pk=broadcast.pk).delete()
    kept = OutboxMessage.objects.filter(pk__in=rows)
    assert kept.count() == 2
    assert set(kept.values_list("source_type", "source_id")) == {(None, None)}


def test_admin_counts_each_messages_deliveries_and_links_exactly_its_rows(
    organiser_client, edition
):
    people = [participant(edition) for _ in range(3)]
    first, second = broadcast_for(edition), broadcast_for(edition)
    send_everything(first)
    send_everything(second)
    rows = list(first.outbox_messages.order_by("pk"))
    outbox.deliver(rows[0].pk)
    OutboxMessage.objects.filter(pk=rows[1].pk).update(status=OutboxMessage.Status.FAILED)

    listing = organiser_client.get(reverse("admin:mailings_broadcast_changelist"))
    counts = re.findall(r"(\d+) sent · (\d+) failed · (\d+) waiting", listing.content.decode())
    assert sorted(counts) == [("0", "0", "3"), ("1", "1", "1")]
    link = re.search(
        rf'href="([^"]+source_id__exact={first.pk})"', listing.content.decode()
    ).group(1)
    every_recipient = organiser_client.get(link.replace("&amp;", "&"))
    shown = every_recipient.context["cl"].result_list
    assert sorted(row.pk for row in shown) == [row.pk for row in rows]
    assert sorted(row.to_email for row in shown) == emails(people)
