import datetime

import factory
from django.utils import timezone

from declarations.models import Answer, Call, Submission, Tag, Topic
from tests.factories import EditionFactory, UserFactory

TOPIC_TITLES = [
    "Role and impact",
    "Characteristics and advantages",
    "Vision and recommendations",
    "Good practices showcase",
]


class CallFactory(factory.django.DjangoModelFactory):
    """A call open now, closing at its edition's declaration deadline (in three weeks
    with ``EditionFactory``'s)."""

    class Meta:
        model = Call

    edition = factory.SubFactory(EditionFactory)
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    introduction = "Tell us what you think."


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    call = factory.SubFactory(CallFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Topic {n}")
    guiding_question = "What do you think?"
    word_limit = 200


def call_with_topics(**kwargs) -> Call:
    """A call with the four topics of the 2020 call; the fourth is the good-practice one."""
    call = CallFactory(**kwargs)
    for order, title in enumerate(TOPIC_TITLES, start=1):
        TopicFactory(call=call, order=order, title=title, is_showcase=order == 4)
    return call


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"tag {n}")


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A sent submission written straight to the table, for setting the scene; tests of
    the transitions go through the services."""

    class Meta:
        model = Submission

    call = factory.SubFactory(CallFactory)
    contributor = factory.SubFactory(UserFactory)
    status = Submission.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    submit_count = 1
    organisation_name = "University of Nairobi"
    organisation_type = "university"
    country = "KE"
    quote_consent = Submission.QuoteConsent.NAMED


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    submission = factory.SubFactory(SubmissionFactory)
    topic = factory.SubFactory(TopicFactory)
    text = "Online courses reached students the campus never could."


def answered(call: Call, text: str = "An answer.", **kwargs) -> Submission:
    """A sent submission answering every topic of the call."""
    submission = SubmissionFactory(call=call, **kwargs)
    for topic in call.topics.all():
        AnswerFactory(submission=submission, topic=topic, text=f"{text} ({topic.title})")
    return submission
