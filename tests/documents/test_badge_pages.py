"""The organisers' badge pages: asking for a run, its page without JavaScript, the
download; the registrations list's action and its filtered list; the check-in desk's
button; the role on a registration. Only organisers who may check people in reach any
of it."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs

import pytest
from django.contrib.admin import helpers
from django.test import Client
from django.urls import reverse

from documents.badges import services
from documents.badges.layout import LABEL
from documents.models import BadgePrint
from gmc.models import AuditEntry
from registration.models import Registration
from tests.factories import EditionFactory, UserFactory
from tests.registration.conftest import organiser_permissions
from tests.registration.factories import RegistrationFactory

from .badges import MM, order_in, person, qr_codes_on, reader, staff_with, text_of

BADGES = reverse("documents:badges")
CHANGELIST = reverse("admin:registration_registration_changelist")
ADMIN_BADGES = reverse("admin:registration_registration_badges")
CHECKIN = reverse("registration:checkin")


@pytest.fixture
def edition(db):
    return EditionFactory(is_current=True, title="GMC 2026", city="Hanoi")


@pytest.fixture
def organiser(db):
    """Staff with the registration permissions of the Organisers group."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(organiser_permissions())
    return user


@pytest.fixture
def desk(client, organiser):
    client.force_login(organiser)
    return client


def made(run_id: int) -> BadgePrint:
    """The run after a worker made it."""
    return services.render_badge_print(run_id)


# --- the organisers' page -----------------------------------------------------------------


