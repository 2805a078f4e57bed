from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gmc import selectors
from gmc.page_cache import public_page
from gmc.views.public import page_meta


@require_GET
@public_page()
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "gmc/privacy.html",
        {
            "edition": selectors.current_edition_for_home(),
            "meta": page_meta(
                _("Privacy notice"), _("What the portal keeps about you, why, and your rights.")
            ),
        },
    )


@require_GET
@public_page()
def code_of_conduct(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "gmc/code_of_conduct.html",
        {
            "edition": selectors.current_edition_for_home(),
            "meta": page_meta(
                _("Code of conduct"), _("How participants treat each other at the conference.")
            ),
        },
    )
