"""Certificates of attendance: who gets one, what the PDF says in each language, the
number, regeneration, the email, and the holder's download."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from documents import certificates, services
from documents.models import CertificateDesign, Document, DocumentCounter
from gmc.models import OutboxMessage
from registration.models import Registration
from tests.factories import UserFactory
from tests.registration.factories import RegistrationFactory

from .helpers import attended, ended_edition, issued_and_made, pdf_text

# (language, the person's name as they wrote it, words the PDF must hold in that language)
LANGUAGES = [
    ("en", "Amina Otieno", ["Certificate of attendance", "This is to certify that"]),
    ("ar", "ليلى حسن", ["شهادة حضور"]),
    ("zh-hans", "王小明", ["参会证书", "兹证明"]),
    ("vi", "Nguyễn Thị Lan", ["Giấy chứng nhận tham dự", "Chứng nhận"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "name", "words"), LANGUAGES)
def test_the_pdf_is_in_the_holders_language_with_their_name_and_number(language, name, words):
    registration = attended(full_name=name, language=language)
    document = issued_and_made(registration)
    assert document.language == language
    text = pdf_text(document.file.read())
    for expected in [*words, name, document.number, "GMC-2025-C-"]:
        assert expected in text
    # The short verification address is printed, the same in every language.
    assert f"/verify/{document.code}/" in text
    assert f"/{language}/verify/" not in text
    assert document.stated_name == name


@pytest.mark.django_db
def test_the_pdf_states_edition_dates_place_and_hosts_in_english():
    document = issued_and_made(attended(full_name="Amina Otieno"))
    text = pdf_text(document.file.read())
    assert "Global MOOC and Online Education Conference 2025" in text
    assert "2\N{EN DASH}4 December 2025" in text
    assert "UNAM, Mexico City" in text
    assert "Tsinghua University and UNAM" in text


@pytest.mark.django_db
def test_the_organisers_wording_signatories_and_logo_are_printed(private_storage):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    registration = attended(full_name="Amina Otieno", language="es")
    design = CertificateDesign.objects.create(
        edition=registration.edition,
        wording="The programme covered open and intelligent education.",
        wording_es="El programa trató la educación abierta e inteligente.",
    )
    png = io.BytesIO()
    Image.new("RGB", (120, 40), (10, 60, 120)).save(png, format="PNG")
    design.signatories.create(name="Li Luming", title="Chair of GMA", title_es="Presidente de GMA")
    logo = design.logos.create(description="UNAM")
    logo.image.save("logo.png", ContentFile(png.getvalue()))
    document = issued_and_made(registration)
    text = pdf_text(document.file.read())
    assert "El programa trató la educación abierta e inteligente." in text
    assert "Li Luming" in text and "Presidente de GMA" in text
    assert b"/Subtype /Image" in document.file.open("rb").read()


@pytest.mark.django_db
def test_only_people_who_attended_get_one():
    edition = ended_edition()
    came = attended(edition)
    online = RegistrationFactory(edition=edition, attendance=Registration.Attendance.ONLINE)
    absent = RegistrationFactory(edition=edition)
    with pytest.raises(services.DocumentError):
        certificates.issue_certificate(absent.pk, by=None)
    issued = certificates.issue_certificates([came.pk, online.pk, absent.pk], by=None)
    assert [d.registration_id for d in issued] == [came.pk]


@pytest.mark.django_db
def test_online_people_marked_as_joined_get_one(staff_organiser):
    from registration import services as registration_services

    edition = ended_edition()
    online = RegistrationFactory(edition=edition, attendance=Registration.Attendance.ONLINE)
    registration_services.mark_joined(online.pk, by=staff_organiser)
    assert certificates.issue_certificate(online.pk, by=staff_organiser).number


@pytest.mark.django_db
def test_issuing_twice_gives_one_number():
    registration = attended()
    first = certificates.issue_certificate(registration.pk, by=None)
    again = certificates.issue_certificate(registration.pk, by=None)
    assert first.pk == again.pk
    assert DocumentCounter.objects.get(kind="certificate", year=2025).last == 1


@pytest.mark.django_db
def test_a_number_is_never_given_again_after_revoking_or_deleting(staff_organiser):
    edition = ended_edition()
    first = issued_and_made(attended(edition))
    services.revoke_document(first.pk, by=staff_organiser)
    again = certificates.issue_certificate(first.registration_id, by=staff_organiser)
    assert again.pk != first.pk and again.number != first.number
    numbers = {first.number, again.number}
    Document.objects.filter(pk=again.pk).delete()
    third = certificates.issue_certificate(attended(edition).pk, by=None)
    assert third.number not in numbers
    assert third.number == "GMC-2025-C-00003"


@pytest.mark.django_db(transaction=True)
def test_numbers_given_at_the_same_moment_are_all_different():
    """Eight connections ask at once: the counter row's lock orders them."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    barrier, numbers, errors = threading.Barrier(8), [], []

    def take() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(services.allocate_number("certificate", 2099))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 9))


