"""Reads shared by the declaration views, exports and services, and the declaration
audiences the organisers' messages and reminders compose."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django_countries import countries

from gmc.models import Edition, OrganisationType, User
from registration import selectors as registration_selectors

from .models import Answer, Attachment, Call, Submission, Topic


def is_registered_participant(user: User, edition: Edition | int) -> bool:
    """Whether ``user`` may send input for the edition: they take part in it
    (``registration.selectors.is_participant``: confirmed, or waiting for an in-person
    seat)."""
    return registration_selectors.is_participant(user, edition)


def call_for_edition(edition: Edition) -> Call | None:
    return (
        Call.objects.filter(edition=edition)
        .select_related("edition")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("order", "pk")))
        .first()
    )


def own_submission(call: Call, user: User) -> Submission | None:
    """The person's submission for the call with its answers and attachments (never
    the organisers' tags or notes: those are not read for contributor pages)."""
    if not user.is_authenticated:
        return None
    return (
        Submission.objects.filter(call=call, contributor=user)
        .prefetch_related("answers", "attachments")
        .first()
    )


def _submitted(call: Call) -> QuerySet[Submission]:
    """The call's submissions that were sent. A draft is not a submission: nobody but
    its author has seen it, and it is not input until it is sent."""
    return Submission.objects.filter(call=call).exclude(status=Submission.Status.DRAFT)


def sent_submissions(call: Call) -> QuerySet[Submission]:
    """Every submission that was sent (drafts are not input yet), oldest first."""
    return _submitted(call).select_related("contributor").order_by("submitted_at", "pk")


def submissions_for_export(call: Call) -> QuerySet[Submission]:
    return sent_submissions(call).prefetch_related("answers", "attachments", "tags")


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class ReviewSummary:
    total: int
    by_status: list[Count]
    by_country: list[Count]
    by_organisation_type: list[Count]


def review_summary(call: Call) -> ReviewSummary:
    """Counts of the sent submissions by status, country and organisation type, in one
    query."""
    rows = list(sent_submissions(call).values_list("status", "country", "organisation_type"))
    statuses = Counter(status for status, _c, _t in rows)
    country_counts = Counter(country for _s, country, _t in rows)
    type_counts = Counter(kind for _s, _c, kind in rows)
    status_labels = dict(Submission.Status.choices)
    type_labels = dict(OrganisationType.choices)

    def ordered(counter: Counter, label) -> list[Count]:
        return [
            Count(label(key), value)
            for key, value in sorted(counter.items(), key=lambda kv: (-kv[1], label(kv[0])))
        ]

    return ReviewSummary(
        total=len(rows),
        by_status=[
            Count(str(status_labels[key]), statuses[key])
            for key, _label in Submission.Status.choices
            if statuses[key]
        ],
        by_country=ordered(country_counts, lambda code: countries.name(code) or "—"),
        by_organisation_type=ordered(type_counts, lambda key: str(type_labels.get(key, "—"))),
    )


def answers_for_topic(topic: Topic) -> QuerySet[Answer]:
    """One topic's answers across the sent submissions, oldest submission first."""
    return (
        Answer.objects.filter(topic=topic)
        .exclude(submission__status=Submission.Status.DRAFT)
        .select_related("submission__contributor")
        .prefetch_related("submission__tags")
        .order_by("submission__submitted_at", "submission_id")
    )


def answers_by_topic(call: Call) -> list[tuple[Topic, list[Answer]]]:
    """Every sent answer, grouped by topic in the call's order, in two queries."""
    answers = list(
        Answer.objects.filter(topic__call=call)
        .exclude(submission__status=Submission.Status.DRAFT)
        .select_related("submission__contributor")
        .prefetch_related("submission__tags")
        .order_by("submission__submitted_at", "submission_id")
    )
    grouped: dict[int, list[Answer]] = {}
    for answer in answers:
        grouped.setdefault(answer.topic_id, []).append(answer)
    return [(topic, grouped.get(topic.pk, [])) for topic in call.topics.all()]


