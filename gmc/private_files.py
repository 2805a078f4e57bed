"""Sending a file of the private storage, once the caller has checked who asks.

Uploads (declaration attachments, session materials) are kept under
``PRIVATE_MEDIA_ROOT`` and never served as static files. A view that has decided the
visitor may have one answers with ``download``: with ``DECLARATION_X_ACCEL_PREFIX`` set
(``/_private/`` behind ``deploy/nginx.conf``) only an ``X-Accel-Redirect`` header, and
the web server sends the bytes from its internal location, which nobody reaches
directly; otherwise Django streams the file itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


def download(file: FieldFile, *, filename: str, content_type: str) -> HttpResponse:
    """``file`` as a download named ``filename`` (never shown inline, never sniffed into
    another type). A file missing from the storage is not found (404), by Django or by
    the web server."""
    prefix = settings.DECLARATION_X_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + file.name
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        try:
            handle = file.open("rb")
        except FileNotFoundError as missing:
            raise Http404("File missing") from missing
        response = FileResponse(
            handle, as_attachment=True, filename=filename, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response
