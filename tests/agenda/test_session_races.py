"""Two organisers changing the same session at the same moment: the one path of a
session's change locks it, so neither change is lost and each counts once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from agenda import services
from agenda.models import Session
from gmc.models import AuditEntry
from tests.agenda.factories import SessionFactory, local
from tests.factories import EditionFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_shifts_at_once_both_move_the_session_and_each_counts_once():
    edition = EditionFactory(is_current=True)
    session = SessionFactory(edition=edition, starts_at=local(edition, 1, 10))
    starts_at, ends_at = session.starts_at, session.ends_at
    organisers = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    barrier = threading.Barrier(2)
    errors = []

    def shift(organiser):
        try:
            barrier.wait()
            services.shift_sessions([session.pk], 15, by=organiser)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=shift, args=(person,)) for person in organisers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    session = Session.objects.get(pk=session.pk)
    # Neither shift was written over the other: 30 minutes, two SEQUENCE steps.
    assert (session.starts_at, session.ends_at) == (
        starts_at + timedelta(minutes=30),
        ends_at + timedelta(minutes=30),
    )
    assert session.sequence == 2
    entries = AuditEntry.objects.filter(action="session.moved", object_id=str(session.pk))
    assert sorted(entry.actor_id for entry in entries) == sorted(p.pk for p in organisers)