def test_the_page_asks_for_a_run_and_its_page_checks_again_until_it_is_ready(
    desk, edition, organiser
):
    people = [person(edition, "Given", name) for name in ("Zhang", "Anh", "Moreno")]
    RegistrationFactory(edition=edition, attendance=Registration.Attendance.ONLINE)
    RegistrationFactory(edition=edition, status=Registration.Status.WAITING)
    page = desk.get(BADGES)
    assert page.status_code == 200
    assert page.context["form"]["edition"].value() == edition.year
    response = desk.post(
        BADGES, {"edition": edition.year, "selection": "edition", "paper": "letter"}
    )
    run = BadgePrint.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    # Everyone confirmed in person, and only them.
    assert run.registration_ids == sorted(r.pk for r in people)
    assert (run.paper, run.selection, run.requested_by) == ("letter", "edition", organiser)

    waiting = desk.get(run.get_absolute_url())
    assert waiting.status_code == 200
    # It checks again by itself with JavaScript; without, by a link (no automatic
    # reload, which would take the page away from someone reading it).
    assert 'data-wait-seconds="3"' in waiting.text
    assert "documents/badge-run.js" in waiting.text
    assert 'http-equiv="refresh"' not in waiting.text
    assert f'href="{run.get_absolute_url()}">Check again<' in waiting.text
    assert run.get_download_url() not in waiting.text
    assert desk.get(run.get_download_url()).status_code == 404

    made(run.pk)
    ready = desk.get(run.get_absolute_url())
    assert "data-wait-seconds" not in ready.text
    assert run.get_download_url() in ready.text
    download = desk.get(run.get_download_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= set(download["Cache-Control"].split(", "))
    assert "attachment" in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    assert order_in(text_of(data), ["GivenAnh", "GivenMoreno", "GivenZhang"]) == [
        "GivenAnh",
        "GivenMoreno",
        "GivenZhang",
    ]
    # The edition's page lists the run, ready.
    listed = desk.get(BADGES, {"year": edition.year})
    assert run.get_download_url() in listed.text


def test_only_people_not_yet_checked_in(desk, edition):
    came = person(edition, "Came", "Early")
    Registration.objects.filter(pk=came.pk).update(checked_in_at=edition.registration_opens_at)
    expected = person(edition, "Still", "Expected")
    desk.post(BADGES, {"edition": edition.year, "selection": "not_checked_in", "paper": "a4"})
    assert BadgePrint.objects.get().registration_ids == [expected.pk]


def test_a_refused_run_keeps_what_was_chosen(desk, edition):
    empty = EditionFactory(title="Nobody yet")
    response = desk.post(
        BADGES, {"edition": empty.year, "selection": "edition", "paper": "letter"}
    )
    assert response.status_code == 200
    assert "nobody to print a badge for" in response.text
    form = response.context["form"]
    assert form["paper"].value() == "letter" and str(form["edition"].value()) == str(empty.year)
    bad = desk.post(BADGES, {"edition": edition.year, "selection": "edition", "paper": "A0"})
    assert "Choose a paper from the list." in bad.text
    assert not BadgePrint.objects.exists()


def test_a_failed_or_stalled_run_offers_to_try_again(desk, edition, monkeypatch):
    person(edition, "Lan", "Nguyễn")
    desk.post(BADGES, {"edition": edition.year, "selection": "edition", "paper": "a4"})
    run = BadgePrint.objects.get()
    retry = reverse("documents:badge_print_retry", args=[run.pk])
    assert retry not in desk.get(run.get_absolute_url()).text  # just asked: wait
    BadgePrint.objects.filter(pk=run.pk).update(status=BadgePrint.Status.FAILED, error="x")
    page = desk.get(run.get_absolute_url())
    assert retry in page.text and "could not be made" in page.text
    assert "x" not in page.context["run"].get_status_display()
    response = desk.post(retry)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == BadgePrint.Status.PENDING


# --- who may --------------------------------------------------------------------------------


def test_nobody_but_organisers_who_check_people_in_reaches_badges(client, edition, organiser):
    registration = person(edition, "Lan", "Nguyễn")
    run = made(
        services.request_badge_print(
            Registration.objects.all(), selection="edition", paper="a4", by=organiser
        ).pk
    )
    pages = [
        BADGES,
        run.get_absolute_url(),
        run.get_download_url(),
        reverse("documents:registration_badge", args=[registration.pk]),
    ]
    # Signed out: the sign-in page.
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    # The attendee, even the one on the badge; staff who only read registrations; a
    # non-staff account holding the permission: refused.
    for user in (
        registration.attendee,
        staff_with("registration.view_registration"),
        staff_with("registration.change_registration", is_staff=False),
    ):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 403, (user, url)
        assert client.post(BADGES, {"edition": edition.year, "paper": "a4"}).status_code == 403
        retry = reverse("documents:badge_print_retry", args=[run.pk])
        assert client.post(retry).status_code == 403
    assert BadgePrint.objects.count() == 1


# --- the registrations list -------------------------------------------------------------


def test_the_admin_action_prints_the_chosen_registrations(desk, edition):
    chosen = [person(edition, "Chosen", name) for name in ("Ba", "Aa")]
    person(edition, "Not", "Chosen")
    cancelled = RegistrationFactory(edition=edition, status=Registration.Status.CANCELLED)
    ids = [str(r.pk) for r in [*chosen, cancelled]]
    data = {"action": "print_badges", helpers.ACTION_CHECKBOX_NAME: ids}
    page = desk.post(CHANGELIST, data)
    assert page.status_code == 200
    assert "2 badges, sorted by family name." in page.text
    assert "1 cancelled registration is left out." in page.text
    response = desk.post(CHANGELIST, {**data, "paper": "label", "print": "1"})
    run = BadgePrint.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert run.registration_ids == sorted(r.pk for r in chosen)
    assert (run.selection, run.paper, run.page_count) == ("chosen", "label", 2)


def test_the_admin_action_across_editions_is_refused_on_its_page(desk, edition):
    ids = [
        str(person(edition, "A", "B").pk),
        str(RegistrationFactory(edition=EditionFactory()).pk),
    ]
    data = {"action": "print_badges", helpers.ACTION_CHECKBOX_NAME: ids}
    response = desk.post(CHANGELIST, {**data, "paper": "a4", "print": "1"})
    assert response.status_code == 200
    assert "several editions" in response.text
    assert not BadgePrint.objects.exists()


def test_the_list_as_filtered_and_searched_is_printed(desk, edition):
    wanted = [person(edition, "Wanted", f"Person {i}", country="VN") for i in range(3)]
    person(edition, "Other", "Country", country="MX")
    person(EditionFactory(), "Other", "Edition", country="VN")
    query = f"edition__id__exact={edition.pk}&country=VN&status__exact=confirmed"
    changelist = desk.get(f"{CHANGELIST}?{query}")
    [link] = re.findall(r'href="([^"]+)">Print badges for this list<', changelist.text)
    path, _mark, linked_query = html.unescape(link).partition("?")
    assert path == ADMIN_BADGES and parse_qs(linked_query) == parse_qs(query)
    page = desk.get(f"{ADMIN_BADGES}?{query}")
    assert page.status_code == 200 and "3 badges, sorted by family name." in page.text
    response = desk.post(f"{ADMIN_BADGES}?{query}", {"paper": "a4"})
    run = BadgePrint.objects.get()
    assert response.url == run.get_absolute_url()
    assert run.registration_ids == sorted(r.pk for r in wanted)
    assert (run.selection, run.filter_query) == ("filter", f"?{query}")
    # The run's page links back to the list as it was filtered.
    assert f"{CHANGELIST}?{query}".replace("&", "&amp;") in desk.get(run.get_absolute_url()).text


def test_the_filtered_list_of_several_editions_is_refused(desk, edition):
    person(edition, "A", "B")
    person(EditionFactory(), "C", "D")
    response = desk.post(ADMIN_BADGES, {"paper": "a4"})
    assert response.status_code == 200 and "several editions" in response.text
    assert not BadgePrint.objects.exists()


def test_the_filtered_list_needs_the_change_permission(client, edition):
    client.force_login(staff_with("registration.view_registration"))
    assert client.get(ADMIN_BADGES).status_code == 403
    assert client.post(ADMIN_BADGES, {"paper": "a4"}).status_code == 403


def test_the_role_is_set_in_the_admin_and_logged(desk, edition, organiser):
    registration = person(edition, "Ana", "Reporter")
    url = reverse("admin:registration_registration_change", args=[registration.pk])
    form = desk.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in ("attendance", "interpretation_language", "accessibility_needs")
    }
    data.update(
        {
            "role": "press",
            "dietary_needs": "",
            "answers-TOTAL_FORMS": "0",
            "answers-INITIAL_FORMS": "0",
        }
    )
    response = desk.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    registration.refresh_from_db()
    assert registration.role == Registration.Role.PRESS
    entry = AuditEntry.objects.get(object_id=registration.pk, action="registration.updated")
    assert entry.changes["role"] == {"old": "participant", "new": "press"}


