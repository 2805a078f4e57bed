"""The benchmark server's URLconf: the portal's URLs, plus the floor view.

The floor is the least a request can cost with the portal's settings and middleware: a
view that reads nothing and renders no template. Each page's requests per second are
compared with it, measured in the same run. It exists only here (bench.settings names
this module; gmc.settings never does).
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from gmc.urls import urlpatterns as portal_urlpatterns

FLOOR_PATH = "/_floor/"
FLOOR_BODY = b"<!doctype html><html lang=en><title>floor</title><p>floor</p></html>\n"


def floor(request: HttpRequest) -> HttpResponse:
    """A complete, tiny HTML page: no database, no cache, no template."""
    return HttpResponse(FLOOR_BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor, name="bench_floor"), *portal_urlpatterns]
