from django.conf import settings

from gmc.links import site_url


def site(request):
    """What the base layout needs on every page."""
    return {
        "site_url": site_url(),
        "languages_offered": settings.LANGUAGES,
        "debug_mail_sink": settings.DEBUG
        and settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend",
    }
