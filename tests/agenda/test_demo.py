"""The demo programme, read the way visitors read it."""

import io
import re

import pytest
from django.core.management import call_command

from agenda.models import Room, Session, SessionSpeaker, Speaker


def session_time(html: str, slug: str) -> str:
    match = re.search(
        rf'id="session-{slug}">\s*<p class="session-time mb-0"><time datetime="([^"]+)">'
        rf"(\d\d:\d\d)</time>",
        html,
    )
    assert match, f"{slug} not on the page"
    return match.group(2), match.group(1)


def test_2025_opening_is_at_0920_mexico_city_time(client, demo):
    html = client.get("/agenda/2025/").content.decode()
    assert session_time(html, "2025-opening-ceremony") == ("09:20", "2025-12-03T09:20:00-06:00")
    assert session_time(html, "2025-opening-video")[0] == "09:20"
    assert session_time(html, "2025-gma-awards")[0] == "12:20"
    assert session_time(html, "2025-plenary-1")[0] == "14:00"
    assert session_time(html, "2025-plenary-3")[0] == "09:30"
    assert "<strong>Mexico City time (UTC-6)</strong>, the event" in html
    assert "Wednesday 3 December 2025" in html
    assert "Thursday 4 December 2025" in html


@pytest.mark.parametrize(
    ("zone", "expected", "iso"),
    [
        ("Europe/Madrid", "16:20", "2025-12-03T16:20:00+01:00"),
        ("Asia/Shanghai", "23:20", "2025-12-03T23:20:00+08:00"),
    ],
)
def test_2025_opening_converted_for_tz_parameter(client, demo, zone, expected, iso):
    html = client.get("/agenda/2025/", {"tz": zone}).content.decode()
    assert session_time(html, "2025-opening-ceremony") == (expected, iso)
    label = {"Europe/Madrid": "Madrid time (UTC+1)", "Asia/Shanghai": "Beijing time (UTC+8)"}
    assert f"<strong>{label[zone]}</strong>" in html


def test_date_shifts_with_the_zone(client, demo):
    """Plenary 1 starts at 14:00 on 3 December in Mexico City: 04:00 on 4 December in
    Shanghai, so it is listed under that day."""
    html = client.get("/agenda/2025/", {"tz": "Asia/Shanghai"}).content.decode()
    assert session_time(html, "2025-plenary-1") == ("04:00", "2025-12-04T04:00:00+08:00")
    day_4 = html.index("Thursday 4 December 2025")
    assert html.index('id="session-2025-plenary-1"') > day_4
    assert html.index('id="session-2025-opening-ceremony"') < day_4


def test_2020_conference_at_2000_beijing_is_0600_in_mexico_city(client, demo):
    html = client.get("/agenda/2020/").content.decode()
    assert session_time(html, "2020-global-mooc-conference")[0] == "20:00"
    assert "Friday 11 December 2020" in html
    html = client.get("/agenda/2020/", {"tz": "America/Mexico_City"}).content.decode()
    assert session_time(html, "2020-global-mooc-conference") == (
        "06:00",
        "2020-12-11T06:00:00-06:00",
    )
    assert "Friday 11 December 2020" in html


