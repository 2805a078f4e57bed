"""The audit log: what one entry holds, that it lives in the action's transaction, that
secrets stay out, and what organisers see of it in the admin."""

import datetime
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gmc import audit
from gmc.models import AuditEntry, Edition, Publication
from gmc.permissions import ORGANISERS_GROUP, sync_organiser_group
from tests.admin_forms import admin_form_data
from tests.factories import EditionFactory, UserFactory

AUDIT_LIST = reverse("admin:gmc_auditentry_changelist")


def edit_in_admin(client, edition, **changes):
    url = reverse("admin:gmc_edition_change", args=[edition.pk])
    # The form shows moments in the edition's zone: read them back in it.
    with timezone.override(edition.tz):
        data = admin_form_data(client.get(url), zone=edition.tz)
    data.update(changes)
    return client.post(url, data)


# --- record -----------------------------------------------------------------------------


def test_record_writes_who_what_which_object_and_the_changed_fields(db):
    organiser = UserFactory(full_name="Olga Organiser", is_staff=True)
    edition = EditionFactory(year=2031)
    moment = datetime.datetime(2031, 3, 1, 9, 30, tzinfo=datetime.UTC)

    entry = audit.record(
        organiser,
        "edition.capacity_changed",
        edition,
        changes={"capacity": (150, 200), "registration_closes_at": (None, moment)},
        note="A bigger hall",
    )

    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == organiser
    assert entry.actor_name == "Olga Organiser"
    assert entry.action == "edition.capacity_changed"
    assert entry.content_type == ContentType.objects.get_for_model(Edition)
    assert entry.object_id == str(edition.pk)
    assert entry.object_repr == str(edition)
    assert entry.changes == {
        "capacity": {"old": 150, "new": 200},
        "registration_closes_at": {"old": None, "new": "2031-03-01T09:30:00+00:00"},
    }
    assert entry.note == "A bigger hall"
    assert entry.created_at.tzinfo is not None
    assert abs(timezone.now() - entry.created_at) < datetime.timedelta(minutes=1)
    assert list(audit.entries_for(edition)) == [entry]


def test_record_writes_in_the_callers_transaction(db):
    organiser = UserFactory(is_staff=True)
    edition = EditionFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(organiser, "edition.changed", edition, changes={"capacity": (1, 2)})
        raise RuntimeError("the action fails after recording")

    assert not AuditEntry.objects.exists()


def test_the_name_of_the_actor_outlives_their_account(db):
    organiser = UserFactory(full_name="Olga Organiser", is_staff=True)
    entry = audit.record(organiser, "edition.changed", EditionFactory(), changes={})

    organiser.delete()

    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_name == "Olga Organiser"


SECRETS = {
    "password": ("pbkdf2_sha256$old-hash", "pbkdf2_sha256$new-hash"),
    "ticket_code": ("OLDTICKETCODE0000000", "NEWTICKETCODE0000000"),
    "token": ("old-token-value", "new-token-value"),
    "sealed_context": ("gAAAAold-sealed", "gAAAAnew-sealed"),
    "api_key": ("old-api-key", "new-api-key"),
    "secret_expires_at": ("old-moment", "new-moment"),
    "online_joining_details": ("https://meet.example/old?pwd=1", "https://meet.example/new?pwd=2"),
}


def test_secrets_are_recorded_as_changed_but_never_stored(db):
    entry = audit.record(
        UserFactory(is_staff=True),
        "edition.changed",
        EditionFactory(),
        changes={**SECRETS, "capacity": (10, 20)},
    )

    entry.refresh_from_db()
    stored = json.dumps([entry.changes, entry.note, entry.object_repr])
    for name, (old, new) in SECRETS.items():
        assert entry.changes[name] == {"hidden": True}, name
        assert old not in stored and new not in stored, name
    assert entry.changes["capacity"] == {"old": 10, "new": 20}


def test_joining_details_edited_in_the_admin_are_not_stored(client, staff_organiser):
    edition = EditionFactory(online_joining_details="https://meet.example/abc?pwd=old")
    client.force_login(staff_organiser)

    response = edit_in_admin(
        client, edition, online_joining_details="https://meet.example/abc?pwd=s3cr3t"
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert entry.changes == {"online_joining_details": {"hidden": True}}
    assert "pwd" not in json.dumps(entry.changes)


# --- the admin: a plain edit is recorded ----------------------------------------------------


def test_changing_the_capacity_in_the_admin_leaves_one_entry(client, staff_organiser):
    edition = EditionFactory(capacity=150)
    client.force_login(staff_organiser)

    response = edit_in_admin(client, edition, capacity=200)

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action) == (staff_organiser, "edition.changed")
    assert entry.content_type.model_class() is Edition
    assert entry.object_id == str(edition.pk)
    assert entry.changes == {"capacity": {"old": 150, "new": 200}}


def test_a_refused_admin_edit_leaves_no_entry(client, staff_organiser):
    edition = EditionFactory(capacity=150)
    client.force_login(staff_organiser)

    response = edit_in_admin(
        client, edition, capacity=200, end_date=edition.start_date - datetime.timedelta(days=1)
    )

    assert response.status_code == 200  # the form again, with the error
    assert Edition.objects.get(pk=edition.pk).capacity == 150
    assert not AuditEntry.objects.exists()


def test_saving_without_changes_leaves_no_entry(client, staff_organiser):
    edition = EditionFactory()
    client.force_login(staff_organiser)

    assert edit_in_admin(client, edition).status_code == 302

    assert not AuditEntry.objects.exists()


