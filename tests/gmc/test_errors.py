"""Every app refuses a move with the one shape of error, ``gmc.errors.RefusedMove``: a
message for the person, a stable code, the form field it concerns; and the admin shows
each app's refusals the same way."""

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile

from agenda import services as agenda_services
from declarations import files
from declarations import services as declaration_services
from gmc import services as gmc_services
from gmc.errors import RefusedMove
from registration import services as registration_services
from registration.accounts import services as account_services
from registration.models import Registration
from tests.agenda.factories import RoomFactory, SessionFactory, local
from tests.declarations.factories import call_with_topics
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory


def refused_registration():
    waiting = RegistrationFactory(status=Registration.Status.WAITING, confirmed_at=None)
    registration_services.resend_confirmation(waiting.pk, by=None)


def refused_account():
    account_services.update_profile(UserFactory().pk, time_zone="Mars/Olympus_Mons")


def refused_declaration():
    call = call_with_topics()
    declaration_services.save_draft(call.pk, contributor=UserFactory(), answers={})


def refused_upload():
    files.check_upload(SimpleUploadedFile("report.pdf", b"not a PDF at all"))


def refused_agenda_change():
    agenda_services.shift_sessions([SessionFactory().pk], 0, by=None)


def refused_edition_change():
    gmc_services.make_current_edition(EditionFactory(is_published=False).pk)


REFUSALS = {
    "registration": (refused_registration, registration_services.RegistrationError),
    "account": (refused_account, account_services.AccountError),
    "declaration": (refused_declaration, declaration_services.DeclarationError),
    "upload": (refused_upload, files.UploadRefused),
    "agenda": (refused_agenda_change, agenda_services.AgendaError),
    "edition": (refused_edition_change, gmc_services.EditionError),
}


@pytest.mark.parametrize("app", REFUSALS)
def test_each_apps_refusal_is_a_refused_move_with_code_and_message(db, app):
    refuse, error_class = REFUSALS[app]
    with pytest.raises(RefusedMove) as caught:
        refuse()
    error = caught.value
    assert type(error) is error_class
    assert error.code == error_class.code
    assert error.code != RefusedMove.code
    assert error.message and str(error) == error.message
    assert hasattr(error, "field")


def test_every_app_error_has_a_code_of_its_own():
    codes = [error_class.code for _refuse, error_class in REFUSALS.values()]
    assert len(set(codes)) == len(codes)


def test_a_raise_may_name_a_narrower_code_and_a_field():
    error = registration_services.RegistrationError("No.", code="registration.full", field="x")
    assert (error.code, error.field, error.message) == ("registration.full", "x", "No.")
    assert registration_services.RegistrationError.code == "registration.refused"


def shown(response) -> list[tuple[int, str]]:
    """The messages of the page the admin went back to."""
    return [(m.level, m.message) for m in response.context["messages"]]


def test_the_admin_shows_each_apps_refusals_as_errors_with_their_message(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    hidden = EditionFactory(is_published=False)
    response = client.post(
        "/admin/gmc/edition/",
        {"action": "make_current", "_selected_action": [hidden.pk]},
        follow=True,
    )
    assert shown(response) == [
        (messages.ERROR, "Publish the edition before making it the current one.")
    ]

    edition = EditionFactory()
    room = RoomFactory(edition=edition, name="Main hall")
    first = SessionFactory(
        edition=edition, room=room, starts_at=local(edition, 0, 9), ends_at=local(edition, 0, 10)
    )
    SessionFactory(edition=edition, room=room, starts_at=local(edition, 0, 10))
    response = client.post(
        "/admin/agenda/session/",
        {"action": "shift_selected", "_selected_action": [first.pk], "apply": "1",
         "minutes": "30"},
        follow=True,
    )  # fmt: skip
    [(level, text)] = shown(response)
    assert level == messages.ERROR
    assert text.startswith("Nothing was moved: ") and "Main hall is taken" in text

    waiting = RegistrationFactory(
        status=Registration.Status.WAITING,
        confirmed_at=None,
        attendee=UserFactory(full_name="Ana Lima"),
    )
    response = client.post(
        "/admin/registration/registration/",
        {"action": "resend_selected", "_selected_action": [waiting.pk]},
        follow=True,
    )
    assert shown(response) == [
        (
            messages.ERROR,
            "Ana Lima: Only a confirmed registration has a confirmation to resend.",
        )
    ]
