"""Demo calls for input: the four topics of the 2020 call as it asked them, for 2020;
for the editions since (2025, whose declaration drew on participants' input too, and
the current one) the same four headings with questions of today, marked as sample
questions since no later call is on record. Three clearly marked sample submissions on
the current call when the registration demo has participants, so the review page, the
exports, the compilation and the showcase show something.

Rows are written directly (no email is sent) and updated or created by natural keys:
loading twice on the same day changes nothing.

The calls' texts and the sample submissions are in declarations/demo_data/*.toml.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from gmc.demo_loading import demo_loader, prose, read_demo_data, translated_texts
from gmc.models import Edition
from gmc.selectors import current_edition
from registration import selectors as registration_selectors

from .models import Answer, Call, Submission, Tag, Topic


def _data(name: str) -> dict:
    return read_demo_data("declarations", name)


def _windows(edition: Edition, now: datetime) -> tuple[datetime, datetime] | None:
    """When each demo call opens and closes: the edition's declaration deadline where
    it has one, otherwise the eve of the conference (written to the edition, where the
    deadline is stored); open from registration."""
    closes = edition.declaration_deadline
    if closes is None and edition.start_date:
        closes = datetime.combine(edition.start_date, time.min, tzinfo=edition.tz)
    if closes is None:
        return None
    opens = edition.registration_opens_at or closes - timedelta(days=42)
    if edition.is_current:
        # The current call is open now, whenever the demo is loaded.
        opens = min(opens, closes - timedelta(days=1))
        opens = min(opens, now.replace(hour=0, minute=0, second=0, microsecond=0))
    return opens, closes


def _call(edition: Edition, now: datetime) -> Call | None:
    window = _windows(edition, now)
    if window is None:
        return None
    opens, closes = window
    on_record = edition.year == 2020
    data = _data("calls")
    texts = {"": data, **({} if on_record else data.get("translations", {}))}
    introductions = {}
    for language, text in texts.items():
        introduction = prose(text["introduction"])
        if not on_record:
            introduction += "\n\n" + prose(text["sample_note"])
        column = "introduction"
        if language:
            column = build_localized_fieldname(column, language)
        introductions[column] = introduction
    if edition.declaration_deadline != closes:
        # The call closes at the edition's deadline: a sample one where none is on record.
        edition.declaration_deadline = closes
        edition.save(update_fields=["declaration_deadline", "updated_at"])
    call, _created = Call.objects.update_or_create(
        edition=edition, defaults={"opens_at": opens, **introductions}
    )
    for topic in data["topic_2020"] if on_record else data["topic"]:
        fields = {
            "title": topic["title"],
            "guiding_question": prose(topic["guiding_question"]),
            "help_text": prose(topic["help_text"]),
            "word_limit": topic["word_limit"],
            "is_showcase": topic["is_showcase"],
            **translated_texts(topic, ["guiding_question", "help_text"]),
        }
        Topic.objects.update_or_create(call=call, order=topic["order"], defaults=fields)
    return call


def _samples(call: Call, now: datetime) -> int:
    samples = _data("samples")["sample"]
    people = registration_selectors.confirmed_attendees(call.edition_id).order_by("email")[
        : len(samples)
    ]
    topics = {topic.order: topic for topic in call.topics.all()}
    count = 0
    for person, sample in zip(people, samples, strict=False):
        submission, _created = Submission.objects.update_or_create(
            call=call,
            contributor=person,
            defaults={
                "organisation_name": person.organisation_name,
                "organisation_type": person.organisation_type,
                "country": person.country,
                "quote_consent": Submission.QuoteConsent(sample["quote_consent"]),
                "showcase_consent": sample["showcase_consent"],
                "showcase_published": sample["showcase_published"],
                "status": Submission.Status(sample["status"]),
                # Sent after the call opened, never in the future.
                "submitted_at": min(
                    call.opens_at + timedelta(days=1 + count), now - timedelta(hours=3 - count)
                ),
                "submit_count": 1,
            },
        )
        for order, text in sample["answers"].items():
            Answer.objects.update_or_create(
                submission=submission, topic=topics[int(order)], defaults={"text": prose(text)}
            )
        submission.tags.set([Tag.objects.get_or_create(name=name)[0] for name in sample["tags"]])
        count += 1
    return count


@demo_loader("declarations", after=["gmc", "registration"])
def load(stdout) -> None:
    now = timezone.now()
    current = current_edition()
    years = {2020, 2025} | ({current.year} if current else set())
    calls = 0
    for edition in Edition.objects.filter(year__in=years).order_by("year"):
        call = _call(edition, now)
        if call is None:
            continue
        calls += 1
        if current and edition.pk == current.pk:
            samples = _samples(call, now)
            stdout.write(f"declarations: {samples} sample submissions on the {edition.year} call")
    stdout.write(f"declarations: {calls} calls for input")
