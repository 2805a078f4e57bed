"""Keep the Sites framework's one row in step with SITE_URL.

The sitemap and allauth build absolute addresses from the current Site; left at
Django's "example.com" they would point visitors elsewhere.
"""

from urllib.parse import urlparse

from django.conf import settings


def sync_site(**kwargs) -> None:
    from django.contrib.sites.models import Site

    domain = urlparse(settings.SITE_URL).netloc or "127.0.0.1:8000"
    name = "GMC"
    site, created = Site.objects.get_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": name}
    )
    if not created and (site.domain, site.name) != (domain, name):
        site.domain, site.name = domain, name
        site.save(update_fields=["domain", "name"])
    Site.objects.clear_cache()
