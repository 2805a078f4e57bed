"""The holder's download of their own documents, and the public verification page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from gmc import rate_limits
from gmc.downloads import private_file_response, sealed_file_response

from . import kinds
from .models import Document, is_well_formed_code, normalise_code


@login_required
def download(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    """The signed-in person's own document of that kind for that edition: the lookup
    goes through their own registration, so nobody reaches another's (404, which says
    nothing). A document not ready yet, or revoked, is a 404 too: the registration page
    says which."""
    document_kind = kinds.by_slug(kind)
    if document_kind is None:
        raise Http404("No such kind of document")
    document = (
        Document.objects.ready()
        .filter(
            kind=document_kind.key,
            registration__attendee=request.user,
            registration__edition__year=year,
        )
        .first()
    )
    if document is None:
        raise Http404("No document")
    if document_kind.on_download is not None:
        document_kind.on_download(document, request.user)
    if document_kind.unseal is not None:
        return sealed_file_response(
            document,
            document_kind.unseal,
            filename=f"{document_kind.slug}-{year}-{document.number}.pdf",
        )
    return private_file_response(
        document.file,
        filename=f"{document_kind.slug}-{year}-{document.number}.pdf",
        content_type="application/pdf",
    )


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: what an issued document states (name, edition, kind, number, date issued),
    or that it was revoked; nothing else about its holder. An unknown or malformed
    code is a 404 with a page that says so. Limited per client address, so codes
    cannot be tried in bulk (80 random bits would not fall to it anyway)."""
    if not rate_limits.allow(
        request, action="verify_document", rates=settings.DOCUMENT_VERIFY_RATE_LIMIT
    ):
        return render(request, "documents/too_many.html", status=429)
    normalised = normalise_code(code)
    document = None
    if is_well_formed_code(normalised):
        document = (
            Document.objects.select_related("edition")
            .filter(code=normalised, generated_at__isnull=False)
            .first()
        )
    if document is None:
        return render(request, "documents/verify_unknown.html", status=404)
    document_kind = kinds.find(document.kind)
    stated_name = document.stated_name
    if document_kind is not None and document_kind.verified_name is not None:
        stated_name = document_kind.verified_name(document)
    return render(
        request,
        "documents/verify.html",
        {"document": document, "kind": document_kind, "stated_name": stated_name},
    )
