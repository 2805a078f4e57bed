import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from declarations.models import Answer, Call, Submission, Topic


def load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(
            Call.objects.order_by("pk").values_list(
                "pk", "opens_at", "edition__declaration_deadline"
            )
        ),
        Topic.objects.count(),
        list(Submission.objects.order_by("pk").values_list("pk", "status", "submitted_at")),
        Answer.objects.count(),
    )


def test_demo_calls_are_loaded_once_with_the_four_topics(db, client, demo_time):
    load()
    first = snapshot()
    load()
    assert snapshot() == first
    calls = {call.edition.year: call for call in Call.objects.select_related("edition")}
    assert sorted(calls) == [2020, 2025, 2026]
    for call in calls.values():
        assert list(call.topics.values_list("title", flat=True)) == [
            "Role and impact",
            "Characteristics and advantages",
            "Vision and recommendations",
            "Good practices showcase",
        ]
    beijing = calls[2020].closes_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert beijing.date() == datetime(2020, 11, 30).date()
    assert calls[2020].state() == "closed"
    current = calls[2026]
    assert current.is_open()
    assert current.closes_at == current.edition.declaration_deadline
    # The sample submissions give the review, the compilation and the showcase content.
    assert Submission.objects.filter(call=current).count() == 3
    page = client.get(reverse("declarations:good_practices", args=[2026]))
    assert "(Sample input)" in page.text
    assert client.get(reverse("declarations:submit")).status_code == 200


def test_demo_calls_state_what_is_on_record_and_mark_their_sample_questions(db, client, demo_time):
    load()
    calls = {call.edition.year: call for call in Call.objects.select_related("edition")}
    for call in calls.values():
        assert "Every conference closes with a declaration" not in call.introduction
    # 2020 asked about the pandemic; the current call asks no 2020 question.
    questions = {
        year: " ".join(call.topics.values_list("guiding_question", flat=True))
        for year, call in calls.items()
    }
    assert "COVID-19" in questions[2020]
    for word in ("COVID", "pandemic", "switch towards online", "moved online"):
        assert word not in questions[2026]
    assert "Sample" not in calls[2020].introduction
    assert "Sample call of this demonstration site" in calls[2026].introduction
    page = client.get(reverse("declarations:submit")).text
    assert "Sample call of this demonstration site" in page
    for submission in Submission.objects.filter(call=calls[2026]):
        assert submission.submitted_at <= timezone.now()
