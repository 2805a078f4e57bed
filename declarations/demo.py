"""Demo calls for input: the four topics of the 2020 call as it asked them, for 2020;
for the editions since (2025, whose declaration drew on participants' input too, and
the current one) the same four headings with questions of today, marked as sample
questions since no later call is on record. Three clearly marked sample submissions on
the current call when the registration demo has participants, so the review page, the
exports, the compilation and the showcase show something.

Rows are written directly (no email is sent) and updated or created by natural keys:
loading twice on the same day changes nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from gmc.demo_loading import demo_loader
from gmc.models import Edition
from gmc.selectors import current_edition
from registration.models import Registration

from .models import Answer, Call, Submission, Tag, Topic

# The 2020 call's topics (its invitation), asked while teaching had moved online.
TOPICS_2020 = [
    {
        "order": 1,
        "title": "Role and impact",
        "guiding_question": (
            "What is the most important role MOOCs and online education have played, or "
            "the biggest difference they have made, especially since the COVID-19 pandemic?"
        ),
        "help_text": (
            "Think of learners, teachers, institutions and society. A concrete example "
            "says more than a general statement."
        ),
        "word_limit": 500,
        "is_showcase": False,
    },
    {
        "order": 2,
        "title": "Characteristics and advantages",
        "guiding_question": (
            "Which features of MOOCs and online education make them work, or give them an "
            "edge over other ways of teaching and learning?"
        ),
        "help_text": "For instance openness, scale, flexibility, data, or new ways of teaching.",
        "word_limit": 500,
        "is_showcase": False,
    },
    {
        "order": 3,
        "title": "Vision and recommendations",
        "guiding_question": (
            "How should the international community, working together across borders, "
            "build and promote MOOCs and online education?"
        ),
        "help_text": (
            "Recommendations to universities, platforms, governments and international "
            "organisations are all welcome."
        ),
        "word_limit": 500,
        "is_showcase": False,
    },
    {
        "order": 4,
        "title": "Good practices showcase",
        "guiding_question": (
            "Since teaching moved online, what worked, what was hard and which decisions "
            "made the difference? Describe a good-practice case from your institution."
        ),
        "help_text": (
            "Attach toolkits, reports, slides, photos or videos if you have them. With "
            "your agreement, organisers may publish your case on this website."
        ),
        "word_limit": 800,
        "is_showcase": True,
    },
]

# The same four headings for the later calls, without the pandemic of 2020.
TOPICS = [
    {
        "order": 1,
        "title": "Role and impact",
        "guiding_question": (
            "What role do MOOCs and online education play in higher education today, and "
            "what difference have they made where you work?"
        ),
        "help_text": (
            "Sample question of this demonstration site. Think of learners, teachers, "
            "institutions and society; a concrete example says more than a general "
            "statement."
        ),
        "word_limit": 500,
        "is_showcase": False,
    },
    {
        "order": 2,
        "title": "Characteristics and advantages",
        "guiding_question": (
            "Which features of MOOCs and online education, intelligent tools included, "
            "make them work, or give them an edge over other ways of teaching and learning?"
        ),
        "help_text": (
            "Sample question of this demonstration site. For instance openness, scale, "
            "flexibility, data, or new ways of teaching."
        ),
        "word_limit": 500,
        "is_showcase": False,
    },
    {
        "order": 3,
        "title": "Vision and recommendations",
        "guiding_question": (
            "How should universities, platforms, governments and international "
            "organisations work together to build and promote open and intelligent "
            "online education?"
        ),
        "help_text": "Sample question of this demonstration site.",
        "word_limit": 500,
        "is_showcase": False,
    },
    {
        "order": 4,
        "title": "Good practices showcase",
        "guiding_question": (
            "Describe a good-practice case from your institution: what worked, what was "
            "hard and which decisions made the difference?"
        ),
        "help_text": (
            "Sample question of this demonstration site. Attach toolkits, reports, slides, "
            "photos or videos if you have them. With your agreement, organisers may "
            "publish your case on this website."
        ),
        "word_limit": 800,
        "is_showcase": True,
    },
]

INTRODUCTION = (
    "The organisers compile participants' input into the conference declaration. "
    "Registered participants can take part: answer any of the four topics below, as "
    "briefly or as fully as you like, and attach material that shows your work.\n\n"
    "You can save a draft and come back to it, and change your input until the deadline. "
    "You choose whether and how you may be quoted."
)
SAMPLE_NOTE = (
    "\n\nSample call of this demonstration site: no call for input after 2020 is on "
    "record, so its four topics are those of 2020 with sample questions."
)

SAMPLES = [
    {
        "quote_consent": Submission.QuoteConsent.NAMED,
        "showcase_consent": True,
        "showcase_published": True,
        "status": Submission.Status.INCLUDED,
        "tags": ["access", "teacher training"],
        "answers": {
            1: "(Sample input) Online courses kept thousands of our students learning when "
            "the campus closed, and they stayed open to people who had never studied with us.",
            4: "(Sample input) We trained 300 lecturers in four weeks with a short online "
            "course of our own, then paired each with a mentor for their first online term.",
        },
    },
    {
        "quote_consent": Submission.QuoteConsent.ANONYMOUS,
        "showcase_consent": False,
        "showcase_published": False,
        "status": Submission.Status.INCLUDED,
        "tags": ["cooperation"],
        "answers": {
            3: "(Sample input) Alliances should recognise each other's credits for MOOCs of "
            "agreed quality, so that learners can build degrees across borders.",
        },
    },
    {
        "quote_consent": Submission.QuoteConsent.NONE,
        "showcase_consent": False,
        "showcase_published": False,
        "status": Submission.Status.UNDER_REVIEW,
        "tags": [],
        "answers": {
            2: "(Sample input) Learning analytics let us see early who is falling behind.",
        },
    },
]


def _windows(edition: Edition, now: datetime) -> tuple[datetime, datetime] | None:
    """When each demo call opens and closes: the edition's declaration deadline where
    it has one, otherwise the eve of the conference; open from registration."""
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
    call, _created = Call.objects.update_or_create(
        edition=edition,
        defaults={
            "opens_at": opens,
            "closes_at": closes,
            "introduction": INTRODUCTION if on_record else INTRODUCTION + SAMPLE_NOTE,
        },
    )
    for topic in TOPICS_2020 if on_record else TOPICS:
        fields = {key: value for key, value in topic.items() if key != "order"}
        Topic.objects.update_or_create(call=call, order=topic["order"], defaults=fields)
    return call


def _samples(call: Call, now: datetime) -> int:
    registrations = (
        Registration.objects.filter(edition=call.edition, status=Registration.Status.CONFIRMED)
        .select_related("attendee")
        .order_by("attendee__email")[: len(SAMPLES)]
    )
    topics = {topic.order: topic for topic in call.topics.all()}
    count = 0
    for registration, sample in zip(registrations, SAMPLES, strict=False):
        person = registration.attendee
        submission, _created = Submission.objects.update_or_create(
            call=call,
            contributor=person,
            defaults={
                "organisation_name": person.organisation_name,
                "organisation_type": person.organisation_type,
                "country": person.country,
                "quote_consent": sample["quote_consent"],
                "showcase_consent": sample["showcase_consent"],
                "showcase_published": sample["showcase_published"],
                "status": sample["status"],
                # Sent after the call opened, never in the future.
                "submitted_at": min(
                    call.opens_at + timedelta(days=1 + count), now - timedelta(hours=3 - count)
                ),
                "submit_count": 1,
            },
        )
        for order, text in sample["answers"].items():
            Answer.objects.update_or_create(
                submission=submission, topic=topics[order], defaults={"text": text}
            )
        submission.tags.set([Tag.objects.get_or_create(name=name)[0] for name in sample["tags"]])
        count += 1
    return count


# The sample submissions are sent by the registration demo's participants.
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
