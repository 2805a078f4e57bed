"""The administration's sign-in is the account sign-in.

Django's admin login form has no throttle and skips the verified-address rules; every
sign-in goes through allauth's instead, with its rate limits per account and address.
"""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def admin_login(request: HttpRequest) -> HttpResponse:
    """Send visitors to the account sign-in and back to the page they wanted; a signed-in
    person without access to the administration is told so. A POSTed password is never
    read here."""
    wanted = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        wanted = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(wanted)
        return render(request, "gmc/admin_no_access.html", status=403)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': wanted})}")