@pytest.mark.django_db
def test_a_name_change_makes_the_pdf_again_with_the_same_number():
    registration = attended(full_name="Amina Otieno")
    document = issued_and_made(registration)
    number, old_file = document.number, document.file.name
    person = registration.attendee
    person.set_name("Amina", "Otieno-Wanjiru")
    person.save()
    result = services.generate_document(document.pk)
    document.refresh_from_db()
    assert result.rendered
    assert document.number == number
    assert document.file.name != old_file
    assert "Amina Otieno-Wanjiru" in pdf_text(document.file.read())
    assert document.stated_name == "Amina Otieno-Wanjiru"


@pytest.mark.django_db
def test_nothing_changed_nothing_is_made_again():
    document = issued_and_made(attended())
    assert services.generate_document(document.pk).rendered is False


@pytest.mark.django_db
def test_a_changed_wording_makes_every_certificate_of_the_edition_again(
    django_capture_on_commit_callbacks,
):
    registration = attended()
    document = issued_and_made(registration)
    with django_capture_on_commit_callbacks() as callbacks:
        CertificateDesign.objects.create(edition=registration.edition, wording="Well done.")
    assert callbacks, "a worker is asked to look at the edition's certificates"
    assert services.generate_document(document.pk).rendered
    document.refresh_from_db()
    assert "Well done." in pdf_text(document.file.read())


@pytest.mark.django_db
def test_the_holder_is_emailed_once_in_their_language():
    registration = attended(language="fr")
    document = issued_and_made(registration)
    registration.attendee.set_name("Nouveau", "Nom")
    registration.attendee.save()
    services.generate_document(document.pk)
    services.generate_document(document.pk)
    messages = OutboxMessage.objects.filter(kind="documents.certificate_ready")
    assert messages.count() == 1
    message = messages.get()
    assert message.to_email == registration.attendee.email
    assert message.language == "fr"
    assert message.context["number"] == document.number
    assert message.context["verify_url"].endswith(f"/verify/{document.code}/")


@pytest.mark.django_db
def test_the_registration_page_links_to_the_download(client):
    registration = attended(full_name="Amina Otieno")
    document = issued_and_made(registration)
    client.force_login(registration.attendee)
    page = client.get(reverse("registration:mine")).content.decode()
    url = reverse("documents:download", args=[2025, "certificate"])
    assert f'href="{url}"' in page
    assert document.number in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))


@pytest.mark.django_db
def test_another_attendee_gets_404_for_the_certificate(client):
    edition = ended_edition()
    issued_and_made(attended(edition, full_name="Amina Otieno"))
    other = attended(edition, full_name="Someone Else")  # attended, no certificate yet
    client.force_login(other.attendee)
    response = client.get(reverse("documents:download", args=[2025, "certificate"]))
    assert response.status_code == 404
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(reverse("documents:download", args=[2025, "certificate"])).status_code == 404


@pytest.mark.django_db
def test_a_revoked_certificate_can_no_longer_be_downloaded(client, staff_organiser):
    registration = attended()
    document = issued_and_made(registration)
    services.revoke_document(document.pk, by=staff_organiser, reason="Issued by mistake")
    client.force_login(registration.attendee)
    url = reverse("documents:download", args=[2025, "certificate"])
    assert client.get(url).status_code == 404
    assert "revoked" in client.get(reverse("registration:mine")).content.decode()


@pytest.mark.django_db
def test_the_download_goes_through_nginx_when_configured(client, settings):
    settings.DECLARATION_X_ACCEL_PREFIX = "/_private/"
    registration = attended()
    document = issued_and_made(registration)
    client.force_login(registration.attendee)
    response = client.get(reverse("documents:download", args=[2025, "certificate"]))
    assert response["X-Accel-Redirect"] == f"/_private/{document.file.name}"
    assert response.content == b""


