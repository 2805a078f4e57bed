import factory
from django.utils import timezone

from registration.models import Question, Registration
from tests.factories import EditionFactory, UserFactory


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed in-person registration written straight to the table: for setting
    the scene. Tests of the transitions themselves go through the services."""

    class Meta:
        model = Registration

    edition = factory.SubFactory(EditionFactory)
    attendee = factory.SubFactory(UserFactory)
    attendance = Registration.Attendance.IN_PERSON
    status = Registration.Status.CONFIRMED
    consent_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    edition = factory.SubFactory(EditionFactory)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = Question.Kind.TEXT
