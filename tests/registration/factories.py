import factory
from django.utils import timezone

from registration.models import Choice, Question, Registration, choice_key
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
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = Question.Kind.TEXT

    class Params:
        # Asked of in-person attendees only.
        in_person_only = factory.Trait(attendance=Registration.Attendance.IN_PERSON)

    @factory.post_generation
    def choices(question, create, extracted, **kwargs):
        """``choices="Policy\\nResearch"`` (or a list of wordings): choices keyed as the
        admin keys them ("policy", "research"); a dict {key: wording} keeps its keys."""
        if not extracted:
            return
        if isinstance(extracted, str):
            extracted = extracted.splitlines()
        if isinstance(extracted, dict):
            items = list(extracted.items())
        else:
            items = [(None, wording) for wording in extracted]
        taken: set[str] = set()
        for order, (key, wording) in enumerate(items, 1):
            key = key or choice_key(wording, taken)
            taken.add(key)
            ChoiceFactory(question=question, key=key, label=wording, order=order)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.CHOICE)
    label = factory.Sequence(lambda n: f"Choice {n}")
    key = factory.LazyAttribute(lambda choice: choice_key(choice.label, set()))
    order = 0
