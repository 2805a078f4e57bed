from django.conf import settings


def site(request):
    """What the base layout needs on every page."""
    return {
        "site_url": settings.SITE_URL,
        "languages_offered": settings.LANGUAGES,
        "debug_mail_sink": settings.DEBUG
        and settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend",
    }
