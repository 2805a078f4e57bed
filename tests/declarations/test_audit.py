"""Organisers' review of declaration input and the publication of the declaration leave
one audit entry per changed object (who, what, which object, the changed fields); a
refused or empty move leaves none, and a deleted contributor's name leaves the log."""

import datetime

import pytest
from django.urls import reverse

from declarations import services
from declarations.models import Submission
from gmc.models import AuditEntry, Publication
from registration.accounts.services import delete_account
from tests.admin_forms import admin_form_data
from tests.declarations.factories import SubmissionFactory, TagFactory, answered

ADMIN_LIST = reverse("admin:declarations_submission_changelist")


def entries(obj) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            content_type__model=obj._meta.model_name, object_id=str(obj.pk)
        ).order_by("pk")
    )


def test_changing_the_review_status_leaves_one_entry_per_submission(client, call, reviewer):
    first, second = SubmissionFactory(call=call), SubmissionFactory(call=call)
    draft = SubmissionFactory(call=call, status=Submission.Status.DRAFT)
    client.force_login(reviewer)

    client.post(
        ADMIN_LIST,
        {"action": "mark_included", "_selected_action": [first.pk, second.pk, draft.pk]},
    )

    assert AuditEntry.objects.count() == 2
    for submission in (first, second):
        (entry,) = entries(submission)
        assert (entry.actor, entry.action) == (reviewer, "submission.status_changed")
        assert entry.object_repr == str(submission)
        assert entry.changes == {"status": {"old": "submitted", "new": "included"}}
    assert entries(draft) == []


def test_setting_the_same_status_again_leaves_nothing(call, reviewer):
    submission = SubmissionFactory(call=call, status=Submission.Status.NOT_INCLUDED)

    services.set_status([submission.pk], Submission.Status.NOT_INCLUDED, by=reviewer)

    assert not AuditEntry.objects.exists()


def test_a_refused_status_leaves_nothing(call, reviewer):
    submission = SubmissionFactory(call=call)

    with pytest.raises(services.DeclarationError):
        services.set_status([submission.pk], Submission.Status.DRAFT, by=reviewer)

    assert not AuditEntry.objects.exists()


def test_tagging_leaves_an_entry_only_where_a_tag_was_added(client, call, reviewer):
    tag = TagFactory(name="equity")
    untagged, tagged = SubmissionFactory(call=call), SubmissionFactory(call=call)
    tagged.tags.add(tag)
    client.force_login(reviewer)

    client.post(
        ADMIN_LIST, {"action": f"add_tag_{tag.pk}", "_selected_action": [untagged.pk, tagged.pk]}
    )

    (entry,) = AuditEntry.objects.all()
    assert entry.object_id == str(untagged.pk)
    assert (entry.actor, entry.action) == (reviewer, "submission.tags_changed")
    assert entry.changes == {"tags": {"old": [], "new": ["equity"]}}

    services.remove_tags([untagged.pk], [tag], by=reviewer)
    assert entries(untagged)[-1].changes == {"tags": {"old": ["equity"], "new": []}}


def test_reviewing_in_the_admin_leaves_one_entry_with_notes_and_tags(client, call, reviewer):
    submission = answered(call)
    tag = TagFactory(name="strong case")
    client.force_login(reviewer)
    url = reverse("admin:declarations_submission_change", args=[submission.pk])
    data = admin_form_data(client.get(url))
    data.update(internal_notes="Quote in section 2", tags=[tag.pk])

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    (entry,) = AuditEntry.objects.all()
    assert (entry.actor, entry.action) == (reviewer, "submission.reviewed")
    assert entry.object_id == str(submission.pk)
    assert entry.changes == {
        "internal_notes": {"old": "", "new": "Quote in section 2"},
        "tags": {"old": [], "new": ["strong case"]},
    }


def test_publishing_in_the_showcase_and_withdrawing_are_logged(call, reviewer):
    agreed = answered(call, showcase_consent=True)
    refused = answered(call, showcase_consent=False)

    services.set_showcase([agreed.pk, refused.pk], True, by=reviewer)
    services.set_showcase([agreed.pk, refused.pk], False, by=reviewer)

    published, withdrawn = entries(agreed)
    assert (published.actor, published.action) == (reviewer, "submission.showcase_published")
    assert published.changes == {"showcase_published": {"old": False, "new": True}}
    assert withdrawn.action == "submission.showcase_withdrawn"
    assert withdrawn.changes == {"showcase_published": {"old": True, "new": False}}
    assert entries(refused) == []


def test_publishing_the_declaration_is_logged_on_the_publication(client, call, organiser):
    client.force_login(organiser)
    url = reverse("declarations:publish", args=[call.edition.year])
    form = {"title": "Hanoi Declaration", "text": "We, the participants", "published_on": ""}

    client.post(url, {**form, "published_on": "2026-05-01"})
    client.post(url, {**form, "published_on": "2026-05-01"})  # the same again: no change
    client.post(url, {**form, "title": "The Hanoi Declaration", "published_on": "2026-05-01"})

    publication = Publication.objects.get()
    first, second = entries(publication)
    assert (first.actor, first.action) == (organiser, "declaration.published")
    assert first.changes == {
        "title": {"old": None, "new": "Hanoi Declaration"},
        "summary": {"old": None, "new": "We, the participants"},
        "published_on": {"old": None, "new": datetime.date(2026, 5, 1).isoformat()},
    }
    assert second.changes == {
        "title": {"old": "Hanoi Declaration", "new": "The Hanoi Declaration"}
    }
    assert AuditEntry.objects.count() == 2


def test_a_deleted_contributor_is_no_longer_named_in_the_log(call, participant, reviewer):
    kept = answered(call, contributor=participant, quote_consent=Submission.QuoteConsent.NAMED)
    services.set_status([kept.pk], Submission.Status.INCLUDED, by=reviewer)
    assert "Amina Otieno" in AuditEntry.objects.get().object_repr

    delete_account(participant.pk)

    (entry,) = AuditEntry.objects.all()
    assert "Amina Otieno" not in entry.object_repr
    assert entry.changes == {"status": {"old": "submitted", "new": "included"}}


def test_the_log_of_removed_input_goes_with_it(call, participant, reviewer):
    unquoted = answered(call, contributor=participant, quote_consent=Submission.QuoteConsent.NONE)
    services.set_status([unquoted.pk], Submission.Status.UNDER_REVIEW, by=reviewer)

    delete_account(participant.pk)

    assert not Submission.objects.filter(pk=unquoted.pk).exists()
    assert not AuditEntry.objects.exists()
