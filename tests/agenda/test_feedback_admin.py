"""What organisers read of session feedback: the list (with authors), the summaries per
session and per kind, the CSV exports; and that nothing a speaker may be shown names
who wrote what."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from agenda import selectors, services
from agenda.models import Feedback, Session
from tests.agenda.factories import SessionFactory, local
from tests.factories import UserFactory
from tests.registration.factories import RegistrationFactory


def rate(session: Session, rating: int, comment: str = "", **person) -> Feedback:
    author = UserFactory(**person)
    RegistrationFactory(edition=session.edition, attendee=author)
    return services.give_feedback(
        session.pk,
        by=author,
        rating=rating,
        comment=comment,
        now=session.ends_at + timedelta(hours=1),
    )


@pytest.fixture
def rated(edition):
    """Two plenaries and a keynote of one edition, rated by five people."""
    first = SessionFactory(
        edition=edition, kind=Session.Kind.PLENARY, title="Plenary A",
        starts_at=local(edition, 0, 9),
    )  # fmt: skip
    second = SessionFactory(
        edition=edition, kind=Session.Kind.PLENARY, title="Plenary B",
        starts_at=local(edition, 0, 11),
    )  # fmt: skip
    keynote = SessionFactory(
        edition=edition, kind=Session.Kind.KEYNOTE, title="The keynote",
        starts_at=local(edition, 1, 9),
    )  # fmt: skip
    rate(first, 5, "Inspiring.", full_name="Ana Authorname", email="ana@example.org")
    rate(first, 4, "Good pace.", full_name="Bo Writer", email="bo@example.org")
    rate(second, 2, full_name="Cy Critic", email="cy@example.org")
    rate(keynote, 3, '=HYPERLINK("https://evil.example","x")', full_name="Di Doer")
    rate(keynote, 5, "+1 from me", full_name="Ed Eager")
    return first, second, keynote


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_figures_per_session_and_per_kind(rated, edition):
    first, second, keynote = rated
    feedback = Feedback.objects.filter(session__edition=edition)
    by_session = {row.session: row.figures for row in selectors.feedback_by_session(feedback)}
    assert by_session[first].count == 2 and by_session[first].average == 4.5
    assert by_session[first].distribution == (0, 0, 0, 1, 1)
    assert by_session[second].count == 1 and by_session[second].average == 2
    assert by_session[keynote].average == 4
    by_kind = {row.kind: row for row in selectors.feedback_by_kind(feedback)}
    assert by_kind["plenary"].sessions == 2 and by_kind["plenary"].figures.count == 3
    assert by_kind["plenary"].figures.average == pytest.approx(11 / 3)
    assert by_kind["keynote"].sessions == 1 and by_kind["keynote"].figures.count == 2
    assert set(by_kind) == {"plenary", "keynote"}


def test_the_summary_page_shows_averages_and_counts(client, staff_organiser, rated, edition):
    client.force_login(staff_organiser)
    html = client.get(reverse("admin:agenda_feedback_summary")).content.decode()
    assert "Per kind of session" in html and "Per session" in html
    assert "Plenary A" in html and "4.50" in html and "3.67" in html
    first = rated[0]
    assert reverse("admin:agenda_feedback_session", args=[first.pk]) in html


def test_the_list_shows_authors_to_organisers_and_nobody_changes_feedback(
    client, staff_organiser, rated
):
    client.force_login(staff_organiser)
    html = client.get(reverse("admin:agenda_feedback_changelist")).content.decode()
    assert "Ana Authorname" in html and "Inspiring." in html
    feedback = Feedback.objects.get(comment="Inspiring.")
    change = client.get(reverse("admin:agenda_feedback_change", args=[feedback.pk]))
    assert change.status_code == 200 and b'name="rating"' not in change.content
    assert client.get(reverse("admin:agenda_feedback_add")).status_code == 403
    response = client.post(
        reverse("admin:agenda_feedback_change", args=[feedback.pk]),
        {"rating": "1", "comment": "Rewritten"},
    )
    assert response.status_code == 403
    feedback.refresh_from_db()
    assert (feedback.rating, feedback.comment) == (5, "Inspiring.")


def test_exports_are_in_the_organisers_language_and_safe(client, staff_organiser, rated, edition):
    staff_organiser.language = "fr"
    staff_organiser.save(update_fields=["language"])
    client.force_login(staff_organiser)
    rows = csv_rows(client.get(reverse("admin:agenda_feedback_export")))
    assert rows[0][0] == "Édition"
    comments = [row[5] for row in rows[1:]]
    # A formula typed as a comment is written as text a spreadsheet will not run.
    assert '\'=HYPERLINK("https://evil.example","x")' in comments
    assert "'+1 from me" in comments
    assert "Inspiring." in comments
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    url = reverse("admin:agenda_feedback_summary_export", args=["session"])
    summary = csv_rows(client.get(url, {"edition": edition.pk}))
    assert summary[0][0] == "Édition"
    by_title = {row[1]: row for row in summary[1:]}
    # Ratings, the average written the French way, then how many gave 5, 4, 3, 2, 1.
    assert by_title["Plenary A"][4:] == ["2", "4,50", "1", "1", "0", "0", "0"]
    kinds = csv_rows(
        client.get(
            reverse("admin:agenda_feedback_summary_export", args=["kind"]), {"edition": edition.pk}
        )
    )
    assert {row[0] for row in kinds[1:]} == {"Séance plénière", "Conférence principale"}


def test_the_export_follows_the_lists_filters(client, staff_organiser, rated):
    client.force_login(staff_organiser)
    url = reverse("admin:agenda_feedback_export") + "?session__kind__exact=keynote"
    rows = csv_rows(client.get(url))
    assert {row[1] for row in rows[1:]} == {"The keynote"}


AUTHORS = ["Ana Authorname", "Bo Writer", "Cy Critic", "Di Doer", "Ed Eager", "@example.org"]


def test_nothing_a_speaker_can_be_shown_names_an_author(client, staff_organiser, rated, edition):
    """The per-session page is the speakers' copy; the summary and exports may be passed
    on too. None of them holds a name or an address of those who wrote."""
    client.force_login(staff_organiser)
    first, _second, keynote = rated
    shown = [
        client.get(reverse("admin:agenda_feedback_session", args=[first.pk])),
        client.get(reverse("admin:agenda_feedback_session", args=[keynote.pk])),
        client.get(reverse("admin:agenda_feedback_summary"), {"edition": edition.pk}),
        client.get(reverse("admin:agenda_feedback_export")),
        client.get(
            reverse("admin:agenda_feedback_summary_export", args=["session"]),
            {"edition": edition.pk},
        ),
    ]
    copy = shown[0].content.decode()
    assert "Inspiring." in copy and "Good pace." in copy
    # Alphabetical, so the order does not tell who came first.
    assert copy.index("Good pace.") < copy.index("Inspiring.")
    for response in shown:
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        for author in AUTHORS:
            assert author not in text, (response.request["PATH_INFO"], author)


def test_a_speaker_has_no_way_to_the_feedback_itself(rated):
    """A speaker with an account (even one who attended) is no organiser: every feedback
    page of the admin sends them to sign in as staff."""
    speaker = UserFactory(full_name="Speaker Person")
    RegistrationFactory(edition=rated[0].edition, attendee=speaker)
    client = Client()
    client.force_login(speaker)
    feedback = Feedback.objects.first()
    for url in [
        reverse("admin:agenda_feedback_changelist"),
        reverse("admin:agenda_feedback_change", args=[feedback.pk]),
        reverse("admin:agenda_feedback_summary"),
        reverse("admin:agenda_feedback_session", args=[rated[0].pk]),
        reverse("admin:agenda_feedback_export"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
