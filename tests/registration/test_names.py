"""People's names, asked when registering and shown wherever a name belongs: never the
email address."""

import csv
import datetime
import io
import re

from django.urls import reverse
from django.utils import timezone

from gmc.models import User
from registration.models import Registration
from tests.admin_forms import admin_form_data
from tests.declarations.factories import answered, call_with_topics
from tests.factories import UserFactory

from .helpers import deliver_pending

REGISTER = reverse("registration:register")
EMAIL = "diego.ramirez@example.mx"


def registration_data(edition, **overrides):
    data = {
        "edition": edition.pk,
        "attendance": "in_person",
        "consent": "on",
        "given_name": "Diego",
        "family_name": "Ramírez Ortega",
        "badge_name": "",
        "organisation_name": "UNAM",
        "country": "MX",
    }
    data.update(overrides)
    return data


def test_a_person_without_a_profile_name_is_named_everywhere_after_registering(
    client, edition, staff_organiser, mailoutbox
):
    person = UserFactory(email=EMAIL, full_name="")
    client.force_login(person)
    response = client.post(REGISTER, registration_data(edition))
    assert response.status_code == 302

    person.refresh_from_db()
    assert (person.given_name, person.family_name, person.full_name) == (
        "Diego",
        "Ramírez Ortega",
        "Diego Ramírez Ortega",
    )
    assert (person.organisation_name, person.country.code) == ("UNAM", "MX")
    registration = Registration.objects.get(attendee=person)

    # The ticket
    ticket = client.get(reverse("registration:ticket", args=[registration.ticket_code]))
    article = re.search(r"<article class=\"ticket\".*</article>", ticket.text, re.S).group(0)
    assert '<dd class="ticket-name">Diego Ramírez Ortega</dd>' in article
    assert "UNAM" in article
    assert EMAIL not in article

    # The confirmation email greets by name
    deliver_pending()
    [confirmation] = mailoutbox
    assert confirmation.to == [EMAIL]
    assert "Dear Diego Ramírez Ortega," in confirmation.body
    html = confirmation.alternatives[0][0]
    assert "Dear Diego Ramírez Ortega," in html
    assert EMAIL not in confirmation.body and EMAIL not in html

    # The organisers' list and export
    client.force_login(staff_organiser)
    changelist = client.get(reverse("admin:registration_registration_changelist")).text
    [name_cell] = re.findall(r'class="field-attendee_name">(.*?)</t[hd]>', changelist, re.S)
    assert "Diego Ramírez Ortega" in name_cell and EMAIL not in name_cell
    export = client.get(reverse("admin:registration_registration_export", args=["csv"]))
    header, row = csv.reader(io.StringIO(export.content.decode("utf-8-sig")))
    named = dict(zip(header, row, strict=True))
    assert named["Name"] == "Diego Ramírez Ortega"
    assert named["Given name(s)"] == "Diego"
    assert named["Family name"] == "Ramírez Ortega"
    assert named["Name on the ticket"] == ""
    assert named["Email"] == EMAIL  # in its own column, and only there
    assert [column for column, value in named.items() if value == EMAIL] == ["Email"]


def test_the_published_compilation_quotes_by_the_name_given_at_registration(client, edition):
    call = call_with_topics(edition=edition)
    person = UserFactory(email=EMAIL, full_name="")
    client.force_login(person)
    client.post(REGISTER, registration_data(edition, badge_name="Diego R."))
    answered(call, text="Named words", contributor=person, status="included")
    reviewer = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(reviewer)
    for name in ("compilation", "export"):
        args = [edition.year] if name == "compilation" else [edition.year, "md"]
        text = client.get(reverse(f"declarations:{name}", args=args)).content.decode()
        assert "Named words" in text
        assert "Diego R." in text
        assert EMAIL not in text
    admin_list = client.get(reverse("admin:declarations_submission_changelist")).text
    assert "Diego R." in admin_list and EMAIL not in admin_list


def test_a_name_is_required_but_one_name_is_enough(client, edition):
    person = UserFactory(full_name="")
    client.force_login(person)
    response = client.post(REGISTER, registration_data(edition, given_name="", family_name=" "))
    assert response.status_code == 200
    assert "Please give your name" in response.text
    assert not Registration.objects.filter(attendee=person).exists()

    response = client.post(REGISTER, registration_data(edition, given_name="", family_name="Ali"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.display_name == "Ali"


def test_the_form_starts_from_the_profile_and_a_refusal_saves_nothing(client, edition):
    person = UserFactory(full_name="", organisation_name="Universidad de Chile", country="CL")
    person.set_name("Nguyễn Thị", "Lan")
    person.save()
    client.force_login(person)
    page = client.get(REGISTER).text
    assert 'value="Nguyễn Thị"' in page and 'value="Lan"' in page
    assert 'value="Universidad de Chile"' in page
    assert '<option value="CL" selected>' in page

    # A registration the service refuses (the window closed while the form was open)
    # leaves the profile as it was.
    edition.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    edition.save()
    response = client.post(REGISTER, registration_data(edition, given_name="Changed"))
    assert "Registration for this edition is closed" in response.text
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.given_name == "Nguyễn Thị"


def test_the_edit_page_changes_the_name_too(client, edition):
    person = UserFactory(full_name="")
    client.force_login(person)
    client.post(REGISTER, registration_data(edition))
    url = reverse("registration:edit", args=[edition.year])
    assert 'value="Ramírez Ortega"' in client.get(url).text
    response = client.post(url, registration_data(edition, given_name="Diego Armando"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Diego Armando Ramírez Ortega"


def test_the_profile_edits_the_name_in_parts_and_promises_no_printed_badge(client, db):
    person = UserFactory(full_name="")
    client.force_login(person)
    url = reverse("accounts:profile")
    page = client.get(url).text
    assert 'name="given_name"' in page and 'name="family_name"' in page
    assert 'name="badge_name"' in page and 'name="full_name"' not in page
    assert "printed" not in page and "your badge" not in page
    assert "Shown on your ticket and in lists" in page
    response = client.post(
        url, {"given_name": "Thị Lan", "family_name": "Nguyễn", "badge_name": "Lan Nguyễn"}
    )
    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    assert (person.given_name, person.family_name, person.badge_name) == (
        "Thị Lan",
        "Nguyễn",
        "Lan Nguyễn",
    )
    assert person.display_name == "Lan Nguyễn"


def test_organisers_edit_the_name_in_parts_in_the_user_admin(client, organiser):
    person = UserFactory(full_name="Written In One Piece")
    client.force_login(organiser)
    url = reverse("admin:gmc_user_change", args=[person.pk])
    page = client.get(url)
    data = admin_form_data(page)
    # Saving other fields keeps a name written in one piece.
    response = client.post(url, {**data, "job_title": "Dean"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.job_title) == ("Written In One Piece", "Dean")
    # Editing the parts derives the full name from them.
    data = admin_form_data(client.get(url))
    response = client.post(url, {**data, "given_name": "Thị Lan", "family_name": "Nguyễn"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Thị Lan Nguyễn"