def answer_counts(call: Call) -> dict[int, int]:
    """How many sent submissions answered each topic."""
    counts = Counter(
        Answer.objects.filter(topic__call=call)
        .exclude(submission__status=Submission.Status.DRAFT)
        .values_list("topic_id", flat=True)
    )
    return dict(counts)


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str


@dataclass(frozen=True)
class TopicQuotes:
    topic: Topic
    quotes: list[Quote]


def compilation(call: Call) -> list[TopicQuotes]:
    """Included answers by topic, each signed as its contributor consented; answers
    whose contributor chose not to be quoted are left out."""
    answers = list(
        Answer.objects.filter(submission__call=call, submission__status=Submission.Status.INCLUDED)
        .exclude(submission__quote_consent=Submission.QuoteConsent.NONE)
        .select_related("submission__contributor")
        .order_by("submission__submitted_at", "submission_id")
    )
    by_topic: dict[int, list[Quote]] = {}
    for answer in answers:
        by_topic.setdefault(answer.topic_id, []).append(
            Quote(answer.text, answer.submission.attribution())
        )
    return [TopicQuotes(topic, by_topic.get(topic.pk, [])) for topic in call.topics.all()]


@dataclass(frozen=True)
class ShowcaseCase:
    submission: Submission
    attribution: str
    answers: list[Answer]


def showcase(call: Call) -> list[ShowcaseCase]:
    """The public good-practice cases: the contributor consented to the showcase and to
    being quoted, and an organiser published the case. Only answers to the call's
    good-practice topics are shown."""
    submissions = (
        Submission.objects.filter(call=call, showcase_consent=True, showcase_published=True)
        .exclude(status=Submission.Status.DRAFT)
        .exclude(quote_consent=Submission.QuoteConsent.NONE)
        .select_related("contributor")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.filter(topic__is_showcase=True).select_related("topic"),
            )
        )
        .order_by("submitted_at", "pk")
    )
    return [
        ShowcaseCase(submission, submission.attribution(), list(submission.answers.all()))
        for submission in submissions
        if submission.answers.all()
    ]


def attachments_for_call(call: Call) -> QuerySet[Attachment]:
    return (
        Attachment.objects.filter(submission__call=call)
        .exclude(submission__status=Submission.Status.DRAFT)
        .select_related("submission__contributor")
        .order_by("submission_id", "pk")
    )


# --- Declaration audiences ----------------------------------------------------------
# Defined here once, composed by the organisers' messages and reminders. A person has
# at most one submission per call, so "submitted" and "with a draft" never overlap.


def contributors_who_submitted(call: Call) -> QuerySet[User]:
    """People who sent input for the call (whatever its review status since)."""
    return User.objects.filter(Exists(_submitted(call).filter(contributor=OuterRef("pk"))))


def contributors_with_draft(call: Call) -> QuerySet[User]:
    """People who started input for the call and have not sent it."""
    drafts = Submission.objects.filter(
        call=call, contributor=OuterRef("pk"), status=Submission.Status.DRAFT
    )
    return User.objects.filter(Exists(drafts))


def participants_without_submission(call: Call, attendance: str = "") -> QuerySet[User]:
    """Participants of the call's edition (in the given mode, when there is one) who
    have not sent input: those with only a draft among them."""
    return (
        registration_selectors.participants(call.edition_id, attendance)
        .exclude(pk__in=contributors_who_submitted(call))
        .order_by("pk")
    )


def participants_with_draft(call: Call, attendance: str = "") -> QuerySet[User]:
    """Participants of the call's edition (in the given mode, when there is one) who
    started their input and have not sent it."""
    return (
        registration_selectors.participants(call.edition_id, attendance)
        .filter(pk__in=contributors_with_draft(call))
        .order_by("pk")
    )
