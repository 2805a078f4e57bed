"""Every write to documents: issuing (with a number that is never given twice),
rendering the PDF into the private storage, telling the holder once, revoking.

Locking order: a document's row, then the counter row of its kind and year (only while
issuing). PDFs are rendered by a worker (``documents.tasks.generate``) after the commit
that asks for them; ``generate_document`` is safe to run twice, or twice at once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from gmc import audit, outbox
from gmc.errors import RefusedMove
from gmc.models import User
from registration.models import Registration

from .kinds import DocumentKind, Facts, kind
from .models import Document, DocumentCounter

audit.declare_actions(
    {
        "documents.issued": _("Document issued"),
        "documents.revoked": _("Document revoked"),
    }
)


class DocumentError(RefusedMove):
    """A refused move on a document (issuing to someone who may not have it...)."""

    code = "documents.refused"


# --- numbers ----------------------------------------------------------------------------


def allocate_number(kind_key: str, year: int) -> int:
    """The next number of ``kind_key`` in ``year``: the counter row is locked and
    incremented in the caller's transaction (call inside ``transaction.atomic``). A
    number once given is never given again, whatever becomes of its document; two
    transactions asking at once get two numbers, the second waiting for the first."""
    DocumentCounter.objects.get_or_create(kind=kind_key, year=year)
    counter = DocumentCounter.objects.select_for_update().get(kind=kind_key, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def format_number(document_kind: DocumentKind, year: int, number: int) -> str:
    return f"GMC-{year}-{document_kind.prefix}-{number:05d}"


# --- issuing ----------------------------------------------------------------------------


@transaction.atomic
def issue_document(kind_key: str, registration_id: int, *, by: User | None) -> Document:
    """The valid document of ``kind_key`` for the registration, issued now with a new
    number if it has none, and its PDF asked of a worker after commit. Repeating it
    returns the same document and gives no number. Who may have a document is the
    caller's rule (each kind's module checks it before calling)."""
    document_kind = kind(kind_key)
    registration = (
        Registration.objects.select_for_update().select_related("edition").get(pk=registration_id)
    )
    existing = Document.objects.valid().filter(kind=kind_key, registration=registration).first()
    if existing is not None:
        return existing
    year = registration.edition.year
    number = allocate_number(kind_key, year)
    document = Document.objects.create(
        kind=kind_key,
        registration=registration,
        edition=registration.edition,
        number=format_number(document_kind, year, number),
        # The holder's language now (their profile's, else the page's): the PDF's
        # language when their profile names none, so a worker renders it the same.
        language=outbox.message_language(registration.attendee),
        issued_by=by,
    )
    if by is not None:
        audit.record(by, "documents.issued", document)
    request_generation([document.pk])
    return document


def request_generation(document_ids: list[int]) -> None:
    """Ask a worker to (re)render these documents once the transaction commits. Each one
    is rendered only if what it states changed since its last PDF."""
    if not document_ids:
        return
    from .tasks import generate

    ids = list(document_ids)

    def publish() -> None:
        # A broker that is down waits once (gmc.outbox.publish); a document never made
        # is picked up by the beat job ``make_missing``.
        for document_id in ids:
            if not outbox.publish(generate, document_id):
                break

    transaction.on_commit(publish)


def make_missing(*, older_than: timedelta = timedelta(minutes=2), limit: int = 50) -> int:
    """Make the PDFs of valid documents issued a while ago that have none yet (their
    task was lost: the broker was down, a worker died). Run by beat; returns how many
    were made."""
    due = timezone.now() - older_than
    ids = list(
        Document.objects.valid()
        .filter(generated_at__isnull=True, issued_at__lt=due)
        .order_by("issued_at")
        .values_list("pk", flat=True)[:limit]
    )
    made = 0
    for document_id in ids:
        result = generate_document(document_id)
        made += bool(result and result.rendered)
    return made


# --- rendering --------------------------------------------------------------------------


def fingerprint(document_kind: DocumentKind, facts: Facts) -> str:
    """A hash of what the document states. Keyed (an HMAC with SECRET_KEY) for kinds that
    state encrypted data: a plain hash of a passport's details could be found by trying
    them."""
    payload = json.dumps(
        {
            "kind": document_kind.key,
            "version": document_kind.version,
            "name": facts.stated_name,
            "language": facts.language,
            "data": facts.data,
        },
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    if document_kind.seal is not None:
        return salted_hmac("documents.fingerprint", payload, algorithm="sha256").hexdigest()
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Generated:
    document: Document
    rendered: bool


def generate_document(document_id: int, *, notify: bool = True) -> Generated | None:
    """Render the document's PDF into the private storage when what it states changed
    (or it has none), and tell the holder once, the first time it is ready
    (``notify=False``: count them as told without writing; the demo data). Nothing for
    a revoked or deleted document. Safe to repeat and to run twice at once: the row
    lock orders the runs and the second finds the fingerprint unchanged. The old file
    is deleted after the commit that replaces it."""
    with transaction.atomic():
        document = (
            Document.objects.select_for_update()
            .select_related("registration__attendee", "edition")
            .filter(pk=document_id)
            .first()
        )
        if document is None or document.is_revoked:
            return None
        document_kind = kind(document.kind)
        facts = document_kind.facts(document)
        if facts is None:
            return None
        new_fingerprint = fingerprint(document_kind, facts)
        if document.file and document.fingerprint == new_fingerprint:
            return Generated(document, rendered=False)
        pdf = document_kind.render(document, facts)
        if document_kind.seal is not None:
            pdf = document_kind.seal(pdf)
        old_name = document.file.name if document.file else ""
        storage = document.file.storage
        document.file.save("document.pdf", ContentFile(pdf), save=False)
        new_name = document.file.name
        try:
            document.fingerprint = new_fingerprint
            document.stated_name = facts.stated_name
            document.language = facts.language
            document.generated_at = timezone.now()
            fields = ["file", "fingerprint", "stated_name", "language", "generated_at"]
            if document.notified_at is None and document_kind.email_kind:
                if notify:
                    queue_ready_email(document, document_kind)
                document.notified_at = document.generated_at
                fields.append("notified_at")
            document.save(update_fields=fields)
        except BaseException:
            storage.delete(new_name)  # the row never named it
            raise
        if old_name:
            transaction.on_commit(lambda: storage.delete(old_name))
    return Generated(document, rendered=True)


def queue_ready_email(document: Document, document_kind: DocumentKind) -> None:
    """The "your document is ready" email, in the holder's language, once per document
    (its key names the document)."""
    from .emails import ready_context

    attendee = document.registration.attendee
    outbox.queue(
        kind=document_kind.email_kind,
        to=attendee,
        obj=document,
        context=ready_context(document),
    )


# --- revoking ---------------------------------------------------------------------------


@transaction.atomic
def revoke_document(document_id: int, *, by: User, reason: str = "") -> Document:
    """Revoke a document: its verification page says so from now on and its holder can
    no longer download it; its number stays taken. Repeating it changes nothing."""
    document = Document.objects.select_for_update().get(pk=document_id)
    if document.is_revoked:
        return document
    document.revoked_at = timezone.now()
    document.revoked_by = by
    document.revocation_reason = reason.strip()
    document.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    audit.record(
        by,
        "documents.revoked",
        document,
        changes={"revoked_at": (None, document.revoked_at)},
        note=document.revocation_reason,
    )
    return document
