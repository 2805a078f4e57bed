"""The language switcher's target: Django's ``set_language`` (the choice in the
language cookie, back to the same page in the chosen language), which also keeps the
choice on a signed-in person's profile, so their emails follow it."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from gmc.languages import save_language


@require_http_methods(["GET", "POST"])
def set_language(request: HttpRequest) -> HttpResponse:
    # Django's view changes nothing on a GET (it only redirects back), and neither do we.
    response = django_set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        save_language(request.user, request.POST.get("language", ""))
    return response
