"""The queue in the admin: every organiser sees it, only the "Visa letters" group sees
the passport details, and every look at them is logged, where nobody can change it."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from documents.visa.models import VisaAccessLog, VisaRequest
from gmc.permissions import ORGANISERS_GROUP, VISA_LETTERS_GROUP

from .conftest import PASSPORT_NUMBER

pytestmark = pytest.mark.django_db

LIST = reverse("admin:documents_visarequest_changelist")
EXPORT = reverse("admin:documents_visarequest_export")
LOG = reverse("admin:documents_visaaccesslog_changelist")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(visa) -> str:
    return reverse("admin:documents_visarequest_change", args=[visa.pk])


def logged(action: str, user=None) -> int:
    entries = VisaAccessLog.objects.filter(action=action)
    if user is not None:
        entries = entries.filter(actor=user)
    return entries.count()


def test_the_ordinary_organisers_group_does_not_hold_the_data_permission(organiser):
    organisers = Group.objects.get(name=ORGANISERS_GROUP)
    visa_letters = Group.objects.get(name=VISA_LETTERS_GROUP)
    assert not organisers.permissions.filter(codename="view_visa_data").exists()
    assert visa_letters.permissions.filter(codename="view_visa_data").exists()
    assert organisers.permissions.filter(codename="view_visarequest").exists()
    assert not organiser.has_perm("documents.view_visa_data")


def test_an_organiser_without_the_permission_sees_the_queue_but_no_passport_detail(
    visa, organiser
):
    client = signed_in(organiser)
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert visa.reference in listing.content.decode()
    page = client.get(change_url(visa))
    assert page.status_code == 200
    for response in (listing, page):
        text = response.content.decode()
        assert PASSPORT_NUMBER not in text
        assert "OTIENO" not in text
        assert "Kenya" not in text
        assert "1984" not in text
    # Not even through the nationality filter, nor the export.
    assert client.get(LIST, {"nationality": "KE"}).status_code in (200, 302)
    assert "Kenya" not in client.get(LIST, {"nationality": "KE"}).content.decode()
    assert client.get(EXPORT).status_code == 403
    assert VisaAccessLog.objects.exclude(action=VisaAccessLog.Action.SUBMITTED).count() == 0


def test_an_organiser_with_the_permission_sees_them_and_each_look_is_logged(visa, visa_officer):
    client = signed_in(visa_officer)
    listing = client.get(LIST)
    assert "AMINA WANJIRU OTIENO" in listing.content.decode()
    assert logged(VisaAccessLog.Action.LISTED, visa_officer) == 1

    page = client.get(change_url(visa))
    assert PASSPORT_NUMBER in page.content.decode()
    assert logged(VisaAccessLog.Action.VIEWED, visa_officer) == 1

    filtered = client.get(LIST, {"nationality": "KE"})
    assert visa.reference in filtered.content.decode()
    assert visa.reference not in client.get(LIST, {"nationality": "FR"}).content.decode()

    export = client.get(EXPORT)
    assert export.status_code == 200
    assert PASSPORT_NUMBER in export.content.decode()
    assert logged(VisaAccessLog.Action.EXPORTED, visa_officer) == 1
    entry = VisaAccessLog.objects.filter(action=VisaAccessLog.Action.EXPORTED).get()
    assert entry.request_id == visa.pk
    assert entry.actor_name == str(visa_officer)


def test_the_log_is_read_only_for_everyone_and_hidden_from_ordinary_organisers(
    visa, organiser, visa_officer, django_user_model
):
    entry = VisaAccessLog.objects.get()
    superuser = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    assert signed_in(organiser).get(LOG).status_code == 403
    for person in (visa_officer, superuser):
        client = signed_in(person)
        assert client.get(LOG).status_code == 200
        change = reverse("admin:documents_visaaccesslog_change", args=[entry.pk])
        client.post(change, {"note": "rewritten", "action": "erased"})
        delete = reverse("admin:documents_visaaccesslog_delete", args=[entry.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert client.get(reverse("admin:documents_visaaccesslog_add")).status_code == 403
    entry.refresh_from_db()
    assert (entry.note, entry.action) == ("", VisaAccessLog.Action.SUBMITTED)
    assert VisaAccessLog.objects.filter(pk=entry.pk).exists()


def test_approving_and_declining_from_the_admin(visa, visa_officer, registration):
    client = signed_in(visa_officer)
    # Declining without a note is refused: the person must be told why.
    asked = client.post(
        LIST,
        {"action": "decline_selected", "_selected_action": [visa.pk], "confirm": "1",
         "decision": "decline", "note": ""},
    )  # fmt: skip
    assert asked.status_code == 200
    assert "Say why the request is declined" in asked.content.decode()
    assert VisaRequest.objects.get(pk=visa.pk).status == VisaRequest.Status.PENDING

    client.post(
        LIST,
        {"action": "approve_selected", "_selected_action": [visa.pk], "confirm": "1",
         "decision": "approve", "note": ""},
    )  # fmt: skip
    approved = VisaRequest.objects.get(pk=visa.pk)
    assert approved.status == VisaRequest.Status.APPROVED
    assert approved.letter.number.startswith(f"GMC-{registration.edition.year}-V-")
    assert logged(VisaAccessLog.Action.APPROVED, visa_officer) == 1


def test_an_ordinary_organiser_cannot_decide(visa, organiser):
    signed_in(organiser).post(
        LIST,
        {"action": "approve_selected", "_selected_action": [visa.pk], "confirm": "1",
         "decision": "approve", "note": ""},
    )  # fmt: skip
    assert VisaRequest.objects.get(pk=visa.pk).status == VisaRequest.Status.PENDING


def test_the_admin_history_names_changed_fields_never_their_values(visa, visa_officer):
    client = signed_in(visa_officer)
    data = {
        "passport_name": "AMINA W. OTIENO",
        "nationality": "KE",
        "passport_number": "K7Q4812210",
        "date_of_birth": "1984-07-19",
        "purpose": visa.purpose,
    }
    response = client.post(change_url(visa), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert VisaRequest.objects.get(pk=visa.pk).passport_number == "K7Q4812210"
    from django.contrib.admin.models import LogEntry

    message = LogEntry.objects.get(object_id=str(visa.pk)).get_change_message()
    assert "K7Q4812210" not in message and PASSPORT_NUMBER not in message
    assert logged(VisaAccessLog.Action.CHANGED, visa_officer) == 1