def test_related_objects_are_recorded_by_name(client, staff_organiser):
    publication = Publication.objects.create(
        title="Declaration", slug="declaration", edition=EditionFactory(year=2030)
    )
    later = EditionFactory(year=2031)
    client.force_login(staff_organiser)
    url = reverse("admin:gmc_publication_change", args=[publication.pk])
    data = admin_form_data(client.get(url))
    data.pop("file", None)  # none uploaded
    data["edition"] = later.pk

    assert client.post(url, data).status_code == 302

    entry = AuditEntry.objects.get()
    assert entry.action == "publication.changed"
    assert entry.changes == {"edition": {"old": str(publication.edition), "new": str(later)}}


# --- the admin: who sees what -----------------------------------------------------------------


def test_the_organisers_group_may_read_the_audit_log_and_nothing_more(db):
    sync_organiser_group()
    group = Group.objects.get(name=ORGANISERS_GROUP)
    held = set(
        group.permissions.filter(content_type__model="auditentry").values_list(
            "codename", flat=True
        )
    )
    assert held == {"view_auditentry"}


def test_the_history_page_shows_the_objects_entries(client, staff_organiser):
    edition = EditionFactory(capacity=150)
    other = EditionFactory()
    client.force_login(staff_organiser)
    edit_in_admin(client, edition, capacity=200)
    audit.record(staff_organiser, "edition.changed", other, changes={"capacity": (1, 999)})

    response = client.get(reverse("admin:gmc_edition_history", args=[edition.pk]))

    assert response.status_code == 200
    rows = response.context["audit_entries"]
    assert [row["entry"].action for row in rows] == ["edition.changed"]
    page = response.content.decode()
    assert 'id="audit-history"' in page
    assert "Edition edited in the administration" in page
    assert "In-person seats: 150 → 200" in page
    assert "1 → 999" not in page
    assert "change-history" in page  # Django's own log is still there


def test_the_history_page_leaves_the_log_out_without_its_permission(client, db):
    edition = EditionFactory()
    audit.record(
        UserFactory(is_staff=True), "edition.changed", edition, changes={"capacity": (1, 2)}
    )
    person = UserFactory(is_staff=True)
    person.user_permissions.set(Permission.objects.filter(codename="view_edition"))
    client.force_login(person)

    response = client.get(reverse("admin:gmc_edition_history", args=[edition.pk]))

    assert response.status_code == 200
    assert 'id="audit-history"' not in response.content.decode()
    assert client.get(AUDIT_LIST).status_code == 403


def test_the_audit_list_is_read_only(client, staff_organiser):
    entry = audit.record(staff_organiser, "edition.changed", EditionFactory(), changes={})
    client.force_login(staff_organiser)
    change_url = reverse("admin:gmc_auditentry_change", args=[entry.pk])

    assert client.get(AUDIT_LIST).status_code == 200
    assert client.get(change_url).status_code == 200  # shown, not editable
    assert client.post(change_url, {"note": "rewritten"}).status_code == 403
    assert client.get(reverse("admin:gmc_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:gmc_auditentry_delete", args=[entry.pk])).status_code == 403
    entry.refresh_from_db()
    assert entry.note == ""


def test_the_audit_list_filters_by_action_kind_actor_and_date_and_searches(
    client, staff_organiser
):
    olga, omar = UserFactory(is_staff=True), UserFactory(is_staff=True)
    edition = EditionFactory(title="Lisbon edition")
    publication = Publication.objects.create(title="Report", slug="report", edition=edition)
    changed = audit.record(olga, "edition.changed", edition, changes={"capacity": (1, 2)})
    published = audit.record(omar, "declaration.published", publication, changes={})
    old = audit.record(olga, "publication.changed", publication, changes={})
    AuditEntry.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    client.force_login(staff_organiser)

    def listed(**params) -> set[int]:
        response = client.get(AUDIT_LIST, params)
        assert response.status_code == 200
        return {entry.pk for entry in response.context["cl"].result_list}

    assert listed() == {changed.pk, published.pk, old.pk}
    assert listed(action="declaration.published") == {published.pk}
    edition_type = ContentType.objects.get_for_model(Edition)
    assert listed(content_type__id__exact=edition_type.pk) == {changed.pk}
    assert listed(actor__id__exact=olga.pk) == {changed.pk, old.pk}
    since = str(timezone.now() - datetime.timedelta(days=7))
    assert listed(created_at__gte=since) == {changed.pk, published.pk}
    assert listed(q="lisbon") == {changed.pk}
    page = client.get(AUDIT_LIST).content.decode()
    assert reverse("admin:gmc_edition_change", args=[edition.pk]) in page


@pytest.mark.parametrize("size", [2, 20])
def test_the_audit_list_query_count_does_not_grow(
    client, staff_organiser, django_assert_num_queries, size
):
    for number in range(size):
        edition = EditionFactory()
        audit.record(
            UserFactory(is_staff=True), f"action.{number % 3}", edition, changes={"x": (1, 2)}
        )
    client.force_login(staff_organiser)
    client.get(AUDIT_LIST)
    # session, user, permissions (2), the filters' choices (actions, kinds, actors), the
    # two counts, one page of rows with their content types, the date hierarchy (2): the
    # same at any size
    with django_assert_num_queries(12):
        response = client.get(AUDIT_LIST)
    assert response.context["cl"].result_count == size
