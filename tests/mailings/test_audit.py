"""Organisers' moves on messages and on the wording of emails leave one audit entry each
(who, what, which object, the changed fields); a refused or empty move leaves none."""

from django.urls import reverse

from gmc.models import AuditEntry
from mailings import services
from mailings.models import Broadcast, EmailTemplate
from tests.admin_forms import admin_form_data
from tests.factories import EditionFactory
from tests.registration.factories import RegistrationFactory


def a_draft(**fields) -> Broadcast:
    return Broadcast.objects.create(
        edition=EditionFactory(), subject="Programme update", body="Words.", **fields
    )


def test_changing_a_draft_leaves_one_entry_with_the_changed_fields(staff_organiser):
    broadcast = a_draft()
    services.update_draft(
        broadcast.pk, changes={"subject": "New subject", "body": "Words."}, by=staff_organiser
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_id) == (
        "broadcast.changed",
        staff_organiser,
        str(broadcast.pk),
    )
    assert entry.changes == {"subject": {"old": "Programme update", "new": "New subject"}}


def test_a_draft_saved_unchanged_leaves_no_entry(staff_organiser):
    broadcast = a_draft()
    unchanged = {"subject": "Programme update"}
    services.update_draft(broadcast.pk, changes=unchanged, by=staff_organiser)
    assert not AuditEntry.objects.exists()


def test_a_refused_change_leaves_no_entry(staff_organiser):
    broadcast = a_draft(status=Broadcast.Status.QUEUED)
    try:
        services.update_draft(broadcast.pk, changes={"subject": "Late"}, by=staff_organiser)
    except services.MessagingError as refused:
        assert refused.code == "mailings.refused"
    else:
        raise AssertionError("a queued message was changed")
    assert not AuditEntry.objects.exists()


def test_sending_a_message_is_logged_once_with_its_recipients(client, staff_organiser):
    broadcast = a_draft()
    RegistrationFactory.create_batch(2, edition=broadcast.edition)
    client.force_login(staff_organiser)
    url = reverse("mailings:message_send", args=[broadcast.pk])
    client.post(url, {"confirm": "on"})
    client.post(url, {"confirm": "on"})  # a second click sends nothing and logs nothing
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == ("broadcast.sent", staff_organiser)
    assert entry.changes == {
        "status": {"old": "draft", "new": "sending"},
        "recipient_count": {"old": 0, "new": 2},
    }


def test_editing_an_email_template_in_the_admin_leaves_one_entry(client, staff_organiser):
    template = EmailTemplate.objects.create(
        kind="registration.confirmed", language="en", subject="Welcome", text="Hello {{ name }}"
    )
    client.force_login(staff_organiser)
    url = reverse("admin:mailings_emailtemplate_change", args=[template.pk])
    data = admin_form_data(client.get(url))
    response = client.post(url, {**data, "subject": "Welcome to the conference"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_id) == (
        "emailtemplate.changed",
        staff_organiser,
        str(template.pk),
    )
    assert entry.changes["subject"] == {"old": "Welcome", "new": "Welcome to the conference"}
