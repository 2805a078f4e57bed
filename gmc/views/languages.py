"""The language switcher's targets. Signed in: a form to Django's ``set_language`` (the
choice in the language cookie, back to the same page in the chosen language), which also
keeps the choice on the person's profile, so their emails follow it. Not signed in:
links to ``choose_language``, which keeps it in the cookie."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from gmc.languages import offered, save_language


@require_http_methods(["GET", "POST"])
def set_language(request: HttpRequest) -> HttpResponse:
    # Django's view changes nothing on a GET (it only redirects back), and neither do we.
    response = django_set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        save_language(request.user, request.POST.get("language", ""))
    return response


def choose_language(request: HttpRequest, code: str) -> HttpResponse:
    """The switcher of visitors who are not signed in: a plain link, so that pages served
    from the cache to everyone carry no form token. It keeps the choice in the language
    cookie (nothing else: a signed-in person's profile changes only through the form) and
    opens the page they came from in that language."""
    language = offered(code)
    if language is None:
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(translate_url(target, language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
