"""Files from the private storage, sent only after the caller checked who asks.

With ``DECLARATION_X_ACCEL_PREFIX`` set (``/_private/`` behind deploy/nginx.conf), the
answer is an empty response whose ``X-Accel-Redirect`` header has nginx send the file
from its ``internal`` location, which nobody reaches directly; without it (development,
a single process), Django streams the file. Either way the answer is private, never
stored, and never sniffed into another type.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


def private_file_response(
    file: FieldFile, *, filename: str, content_type: str, as_attachment: bool = True
) -> HttpResponse:
    """The stored ``file`` as a download named ``filename`` (or shown inline with
    ``as_attachment=False``). 404 when the file is missing."""
    if not file:
        raise Http404("No file")
    prefix = settings.DECLARATION_X_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + file.name
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    else:
        try:
            handle = file.open("rb")
        except FileNotFoundError as missing:
            raise Http404("File missing") from missing
        response = FileResponse(
            handle, as_attachment=as_attachment, filename=filename, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def sealed_file_response(document, unseal, *, filename: str) -> HttpResponse:
    """A stored file kept encrypted (``unseal`` opens its bytes), as a private PDF
    download. Django reads and decrypts it: the web server only has the encrypted file,
    so it is never handed over with X-Accel-Redirect. 404 when the file is missing."""
    file = document.file
    if not file:
        raise Http404("No file")
    try:
        with file.open("rb") as handle:
            content = unseal(handle.read())
    except FileNotFoundError as missing:
        raise Http404("File missing") from missing
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
