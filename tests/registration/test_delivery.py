"""The registration emails end to end: services -> outbox -> real Celery worker -> SMTP."""

import pytest
from django.urls import reverse

from registration import services
from registration.models import Registration
from tests.conftest import wait_for
from tests.factories import EditionFactory, UserFactory


@pytest.mark.delivery
def test_each_status_change_arrives_once_over_smtp(celery_worker, smtp_sink, client):
    edition = EditionFactory(capacity=1, title="GMC delivery edition")
    holder, waiting = UserFactory(), UserFactory()

    # Through the pages, as people do it.
    for person in (holder, waiting):
        client.force_login(person)
        response = client.post(
            reverse("registration:register_year", args=[edition.year]),
            {
                "edition": edition.pk,
                "attendance": "in_person",
                "consent": "on",
                "given_name": "Ana",
            },
        )
        assert response.status_code == 302
    client.force_login(holder)
    response = client.post(reverse("registration:cancel", args=[edition.year]), {"confirm": "on"})
    assert response.status_code == 302
    # A repeated cancellation (a second tab) changes nothing and sends nothing.
    first = Registration.objects.get(attendee=holder)
    services.cancel_registration(first.pk, by=holder)

    wait_for(lambda: len(smtp_sink.messages) >= 4, message="the four emails did not arrive")
    # Let a stray fifth message, if any, arrive before counting.
    sentinel = UserFactory(email="sentinel@example.org")
    services.register_attendee(edition.pk, attendee=sentinel, attendance="online", consent=True)
    wait_for(
        lambda: any("sentinel@example.org" in m["To"] for m in smtp_sink.messages),
        message="no sentinel",
    )

    received = sorted(
        (m["To"], m["Subject"]) for m in smtp_sink.messages if "sentinel" not in m["To"]
    )
    assert received == sorted(
        [
            (holder.email, "Your registration for GMC delivery edition is confirmed"),
            (waiting.email, "You are on the waiting list for GMC delivery edition"),
            (holder.email, "Your registration for GMC delivery edition is cancelled"),
            (waiting.email, "A seat is yours: GMC delivery edition"),
        ]
    )
    promoted = next(m for m in smtp_sink.messages if m["Subject"].startswith("A seat"))
    ticket = Registration.objects.get(attendee=waiting).ticket_code
    assert ticket in promoted.get_body(("plain",)).get_content()