@pytest.mark.django_db
def test_the_preview_issues_nothing():
    registration = attended(full_name="Amina Otieno")
    data = certificates.sample_pdf(registration)
    assert "Amina Otieno" in pdf_text(data)
    assert not Document.objects.exists()
    assert not DocumentCounter.objects.exists()


@pytest.mark.django_db
def test_a_document_deleted_with_its_account_takes_its_file(
    private_storage, django_capture_on_commit_callbacks
):
    document = issued_and_made(attended())
    path = private_storage / document.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        document.registration.attendee.delete()
    assert not path.exists()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_marking_online_participants_after_the_end(staff_organiser):
    from registration import services as registration_services

    edition = ended_edition()
    online = RegistrationFactory(edition=edition, attendance=Registration.Attendance.ONLINE)
    in_person = RegistrationFactory(edition=edition)
    cancelled = RegistrationFactory(
        edition=edition,
        attendance=Registration.Attendance.ONLINE,
        status=Registration.Status.CANCELLED,
    )
    assert registration_services.mark_online_joined_after_end(edition.pk, by=staff_organiser) == 1
    assert set(Registration.objects.attended().values_list("pk", flat=True)) == {online.pk}
    assert registration_services.mark_online_joined_after_end(edition.pk, by=staff_organiser) == 0
    with pytest.raises(registration_services.RegistrationError):
        registration_services.mark_joined(in_person.pk, by=staff_organiser)
    with pytest.raises(registration_services.RegistrationError):
        registration_services.mark_joined(cancelled.pk, by=staff_organiser)


@pytest.mark.django_db
def test_the_rule_waits_for_the_end_of_the_edition(staff_organiser):
    from registration import services as registration_services
    from tests.factories import EditionFactory

    edition = EditionFactory(start_date=timezone.localdate())
    RegistrationFactory(edition=edition, attendance=Registration.Attendance.ONLINE)
    with pytest.raises(registration_services.RegistrationError):
        registration_services.mark_online_joined_after_end(edition.pk, by=staff_organiser)


@pytest.mark.django_db
def test_a_pdf_whose_task_was_lost_is_made_by_the_beat_job():
    from datetime import timedelta

    from documents import tasks

    document = certificates.issue_certificate(attended().pk, by=None)  # no worker ran
    assert tasks.make_missing() == 0  # just issued: its own task may still come
    Document.objects.filter(pk=document.pk).update(
        issued_at=timezone.now() - timedelta(minutes=10)
    )
    assert tasks.make_missing() == 1
    document.refresh_from_db()
    assert document.file and document.generated_at
    assert tasks.make_missing() == 0
    assert tasks.generate(document.pk) is False  # the worker's task: nothing changed


@pytest.mark.django_db(transaction=True)
def test_two_workers_making_the_same_pdf_at_once_render_and_email_once(private_storage):
    """The task delivered twice, to two workers at the same moment: the row lock orders
    them, the second finds the PDF made, one email is queued and one file is kept."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    document = certificates.issue_certificate(attended().pk, by=None)
    barrier, results, errors = threading.Barrier(2), [], []

    def work() -> None:
        try:
            barrier.wait()
            results.append(services.generate_document(document.pk).rendered)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False, True]
    assert OutboxMessage.objects.filter(kind="documents.certificate_ready").count() == 1
    document.refresh_from_db()
    kept = [p for p in (private_storage / "documents" / "certificate").iterdir()]
    assert [p.name for p in kept] == [document.file.name.rsplit("/", 1)[-1]]


@pytest.mark.django_db
def test_saving_a_person_without_changing_their_name_asks_no_worker(
    django_capture_on_commit_callbacks,
):
    registration = attended()
    issued_and_made(registration)
    person = type(registration.attendee).objects.get(pk=registration.attendee_id)
    with django_capture_on_commit_callbacks() as callbacks:
        person.time_zone = "Asia/Ho_Chi_Minh"
        person.save()
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        person.language = "vi"
        person.save()
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_a_persons_data_export_lists_their_certificates(client):
    registration = attended(full_name="Amina Otieno")
    document = issued_and_made(registration)
    client.force_login(registration.attendee)
    response = client.get(reverse("accounts:download"))
    data = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert data["documents"] == [
        {
            "kind": "certificate",
            "number": document.number,
            "edition": 2025,
            "name": "Amina Otieno",
            "language": document.language,
            "issued_at": document.issued_at.isoformat(),
            "revoked_at": None,
        }
    ]