def test_agenda_shows_the_current_2026_programme_as_samples(client, demo):
    response = client.get("/agenda/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Programme 2026" in html
    assert "provisional" in html
    assert "Hanoi time (UTC+7)" in html
    assert "Welcome (sample)" in html and "Sample session A" in html
    assert "2025-plenary-1" not in html
    assert session_time(html, "2026-sample-welcome")[0] == "10:00"


def test_2026_programme_is_no_copy_of_2025_and_every_session_says_sample(client, demo):
    sessions = Session.objects.filter(edition__year=2026)
    assert sessions.exists()
    for session in sessions:
        assert "sample" in session.title.lower(), session.title
        assert "has not been announced" in session.description
    assert set(sessions.values_list("room__name", flat=True)) == {
        "Sample room A",
        "Sample room B",
    }

    def shape(year):
        return {
            (s.title.lower(), s.starts_at.astimezone(s.edition.tz).time())
            for s in Session.objects.filter(edition__year=year).select_related("edition")
        }

    assert not shape(2026) & shape(2025)
    html = client.get("/agenda/session/2026-sample-session-a/").content.decode()
    assert "A sample session of this demonstration site" in html


def test_2025_sessions_have_no_room_the_record_does_not_give(client, demo):
    assert not Session.objects.filter(edition__year=2025).exclude(room=None).exists()
    assert not Room.objects.filter(name__in=["Main hall", "Parallel room"]).exists()
    html = client.get("/agenda/2025/").content.decode()
    assert "Main hall" not in html and "Parallel room" not in html


def test_2025_programme_matches_the_record(demo):
    opening = Session.objects.get(slug="2025-opening-ceremony")
    assert opening.children.count() == 12
    assert list(
        Session.objects.filter(edition__year=2025, kind=Session.Kind.PLENARY)
        .order_by("plenary_number")
        .values_list("plenary_number", "theme")
    ) == [
        (1, "Pedagogical Innovation, Educator Empowerment, and Emerging Learning Models"),
        (2, "Global Knowledge Ecosystems, Academic Cooperation, and Industry Synergy"),
        (3, "Ethics, Governance, and Trust in AI-Empowered Education"),
        (4, "Quality, Equity, and Inclusive Access in the Digital Era"),
    ]
    one, two = Session.objects.filter(plenary_number__in=[1, 2], edition__year=2025)
    assert one.starts_at == two.starts_at and one.room_id is None is two.room_id
    giannini = SessionSpeaker.objects.get(speaker__slug="stefania-giannini")
    assert giannini.role == SessionSpeaker.Role.VIDEO_MESSAGE
    assert giannini.session.slug == "2025-opening-remarks"
    assert set(
        SessionSpeaker.objects.filter(session__slug="2025-report-release").values_list(
            "speaker__name", flat=True
        )
    ) == {"Li Luming", "Patricia Dávila Aranda", "Asha Kanwar", "Anabel de la Rosa Gómez"}
    assert Speaker.objects.filter(slug="peng-gang").exists()
    # The 2026 samples invent no theme and no speaker.
    assert not Session.objects.filter(edition__year=2026).exclude(theme="").exists()
    assert not SessionSpeaker.objects.filter(session__edition__year=2026).exists()


def test_loading_the_demo_twice_changes_nothing(demo):
    before = list(
        Session.objects.order_by("slug").values_list(
            "slug", "starts_at", "ends_at", "room__name", "parent__slug", "sequence"
        )
    )
    counts = (Speaker.objects.count(), SessionSpeaker.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    after = list(
        Session.objects.order_by("slug").values_list(
            "slug", "starts_at", "ends_at", "room__name", "parent__slug", "sequence"
        )
    )
    assert after == before
    assert (Speaker.objects.count(), SessionSpeaker.objects.count()) == counts


def test_speaker_pages_from_the_demo(client, demo):
    html = client.get("/speakers/").content.decode()
    assert "Li Luming" in html and "Stefania Giannini" in html
    # On record, but on no public session.
    assert "Peng Gang" not in html
    assert client.get("/speakers/peng-gang/").status_code == 404
    html = client.get("/speakers/stefania-giannini/").content.decode()
    assert "Opening Remarks" in html and "(video message)" in html
    assert '3 December 2025, <time datetime="2025-12-03T09:40:00-06:00">09:40</time>' in html
    assert "Mexico City time (UTC-6)" in html


@pytest.mark.usefixtures("language_formats", "english_afterwards")
def test_the_2025_programme_can_be_filtered_and_searched_in_its_languages(client, demo):
    """The plenaries are written in Spanish, Arabic and Vietnamese too: each language's
    page finds them by its own words, without their accents or vowel marks."""

    def found(path, **query):
        html = client.get(path, query).content.decode()
        return re.findall(r'<li class="session [^"]*" id="session-([^"]+)"', html)

    assert found("/agenda/2025/", kind="plenary") == [f"2025-plenary-{n}" for n in range(1, 5)]
    assert found("/agenda/2025/", q="davila") == ["2025-opening-remarks", "2025-report-release"]
    assert found("/es/agenda/2025/", q="etica gobernanza") == ["2025-plenary-3"]
    assert found("/es/agenda/2025/", q="ceremonia de apertura") == ["2025-opening-ceremony"]
    assert found("/vi/agenda/2025/", q="dao duc") == ["2025-plenary-3"]
    assert found("/ar/agenda/2025/", q="المعزز بالذكاء") == ["2025-plenary-3"]
    html = client.get("/es/agenda/2025/").content.decode()
    themes = re.search(r'<select name="theme".*?</select>', html, re.S).group(0)
    assert "Ética, gobernanza y confianza" in themes
    assert 'value="ethics-governance-and-trust-in-ai-empowered-education"' in themes


def test_2025_has_sample_recordings_slides_and_feedback_from_its_attendees(client, demo):
    """What the 2025 sessions left behind: each a sample, each by the rules organisers and
    attendees are held to."""
    from agenda.models import Feedback, Material, Recording
    from registration.models import Registration

    opening = Session.objects.get(slug="2025-opening-ceremony")
    languages = set(opening.recordings.values_list("language", flat=True))
    assert languages == {"en", "es", "zh-hans"}
    for recording in Recording.objects.select_related("session__edition"):
        recording.full_clean()
        assert recording.url.startswith("https://video.example.org/sample/")
    assert Recording.objects.filter(visibility="registered").exists()
    slides = Material.objects.get()
    assert slides.title.startswith("Sample") and slides.file.read().startswith(b"%PDF-1.4")
    feedback = Feedback.objects.select_related("session")
    assert feedback.count() >= 8
    for item in feedback:
        assert item.session.edition.year == 2025 and item.created_at > item.session.ends_at
        assert Registration.objects.filter(
            edition=item.session.edition, attendee=item.author, status="confirmed"
        ).exists()
    page = client.get(opening.get_absolute_url()).content.decode()
    assert "https://video.example.org/sample/gmc-2025-opening-ceremony-en" in page
    assert "gmc-2025-opening-ceremony-zh" not in page
    edition_page = client.get("/editions/2025/").content.decode()
    assert 'id="recordings"' in edition_page
    assert "/agenda/session/2025-plenary-3/#recordings" in edition_page
    # Loading again changes nothing, and keeps the one slides file.
    before = (
        sorted(Feedback.objects.values_list("session__slug", "author__email", "rating")),
        sorted(Recording.objects.values_list("session__slug", "language", "url")),
        slides.file.name,
    )
    call_command("load_demo", stdout=io.StringIO())
    after = (
        sorted(Feedback.objects.values_list("session__slug", "author__email", "rating")),
        sorted(Recording.objects.values_list("session__slug", "language", "url")),
        Material.objects.get().file.name,
    )
    assert after == before
