import datetime

import factory

from agenda.models import Room, Session, SessionSpeaker, Speaker
from tests.factories import EditionFactory


def local(edition, day_offset: int, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware moment on the edition's n-th day (0 = first), wall-clock in its zone."""
    day = edition.start_date + datetime.timedelta(days=day_offset)
    return edition.local_datetime(day, datetime.time(hour, minute))


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Room {n}")


class SessionFactory(factory.django.DjangoModelFactory):
    """A published 30-minute panel at 10:00 on the edition's first day, in no room."""

    class Meta:
        model = Session

    edition = factory.SubFactory(EditionFactory)
    kind = Session.Kind.PANEL
    title = factory.Sequence(lambda n: f"Session number {n}")
    slug = factory.Sequence(lambda n: f"session-{n}")
    description = "What the session is about."
    starts_at = factory.LazyAttribute(lambda o: local(o.edition, 0, 10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(minutes=30))
    is_published = True


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker Person {n}")
    slug = factory.Sequence(lambda n: f"speaker-{n}")
    title = "Professor of online learning"
    organisation_name = "A university"


class SessionSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionSpeaker

    session = factory.SubFactory(SessionFactory)
    speaker = factory.SubFactory(SpeakerFactory)