# --- the check-in desk --------------------------------------------------------------------


def test_the_check_in_row_prints_a_late_registrants_badge(desk, edition, settings):
    settings.SITE_URL = "https://gmc.example.org"
    late = person(edition, "Thị Lan", "Nguyễn", "Nguyễn Thị Lan", organisation_name="VNU")
    waiting = RegistrationFactory(edition=edition, status=Registration.Status.WAITING)
    results = desk.get(CHECKIN, {"q": late.ticket_code})
    button = reverse("documents:registration_badge", args=[late.pk])
    assert f'href="{button}"' in results.text
    assert "Print badge" in results.text
    page = desk.get(CHECKIN, {"q": waiting.ticket_code})
    assert reverse("documents:registration_badge", args=[waiting.pk]) not in page.text

    response = desk.get(button)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    document = reader(response.content)
    assert len(document.pages) == 1
    box = document.pages[0].mediabox
    # A 4 x 3 in label: 288 x 216 points.
    assert (round(float(box.width)), round(float(box.height))) == (288, 216)
    assert round(LABEL.page_width * MM) == 288
    assert "NguyễnThịLan" in text_of(response.content)
    assert qr_codes_on(response.content) == [
        f"https://gmc.example.org{CHECKIN}?q={late.ticket_code}"
    ]


def test_no_badge_for_a_cancelled_registration(desk, edition):
    cancelled = RegistrationFactory(edition=edition, status=Registration.Status.CANCELLED)
    url = reverse("documents:registration_badge", args=[cancelled.pk])
    assert desk.get(url).status_code == 404
    assert desk.get(reverse("documents:registration_badge", args=[999999])).status_code == 404


def test_organisers_without_the_check_in_permission_do_not_see_the_button(edition):
    registration = person(edition, "Lan", "Nguyễn")
    client = Client()
    # The check-in page itself asks for the same permission as the badge.
    client.force_login(staff_with("registration.view_registration"))
    assert client.get(CHECKIN, {"q": registration.ticket_code}).status_code == 403
