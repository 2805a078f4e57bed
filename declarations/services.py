"""Every write and state change of declaration input, one function each.

Contributors' moves lock their submission row; organisers' bulk moves lock the rows
they change, in primary-key order so that two bulk actions never wait on each other in
a circle. Emails go through ``gmc.outbox.queue`` in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gmc import audit, outbox
from gmc.errors import RefusedMove
from gmc.models import Publication, User

from . import files, selectors
from .emails import RECEIPT, receipt_context
from .models import Answer, Attachment, Call, Submission, Tag, Topic, count_words

Status = Submission.Status
# Statuses organisers may set; DRAFT belongs to the contributor alone.
REVIEW_STATUSES = [Status.SUBMITTED, Status.UNDER_REVIEW, Status.INCLUDED, Status.NOT_INCLUDED]
# The publication fields ``publish_declaration`` writes, as the audit log shows them.
PUBLISHED_FIELDS = ["title", "summary", "published_on"]

audit.declare_actions(
    {
        "submission.status_changed": gettext_lazy("Review status changed"),
        "submission.tags_changed": gettext_lazy("Tags changed"),
        "submission.reviewed": gettext_lazy("Notes or tags changed"),
        "submission.showcase_published": gettext_lazy("Published in the showcase"),
        "submission.showcase_withdrawn": gettext_lazy("Withdrawn from the showcase"),
        "declaration.published": gettext_lazy("Declaration published"),
    }
)


class DeclarationError(RefusedMove):
    """A refused move; ``field`` names the form field it concerns, if any."""

    code = "declaration.refused"


def topic_field(topic: Topic | int) -> str:
    """The form field of a topic's answer: errors about an answer are attached to it."""
    return f"topic_{topic if isinstance(topic, int) else topic.pk}"


# --- checks ------------------------------------------------------------------------------


def _check_open(call: Call, now: datetime | None) -> None:
    state = call.state(now)
    if state == "not_open":
        raise DeclarationError(_("The call for input is not open yet."))
    if state == "closed":
        raise DeclarationError(
            _("The deadline for input has passed: changes can no longer be saved.")
        )


def _check_participant(user: User, call: Call) -> None:
    if not selectors.is_registered_participant(user, call.edition_id):
        raise DeclarationError(_("Only registered participants of this edition can send input."))


def _check_word_limits(topics: Iterable[Topic], answers: Mapping[int, str]) -> None:
    for topic in topics:
        words = count_words(answers.get(topic.pk, ""))
        if words > topic.word_limit:
            raise DeclarationError(
                _("%(count)s words: the limit for this topic is %(limit)s.")
                % {"count": words, "limit": topic.word_limit},
                field=topic_field(topic),
            )


def _lock_own(submission_id: int, by: User) -> Submission:
    submission = (
        Submission.objects.select_for_update()
        .select_related("call__edition", "contributor")
        .filter(pk=submission_id, contributor=by)
        .first()
    )
    if submission is None:
        raise DeclarationError(_("This submission is not yours."))
    return submission


def _digest(submission: Submission) -> str:
    """A fingerprint of what the contributor writes and agrees to: answers and consent.
    Attachments are left out: files and links are added and removed one at a time, each
    on its own, and adding one is not sending the input again (no new receipt)."""
    content = {
        "answers": sorted(submission.answers.values_list("topic_id", "text")),
        "quote": submission.quote_consent,
        "showcase": submission.showcase_consent,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


# --- contributors --------------------------------------------------------------------------


@transaction.atomic
def save_draft(
    call_id: int,
    *,
    contributor: User,
    answers: Mapping[int, str],
    quote_consent: str = Submission.QuoteConsent.NONE,
    showcase_consent: bool = False,
    now: datetime | None = None,
) -> Submission:
    """Create or update the contributor's submission with these answers (keyed by
    topic id; an empty answer removes the stored one) and consent choices, while the
    call is open. The status does not change: a submission already sent is sent again
    only by ``submit``, in the same transaction. Refuses non-participants and answers
    over their word limit. No email. Safe to repeat."""
    call = Call.objects.select_related("edition").get(pk=call_id)
    _check_open(call, now)
    _check_participant(contributor, call)
    topics = list(call.topics.all())
    cleaned = {topic.pk: (answers.get(topic.pk) or "").strip() for topic in topics}
    _check_word_limits(topics, cleaned)
    if quote_consent not in Submission.QuoteConsent.values:
        raise DeclarationError(_("Choose how you may be quoted."), field="quote_consent")
    submission, _created = Submission.objects.select_for_update().get_or_create(
        call=call, contributor=contributor
    )
    for topic_id, text in cleaned.items():
        if text:
            Answer.objects.update_or_create(
                submission=submission, topic_id=topic_id, defaults={"text": text}
            )
        else:
            Answer.objects.filter(submission=submission, topic_id=topic_id).delete()
    submission.quote_consent = quote_consent
    submission.showcase_consent = showcase_consent
    submission.save(update_fields=["quote_consent", "showcase_consent", "updated_at"])
    submission.call = call
    return submission


@transaction.atomic
def submit(submission_id: int, *, by: User, now: datetime | None = None) -> Submission:
    """DRAFT -> SUBMITTED, or send a submitted one again after changes, before the
    deadline. Needs at least one answer, each within its word limit. Records the
    contributor's organisation and country as they are now and queues a receipt email
    with a copy of the answers, one per submission: repeating it with the answers and
    consent unchanged (files added or removed meanwhile included) is a no-op and sends
    nothing. A changed submission that organisers had already reviewed goes back to
    SUBMITTED for another look."""
    submission = _lock_own(submission_id, by)
    call = submission.call
    _check_open(call, now)
    _check_participant(by, call)
    answers = {a.topic_id: a.text for a in submission.answers.all()}
    if not any(text.strip() for text in answers.values()):
        raise DeclarationError(_("Answer at least one topic before sending your input."))
    _check_word_limits(call.topics.all(), answers)
    digest = _digest(submission)
    if not submission.is_draft and digest == submission.submitted_digest:
        return submission
    contributor = submission.contributor
    submission.status = Status.SUBMITTED
    submission.submitted_at = now or timezone.now()
    submission.submit_count += 1
    submission.submitted_digest = digest
    submission.organisation_name = contributor.organisation_name or (
        contributor.organisation.name if contributor.organisation_id else ""
    )
    submission.organisation_type = contributor.organisation_type
    submission.country = contributor.country
    submission.save(
        update_fields=[
            "status",
            "submitted_at",
            "submit_count",
            "submitted_digest",
            "organisation_name",
            "organisation_type",
            "country",
            "updated_at",
        ]
    )
    _queue_receipt(submission)
    return submission


def _queue_receipt(submission: Submission) -> None:
    outbox.queue(
        kind=RECEIPT.key,
        to=submission.contributor,
        obj=submission,
        key=outbox.make_key(
            RECEIPT.key,
            submission,
            submission.contributor.email,
            extra=f"submit-{submission.submit_count}",
        ),
        context=receipt_context(submission),
    )


def _stored_bytes(submission: Submission) -> int:
    return sum(submission.attachments.values_list("size", flat=True))


@transaction.atomic
def add_attachment(
    submission_id: int,
    *,
    by: User,
    upload: files.CheckedFile,
    title: str = "",
    now: datetime | None = None,
) -> Attachment:
    """Store a checked file (see ``files.check_upload``) under a random name in the
    private storage and attach it, while the call is open and the submission's files
    stay within the limits of their number and total size (counted under the
    submission's lock). Each call adds one more file; no email."""
    submission = _lock_own(submission_id, by)
    _check_open(submission.call, now)
    if submission.attachments.exclude(file="").count() >= files.max_files():
        raise DeclarationError(
            _(
                "Your input can hold at most %(limit)s files: remove one first. Large "
                "videos can be shared as a link."
            )
            % {"limit": files.max_files()},
            field="attachment",
        )
    if _stored_bytes(submission) + upload.size > files.max_submission_bytes():
        raise DeclarationError(
            _(
                "With this file your attachments would exceed %(limit)s MB in total. "
                "Remove a file first, or share large videos as a link."
            )
            % {"limit": settings.DECLARATION_MAX_SUBMISSION_MB},
            field="attachment",
        )
    attachment = Attachment(
        submission=submission,
        original_name=upload.name,
        content_type=upload.content_type,
        size=upload.size,
        title=title.strip()[:200],
    )
    attachment.file.save(upload.name, upload.content, save=False)
    stored = attachment.file.name
    try:
        attachment.save()
    except Exception:
        default_storage.delete(stored)
        raise
    return attachment


@transaction.atomic
def add_link(
    submission_id: int, *, by: User, link: str, title: str = "", now: datetime | None = None
) -> Attachment:
    """Attach a link (for videos too large to upload) while the call is open. The same
    link twice is stored once."""
    submission = _lock_own(submission_id, by)
    _check_open(submission.call, now)
    existing = submission.attachments.filter(link=link).first()
    if existing is not None:
        return existing
    return Attachment.objects.create(submission=submission, link=link, title=title.strip()[:200])


@transaction.atomic
def remove_attachment(attachment_id: int, *, by: User, now: datetime | None = None) -> None:
    """Delete one of the contributor's attachments while the call is open; the stored
    file is deleted once the transaction commits. Removing it again is a no-op."""
    submission_id = (
        Attachment.objects.filter(pk=attachment_id).values_list("submission_id", flat=True).first()
    )
    if submission_id is None:
        return
    submission = _lock_own(submission_id, by)
    _check_open(submission.call, now)
    attachment = Attachment.objects.filter(pk=attachment_id, submission=submission).first()
    if attachment is None:
        return
    stored = attachment.file.name
    attachment.delete()
    if stored:
        transaction.on_commit(lambda: default_storage.delete(stored))


def discard_stored_file(name: str) -> None:
    """Delete a stored file whose row was rolled back with a refused request."""
    if name and default_storage.exists(name):
        default_storage.delete(name)


class InputOutcome(StrEnum):
    """What ``save_input`` did, for the page to say so."""

    DRAFT = "draft"  # saved, not sent
    SENT = "sent"  # sent (again): a receipt is queued
    ADDED_TO_SENT = "added_to_sent"  # a file or link added to input already sent; no receipt
    UNCHANGED = "unchanged"  # input already sent and nothing in it changed


@dataclass(frozen=True)
class InputSaved:
    submission: Submission
    outcome: InputOutcome


def save_input(
    call_id: int,
    *,
    contributor: User,
    answers: Mapping[int, str],
    quote_consent: str = Submission.QuoteConsent.NONE,
    showcase_consent: bool = False,
    upload: files.CheckedFile | None = None,
    link: str = "",
    attachment_title: str = "",
    send: bool = False,
    now: datetime | None = None,
) -> InputSaved:
    """One save of the input page, all or nothing: the answers and consent
    (``save_draft``), the new file (``add_attachment``) or link (``add_link``), then
    ``submit`` when the contributor chose to send, or when the input was sent before (a
    sent submission stays sent: saving it sends it again, with a receipt only when the
    answers or consent changed). When any step is refused the whole save is rolled back,
    the file stored meanwhile is deleted, and the ``DeclarationError`` is raised again.
    Repeating it with the same answers and no file saves nothing new."""
    stored = ""
    try:
        with transaction.atomic():
            submission = save_draft(
                call_id,
                contributor=contributor,
                answers=answers,
                quote_consent=quote_consent,
                showcase_consent=showcase_consent,
                now=now,
            )
            sending = send or not submission.is_draft
            sent_before = submission.submit_count
            if upload is not None:
                attachment = add_attachment(
                    submission.pk, by=contributor, upload=upload, title=attachment_title, now=now
                )
                stored = attachment.file.name
            if link:
                add_link(submission.pk, by=contributor, link=link, title=attachment_title, now=now)
            if sending:
                submission = submit(submission.pk, by=contributor, now=now)
    except Exception:
        discard_stored_file(stored)
        raise
    if not sending:
        outcome = InputOutcome.DRAFT
    elif submission.submit_count != sent_before:
        outcome = InputOutcome.SENT
    elif upload is not None or link:
        outcome = InputOutcome.ADDED_TO_SENT
    else:
        outcome = InputOutcome.UNCHANGED
    return InputSaved(submission, outcome)


# --- organisers ----------------------------------------------------------------------------


def _lock_many(submission_ids: Iterable[int]) -> list[Submission]:
    # The contributor and edition name the submission in the audit log: read with it,
    # locking only the submissions.
    return list(
        Submission.objects.select_for_update(of=("self",))
        .select_related("call__edition", "contributor")
        .filter(pk__in=list(submission_ids))
        .order_by("pk")
    )


@transaction.atomic
def set_status(submission_ids: Iterable[int], status: str, *, by: User) -> int:
    """Move sent submissions to a review status (drafts are the contributor's and are
    left alone), with an audit entry for each one changed. Returns how many changed;
    repeating it changes nothing more."""
    if status not in REVIEW_STATUSES:
        raise DeclarationError(_("Organisers cannot set this status."))
    changed = 0
    for submission in _lock_many(submission_ids):
        if submission.is_draft or submission.status == status:
            continue
        old_status = submission.status
        submission.status = status
        submission.save(update_fields=["status", "updated_at"])
        audit.record(
            by, "submission.status_changed", submission, changes={"status": (old_status, status)}
        )
        changed += 1
    return changed


@transaction.atomic
def add_tags(submission_ids: Iterable[int], tags: Iterable[Tag], *, by: User) -> None:
    """Label submissions; a tag already there stays once. An audit entry for each
    submission that gained a tag. Safe to repeat."""
    tags = list(tags)
    for submission in _lock_many(submission_ids):
        before = audit.snapshot(submission, ["tags"])
        submission.tags.add(*tags)
        _record_tags(by, submission, before)


@transaction.atomic
def remove_tags(submission_ids: Iterable[int], tags: Iterable[Tag], *, by: User) -> None:
    """Take labels off submissions. An audit entry for each submission that lost a
    tag. Safe to repeat."""
    tags = list(tags)
    for submission in _lock_many(submission_ids):
        before = audit.snapshot(submission, ["tags"])
        submission.tags.remove(*tags)
        _record_tags(by, submission, before)


def _record_tags(by: User, submission: Submission, before: dict) -> None:
    changes = audit.diff(before, audit.snapshot(submission, ["tags"]))
    if changes:
        audit.record(by, "submission.tags_changed", submission, changes=changes)


@transaction.atomic
def review_submission(
    submission_id: int, *, by: User, internal_notes: str, tags: Iterable[Tag]
) -> Submission:
    """Replace the organisers' notes and tags of one submission; an audit entry when
    they changed. Safe to repeat."""
    submission = Submission.objects.select_for_update().get(pk=submission_id)
    before = audit.snapshot(submission, ["internal_notes", "tags"])
    submission.internal_notes = internal_notes
    submission.save(update_fields=["internal_notes", "updated_at"])
    submission.tags.set(list(tags))
    changes = audit.diff(before, audit.snapshot(submission, ["internal_notes", "tags"]))
    if changes:
        audit.record(by, "submission.reviewed", submission, changes=changes)
    return submission


@transaction.atomic
def set_showcase(submission_ids: Iterable[int], published: bool, *, by: User) -> int:
    """Publish sent submissions in the public good-practice showcase, or withdraw them.
    Only submissions whose contributor agreed to the showcase and to being quoted can be
    published. An audit entry for each one changed. Returns how many changed; repeating
    it changes nothing more."""
    changed = 0
    for submission in _lock_many(submission_ids):
        if published and (
            submission.is_draft or not submission.showcase_consent or not submission.may_be_quoted
        ):
            continue
        if submission.showcase_published != published:
            submission.showcase_published = published
            submission.save(update_fields=["showcase_published", "updated_at"])
            audit.record(
                by,
                "submission.showcase_published" if published else "submission.showcase_withdrawn",
                submission,
                changes={"showcase_published": (not published, published)},
            )
            changed += 1
    return changed


@transaction.atomic
def publish_declaration(
    call_id: int, *, by: User, title: str, text: str, published_on: date | None = None
) -> Publication:
    """Publish the adopted declaration among the edition's publications, or update the
    one published before (the call remembers it). An audit entry on the publication
    when it was created or changed. Safe to repeat."""
    call = Call.objects.select_for_update().select_related("edition").get(pk=call_id)
    fields = {
        "title": title.strip(),
        "summary": text.strip(),
        "kind": Publication.Kind.DECLARATION,
        "published_on": published_on or timezone.localdate(timezone.now(), call.edition.tz),
    }
    publication = call.publication
    before = {} if publication is None else audit.snapshot(publication, PUBLISHED_FIELDS)
    if publication is None:
        base = slugify(f"{call.edition.year} {title}")[:100] or f"declaration-{call.edition.year}"
        slug, suffix = base, 2
        while Publication.objects.filter(slug=slug).exists():
            slug, suffix = f"{base}-{suffix}", suffix + 1
        publication = Publication.objects.create(edition=call.edition, slug=slug, **fields)
        call.publication = publication
        call.save(update_fields=["publication"])
    else:
        for name, value in fields.items():
            setattr(publication, name, value)
        publication.save(update_fields=[*fields, "updated_at"])
    changes = audit.diff(before, audit.snapshot(publication, PUBLISHED_FIELDS))
    if changes:
        audit.record(by, "declaration.published", publication, changes=changes)
    return publication


@transaction.atomic
def forget_contributor(user_id: int) -> dict[str, int]:
    """What happens to a person's declaration input when they delete their account.

    Input they sent and agreed may be quoted (with their name or anonymously) stays as
    an organisers' anonymised record: the link to the person, their organisation's name
    and their attachments go, a "named" quotation becomes anonymous; country and
    organisation type stay for the counts. Drafts and input they did not agree to have
    quoted are removed. Stored files are deleted once the transaction commits. Returns
    the numbers kept and removed; a repeat finds nothing and is a no-op.
    """
    kept = removed = 0
    submissions = list(
        Submission.objects.select_for_update().filter(contributor_id=user_id).order_by("pk")
    )
    for submission in submissions:
        for attachment in submission.attachments.all():
            if attachment.file:
                stored = attachment.file.name
                transaction.on_commit(lambda name=stored: discard_stored_file(name))
        if submission.status != Status.DRAFT and submission.may_be_quoted:
            submission.attachments.all().delete()
            submission.contributor = None
            submission.organisation_name = ""
            submission.quote_consent = Submission.QuoteConsent.ANONYMOUS
            submission.anonymised_at = timezone.now()
            submission.save(
                update_fields=[
                    "contributor",
                    "organisation_name",
                    "quote_consent",
                    "anonymised_at",
                    "updated_at",
                ]
            )
            # The audit log named the submission after its contributor.
            audit.rename(submission)
            kept += 1
        else:
            audit.forget(Submission, [submission.pk])
            submission.delete()
            removed += 1
    return {"kept": kept, "removed": removed}
